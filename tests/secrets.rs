//! Secrets: the password never shows (Display, Debug, Lua's tostring, error
//! messages, panics, the host's output), credentials go only to the
//! configured origin (a redirect elsewhere drops them), and https is verified
//! unless `insecure` is asked for.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use opencode::client::{Client, Config, ErrorKind, EventOptions, SendOptions, SendUpdate};
use opencode::mlua::{Lua, Table};
use opencode_testing::fake_server::{connected_frame, response, End, FakeServer, Fault, Request};
use opencode_testing::process::run_bounded;
use serde_json::json;

const PASSWORD: &str = "hunter2-Zq8vX-s3cret";
const USERNAME: &str = "opencode";

/// The password as it travels: inside the Basic auth token.
fn token() -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PASSWORD}"))
}

/// Fails when `text` carries the password or the auth token made from it.
fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(PASSWORD), "{what} shows the password: {text}");
    assert!(!text.contains(&token()), "{what} shows the auth token: {text}");
}

fn health() -> Fault {
    Fault::json(200, json!({"healthy": true, "version": "1.18.33"}))
}

fn config(url: &str) -> Config {
    let mut config = Config::with_url(url);
    config.username = USERNAME.into();
    config.password = Some(PASSWORD.into());
    config.directory = None;
    config.timeout = Duration::from_millis(500);
    config.send_timeout = Some(Duration::from_millis(500));
    config.insecure = false;
    config
}

fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// Servers that fail in every way that produces a message.
struct Failing {
    /// Kept so the servers live as long as the URLs are used.
    _servers: Vec<FakeServer>,
    urls: Vec<String>,
}

fn failing_servers() -> Failing {
    let faults = [
        Fault::text(401, "Unauthorized"),
        Fault::text(403, "Forbidden"),
        Fault::json(
            404,
            json!({"name": "NotFoundError", "data": {"message": "Session not found"}}),
        ),
        Fault::html(502, "<html><title>502 Bad Gateway</title></html>"),
        Fault::text(500, "internal error"),
        Fault::text(200, "not json"),
        Fault::reset(),
        Fault::silence(Duration::from_secs(5)),
    ];
    let servers: Vec<FakeServer> = faults
        .into_iter()
        .map(|fault| FakeServer::start(move |_| fault.clone()))
        .collect();
    let mut urls: Vec<String> = servers.iter().map(FakeServer::url).collect();
    urls.push(format!("http://{}", closed_port()));
    Failing {
        _servers: servers,
        urls,
    }
}

// ---- the password never shows ----

#[test]
fn rust_errors_debug_output_and_panics_never_show_the_password() {
    let failing = failing_servers();
    let mut shown = Vec::new();
    for url in &failing.urls {
        // The password as configured, and inside the URL.
        let in_url = url.replacen("http://", &format!("http://{USERNAME}:{PASSWORD}@"), 1);
        for (config, label) in [(config(url), "configured"), (config(&in_url), "in the URL")] {
            shown.push(format!("{config:?}"));
            shown.push(format!("{config:#?}"));
            let client = Client::new(config).unwrap();
            shown.push(format!("{client:?}"));
            shown.push(client.url().to_owned());
            let errors = [
                client.health().unwrap_err(),
                client.sessions().unwrap_err(),
                client.send("ses_x", "hello", &SendOptions::default()).unwrap_err(),
                client
                    .prompt_async("ses_x", "hello", &SendOptions::default())
                    .err()
                    .unwrap_or_else(|| client.health().unwrap_err()),
            ];
            for err in errors {
                shown.push(err.to_string());
                shown.push(format!("{err:?}"));
                shown.push(format!("{err:#?}"));
                shown.push(format!("{:?}", err.reply()));
            }
            if let Err(err) = client.events(EventOptions::default()) {
                shown.push(format!("{err} {err:?}"));
            }
            // What a careless caller's unwrap prints when it panics.
            let panic =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| client.health().unwrap())).unwrap_err();
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            assert!(message.contains("called `Result::unwrap()`"), "{label}: {message}");
            shown.push(message);
        }
    }
    // Background sends report failures too.
    let client = Client::new(config(&failing.urls[0])).unwrap();
    if let Ok(handle) = client.send_async("ses_x", "hello", &SendOptions::default()) {
        for _ in 0..100 {
            match handle.next(Some(Duration::from_secs(5))) {
                Some(SendUpdate::Finished(result)) => {
                    shown.push(format!("{result:?}"));
                    break;
                }
                Some(update) => shown.push(format!("{update:?}")),
                None => break,
            }
        }
    }
    // Unusable configurations.
    for url in [
        format!("ftp://{USERNAME}:{PASSWORD}@127.0.0.1/"),
        format!("http://{USERNAME}:{PASSWORD}@"),
        format!("{USERNAME}:{PASSWORD}@127.0.0.1:4096"),
    ] {
        let err = Client::new(config(&url)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        shown.push(format!("{err} {err:?}"));
    }
    assert!(shown.len() > 100);
    for text in &shown {
        assert_clean("Rust output", text);
    }
}

/// A Lua state with the module, as a Rust host would set it up.
fn lua() -> Lua {
    let lua = Lua::new();
    opencode::register(&lua).unwrap();
    lua
}

#[test]
fn lua_tostring_and_errors_never_show_the_password() {
    let failing = failing_servers();
    let healthy = FakeServer::start(|request| match request.route() {
        "/global/health" => health(),
        _ => Fault::text(500, "internal error"),
    });
    let lua = lua();
    let script = r##"
        local urls, password, healthy = ...
        local opencode = require("opencode")
        local shown = {}
        local function show(...)
          for i = 1, select("#", ...) do
            local value = select(i, ...)
            shown[#shown + 1] = tostring(value)
            if type(value) == "table" then
              for k, v in pairs(value) do
                shown[#shown + 1] = tostring(k) .. "=" .. tostring(v)
              end
            end
          end
        end
        local in_url = function(url) return (url:gsub("^http://", "http://opencode:" .. password .. "@")) end
        -- A client that connected: tostring, url, and the errors of its calls.
        for _, url in ipairs({ healthy, in_url(healthy) }) do
          local client = assert(opencode.connect{ url = url, password = password, timeout = 0.5, send_timeout = 0.5 })
          show(client, client:url(), client:sessions(), client:send("ses_x", "hi"))
          show(client:session("ses_x"), client:delete("ses_x"), client:abort("ses_x"))
          show(client:prompt_async("ses_x", "hi"), client:events())
          -- Caller mistakes raise errors that name the argument, not the password.
          show(pcall(client.send, client, nil))
          show(pcall(client.send, client, "ses_x", "hi", { modle = password }))
          show(pcall(opencode.connect, { url = "ftp://opencode:" .. password .. "@host" }))
          show(pcall(opencode.connect, { url = "opencode:" .. password .. "@127.0.0.1:4096" }))
          show(pcall(opencode.connect, { password = password, bogus = 1 }))
        end
        -- Connecting to servers that fail.
        for _, url in ipairs(urls) do
          show(opencode.connect{ url = url, password = password, timeout = 0.5 })
          show(opencode.connect{ url = in_url(url), timeout = 0.5 })
          show(opencode.connect(in_url(url)))
        end
        -- An uncaught error with the error table in it, as a script would raise.
        local _, _, _, err = opencode.connect{ url = urls[1], password = password, timeout = 0.5 }
        show(pcall(error, err))
        show(pcall(error, tostring(err)))
        return shown
    "##;
    let urls = lua.create_sequence_from(failing.urls.clone()).unwrap();
    let shown: Table = lua
        .load(script)
        .set_name("=secrets")
        .call((urls, PASSWORD, healthy.url()))
        .expect("the Lua script");
    let shown: Vec<String> = shown.sequence_values::<String>().map(Result::unwrap).collect();
    assert!(shown.len() > 50, "{shown:?}");
    assert!(
        shown
            .iter()
            .any(|s| s.starts_with("opencode.client: http://127.0.0.1:")),
        "{shown:?}"
    );
    for text in &shown {
        assert_clean("Lua output", text);
    }
}

/// A unique scratch directory under the system's temporary directory.
fn scratch_dir(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "opencode-secrets-{}-{name}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `command` with a time bound and returns everything it printed.
fn output_of(command: Command, limit: Duration) -> (bool, String) {
    let output = run_bounded(command, limit);
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn the_host_never_prints_the_password() {
    let failing = failing_servers();
    let healthy = FakeServer::start(|request| match request.route() {
        "/global/health" => health(),
        _ => Fault::text(500, "internal error"),
    });
    let dir = scratch_dir("host");
    let script = dir.join("secrets.lua");
    std::fs::write(
        &script,
        r#"
        local opencode = require("opencode")
        local healthy = arg[1]
        -- The password comes from the environment (OPENCODE_SERVER_PASSWORD).
        local client = assert(opencode.connect(healthy))
        print(client, client:url())
        print(client:sessions())
        print(client:send("ses_x", "hello"))
        local password = os.getenv("OPENCODE_SERVER_PASSWORD")
        for i = 2, #arg do
          print(opencode.connect{ url = arg[i], timeout = 0.5 })
          local in_url = arg[i]:gsub("^http://", "http://opencode:" .. password .. "@")
          local c, message, kind, err = opencode.connect{ url = in_url, timeout = 0.5 }
          print(c, message, kind, err and err.message)
        end
        -- Uncaught: the host prints the error and a traceback, and exits 1.
        local _, message = opencode.connect{ url = arg[2], timeout = 0.5 }
        error(message)
        "#,
    )
    .unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_opencode-lua"));
    command
        .arg(&script)
        .arg(healthy.url())
        .args(&failing.urls)
        .current_dir(&dir)
        .env("OPENCODE_SERVER_PASSWORD", PASSWORD)
        .env("OPENCODE_SERVER_USERNAME", USERNAME)
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1");
    let (success, output) = output_of(command, Duration::from_secs(60));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!success, "the script ends with an uncaught error:\n{output}");
    assert!(output.contains("opencode.client: http://127.0.0.1:"), "{output}");
    assert!(output.contains("traceback"), "{output}");
    assert_clean("the host's output", &output);
}

#[test]
fn credentials_in_the_url_are_percent_decoded() {
    // A password with characters that must be escaped inside a URL.
    let password = "p@ss:w/rd%";
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{password}"))
    );
    let server = FakeServer::start(move |request| {
        if request.header("authorization") == Some(expected.as_str()) {
            health()
        } else {
            Fault::text(401, "wrong credentials")
        }
    });
    let url = format!("http://{USERNAME}:p%40ss%3Aw%2Frd%25@{}", server.addr());
    let mut config = config(&url);
    config.password = None;
    let client = Client::new(config).unwrap();
    assert_eq!(client.url(), server.url());
    client
        .health()
        .expect("the password written escaped in the URL is sent as itself");
}

// ---- credentials go only to the configured origin ----

fn redirect(status: u16, location: &str) -> Fault {
    Fault::raw(response(status, &[("Location", location)], b""), End::KeepAlive)
}

/// A server elsewhere that answers like opencode and records what it got.
fn elsewhere(ip: &str) -> FakeServer {
    FakeServer::start_on(ip, |request| match request.route() {
        "/global/event" => Fault::sse(
            vec![(Duration::ZERO, connected_frame())],
            End::Hold(Duration::from_secs(5)),
        ),
        "/session/ses_x/message" => Fault::json(
            200,
            json!({"info": {"id": "msg_1", "sessionID": "ses_x", "role": "assistant"}, "parts": [{"type": "text", "text": "moved"}]}),
        ),
        _ => health(),
    })
}

/// The configured server: it redirects everything to `target`.
fn redirecting(status: u16, target: String) -> FakeServer {
    FakeServer::start(move |request: &Request| redirect(status, &format!("{target}{}", request.path)))
}

fn authorizations(server: &FakeServer) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect()
}

#[test]
fn a_redirect_to_another_host_or_port_drops_the_credentials() {
    let want = format!("Basic {}", token());
    for (ip, status) in [
        ("127.0.0.2", 302),
        ("127.0.0.1", 302),
        ("127.0.0.3", 307),
        ("127.0.0.2", 308),
    ] {
        let other = elsewhere(ip);
        let origin = redirecting(status, other.url());
        let client = Client::new(config(&origin.url())).unwrap();

        assert!(client.health().expect("the redirect is followed").healthy);
        let reply = client
            .send("ses_x", "hello", &SendOptions::default())
            .expect("the send is redirected");
        assert_eq!(reply.text(), "moved");
        let stream = client
            .events(EventOptions::default())
            .expect("the event stream is redirected");
        drop(stream);

        // The configured origin got the credentials; the other server never did.
        assert!(
            authorizations(&origin)
                .iter()
                .all(|a| a.as_deref() == Some(want.as_str())),
            "{ip} {status}: {:?}",
            authorizations(&origin)
        );
        let received = other.requests();
        assert_eq!(received.len(), 3, "{ip} {status}: {received:#?}");
        for request in received {
            assert_eq!(
                request.header("authorization"),
                None,
                "{ip} {status}: {} {} carried the credentials to {}",
                request.method,
                request.path,
                other.url()
            );
        }
    }
}

#[test]
fn a_redirect_within_the_origin_keeps_the_credentials() {
    // The control for the test above: the header is there to be dropped.
    let server = FakeServer::start(|request| match request.route() {
        "/global/health" => redirect(302, "/moved/health"),
        _ => health(),
    });
    let client = Client::new(config(&server.url())).unwrap();
    assert!(client.health().unwrap().healthy);
    let want = format!("Basic {}", token());
    assert_eq!(authorizations(&server), [Some(want.clone()), Some(want)]);
}

// ---- https ----

/// `openssl s_server` serving `GET /global/health` over TLS with a
/// self-signed certificate made for this test. Killed on drop.
struct TlsServer {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

impl TlsServer {
    fn start() -> TlsServer {
        let dir = scratch_dir("tls");
        let openssl = |args: &[&str], cwd: &Path| {
            let output = Command::new("openssl")
                .args(args)
                .current_dir(cwd)
                .stdin(Stdio::null())
                .output()
                .expect("run openssl (installed with the system)");
            assert!(
                output.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "key.pem",
                "-out",
                "cert.pem",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ],
            &dir,
        );
        let www = dir.join("www");
        std::fs::create_dir_all(www.join("global")).unwrap();
        std::fs::write(www.join("global/health"), r#"{"healthy": true, "version": "tls"}"#).unwrap();
        // -WWW serves files under the working directory: GET /global/health
        // is answered with www/global/health.
        let addr = closed_port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-WWW", "-accept"])
            .arg(addr.to_string())
            .arg("-cert")
            .arg(dir.join("cert.pem"))
            .arg("-key")
            .arg(dir.join("key.pem"))
            .current_dir(&www)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start openssl s_server");
        let server = TlsServer { child, addr, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect_timeout(&server.addr, Duration::from_millis(100)).is_err() {
            assert!(
                Instant::now() < deadline,
                "openssl s_server did not listen on {}",
                server.addr
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    fn url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn https_is_verified_unless_insecure_is_asked_for() {
    let server = TlsServer::start();
    let mut config = config(&server.url());
    config.password = None;
    config.timeout = Duration::from_secs(5);

    // By default the self-signed certificate is refused.
    let err = Client::connect(config.clone()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert_eq!(err.status(), None);
    assert!(err.message().to_lowercase().contains("certificate"), "{err}");
    assert!(err.message().contains(&server.url()), "{err}");

    // Asked for, it is accepted.
    config.insecure = true;
    let client = Client::connect(config).expect("insecure accepts the self-signed certificate");
    assert_eq!(client.health().unwrap().version.as_deref(), Some("tls"));

    // The same from Lua.
    let lua = lua();
    let script = r#"
        local url = ...
        local opencode = require("opencode")
        local client, message, kind = opencode.connect{ url = url, timeout = 5 }
        assert(client == nil and kind == "connect", tostring(message))
        assert(message:lower():find("certificate"), message)
        client = assert(opencode.connect{ url = url, timeout = 5, insecure = true })
        local health = assert(client:health())
        assert(health.version == "tls", health.version)
        local ok, raised = pcall(opencode.connect, { url = url, insecure = "yes" })
        assert(not ok and raised:find("bad argument #1 to 'connect'", 1, true), raised)
        return true
    "#;
    let ok: bool = lua.load(script).call(server.url()).expect("the Lua checks");
    assert!(ok);
}
