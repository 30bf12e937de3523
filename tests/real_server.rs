//! End to end against a real `opencode serve` (installed by tools/setup.sh)
//! whose model is the echo provider: the Rust client, the Lua API in the host
//! and in stock interpreters, and ai-helloworld.
//!
//! These tests fail, never skip, when the server cannot be installed or started.

#[path = "support/lua.rs"]
mod lua;

use std::process::Command;
use std::time::{Duration, Instant};

use lua::{host_binary, manifest_dir, run_bounded, run_lua_test, Runner, STOCK};
use opencode::client::{Client, Config, ErrorKind, EventOptions, NewSession, SendOptions, DISCONNECTED};
use opencode_testing::real_server::{OpencodeServer, ServerOptions};
use serde_json::json;

/// Streams its replies in several chunks with pauses, so streaming is visible.
fn streaming_server() -> OpencodeServer {
    OpencodeServer::start(ServerOptions {
        chunk_delay_ms: 150,
        ..ServerOptions::default()
    })
}

fn client_for(server: &OpencodeServer) -> Client {
    let mut config = Config::with_url(server.url());
    config.password = server.password().map(str::to_owned);
    Client::connect(config).expect("connect to the real server")
}

#[test]
fn rust_client_create_send_list_delete() {
    let server = OpencodeServer::start(ServerOptions::default());
    let client = client_for(&server);
    assert_eq!(client.health().unwrap().version.as_deref(), Some("1.18.33"));
    let session = client.new_session(&NewSession::new().title("hello")).unwrap();
    let reply = client
        .send(&session.id, "hello world", &SendOptions::default())
        .unwrap();
    assert_eq!(reply.text(), "echo: hello world");
    assert!(client.sessions().unwrap().iter().any(|s| s.id == session.id));
    assert!(client.delete(&session.id).unwrap());
    let err = client.send(&session.id, "again", &SendOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.status(), Some(404));
    assert!(err.message().contains("Session not found"), "{err}");
}

#[test]
fn blocking_send_returns_aborted_when_aborted_from_another_thread() {
    let server = OpencodeServer::start(ServerOptions::default());
    let client = client_for(&server);
    let session = client.new_session(&NewSession::new()).unwrap();
    let sender = {
        let (client, id) = (client.clone(), session.id.clone());
        std::thread::spawn(move || client.send(&id, "[[sleep:20000]] slow", &SendOptions::default()))
    };
    // Abort once the session is working on it (a first prompt takes a moment to start).
    let busy = (0..300).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        server.request("GET", "/session/status", None).json()[&session.id]["type"] == "busy"
    });
    assert!(busy, "the session never became busy");
    assert!(client.abort(&session.id).unwrap());
    let err = sender.join().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Aborted, "{err}");
}

#[test]
fn wrong_password_is_auth_and_stopped_server_is_connect() {
    let server = OpencodeServer::start(ServerOptions {
        password: Some("correct horse".into()),
        ..ServerOptions::default()
    });
    let mut config = Config::with_url(server.url());
    config.password = Some("wrong".into());
    let err = Client::connect(config.clone()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(err.status(), Some(401));
    assert!(!err.to_string().contains("wrong"), "{err}");
    config.password = Some("correct horse".into());
    let client = Client::connect(config.clone()).unwrap();
    assert!(client.health().unwrap().healthy);
    drop(server);
    let err = client.health().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    let err = Client::connect(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
}

#[test]
fn lua_api_against_the_real_server_in_the_host() {
    let server = streaming_server();
    run_lua_test(&Runner::Host, "real_server_test.lua", &[server.url()]);
}

#[test]
fn lua_api_against_the_real_server_in_stock_interpreters() {
    let server = streaming_server();
    for (interpreter, lua) in STOCK {
        run_lua_test(
            &Runner::stock(interpreter, lua),
            "real_server_test.lua",
            &[server.url()],
        );
    }
}

/// The generated operations (tests/lua/operations_real_test.lua) in the host
/// and in stock lua5.1, lua5.4 and LuaJIT.
#[test]
fn operations_against_the_real_server() {
    let server = OpencodeServer::start(ServerOptions::default());
    run_lua_test(&Runner::Host, "operations_real_test.lua", &[server.url()]);
    for (interpreter, lua) in STOCK.iter().filter(|(i, _)| ["lua5.1", "lua5.4", "luajit"].contains(i)) {
        run_lua_test(
            &Runner::stock(interpreter, lua),
            "operations_real_test.lua",
            &[server.url()],
        );
    }
}

#[test]
fn rust_client_reaches_the_whole_api() {
    let server = OpencodeServer::start(ServerOptions::default());
    let client = client_for(&server);
    let session = client.new_session(&NewSession::new().title("calls")).unwrap();
    client
        .send(&session.id, "hello", &SendOptions::new().agent("build"))
        .unwrap();
    let messages = client
        .call("session.messages", json!({"sessionID": session.id}))
        .unwrap();
    let roles: Vec<&str> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["info"]["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant"]);
    let renamed = client
        .call("session.update", json!({"sessionID": session.id, "title": "renamed"}))
        .unwrap();
    assert_eq!(renamed["title"], "renamed");
    let path = client.call("path.get", json!({})).unwrap();
    assert_eq!(
        std::path::Path::new(path["directory"].as_str().unwrap()),
        server.project_dir()
    );
    assert_eq!(
        client.call("find.files", json!({"query": "opencode"})).unwrap(),
        json!(["opencode.json"])
    );
    let file = client
        .call_bytes("v2.fs.read", json!({"path": "opencode.json"}))
        .unwrap();
    assert!(String::from_utf8(file).unwrap().contains("echo/echo"));
    assert_eq!(
        client
            .call("tui.showToast", json!({"message": "hi", "variant": "info"}))
            .unwrap(),
        json!(true)
    );
    let pty = client
        .call("pty.create", json!({"command": "sh", "args": ["-c", "sleep 30"]}))
        .unwrap();
    assert_eq!(
        client.call("pty.remove", json!({"ptyID": pty["id"]})).unwrap(),
        json!(true)
    );
    let options = opencode::client::RequestOptions::new()
        .path("sessionID", session.id.as_str())
        .query("limit", "1");
    let last = client.request("GET", "/session/{sessionID}/message", options).unwrap();
    assert_eq!(last[0]["info"]["role"], "assistant");
    let stream = client
        .open_stream("global.event", json!({}), opencode::client::EventOptions::default())
        .unwrap();
    // opencode greets a moment before it passes events on.
    std::thread::sleep(Duration::from_millis(300));
    client
        .call("session.update", json!({"sessionID": session.id, "title": "again"}))
        .unwrap();
    let mut seen = Vec::new();
    let event = std::iter::from_fn(|| stream.next(Some(Duration::from_secs(10))))
        .map(Result::unwrap)
        .inspect(|e| seen.push(e.kind.clone()))
        .find(|e| e.kind == "session.updated");
    let event = event.unwrap_or_else(|| panic!("no session.updated on the stream, only {seen:?}"));
    assert_eq!(event.session_id(), Some(session.id.as_str()));
    let err = client
        .call("session.get", json!({"sessionID": "ses_missing"}))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

#[test]
fn permissions_against_the_real_server() {
    let server = OpencodeServer::start(ServerOptions {
        permission: Some(json!({"bash": "ask"})),
        ..ServerOptions::default()
    });
    run_lua_test(&Runner::Host, "permission_test.lua", &[server.url()]);
    run_lua_test(
        &Runner::stock(STOCK[0].0, STOCK[0].1),
        "permission_test.lua",
        &[server.url()],
    );
}

fn ai_helloworld(
    runner: &Runner,
    server: &OpencodeServer,
    cwd: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    let mut command = match runner {
        Runner::Host => {
            let mut command = Command::new(host_binary());
            command.arg("ai-helloworld");
            command
        }
        stock => stock.command(&manifest_dir().join("lua/ai-helloworld.lua"), &[]),
    };
    command
        .args(args)
        .current_dir(cwd)
        .env("OPENCODE_SERVER_URL", server.url());
    command.env_remove("OPENCODE_SERVER_PASSWORD");
    run_bounded(command, Duration::from_secs(60))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("opencode-lua-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn ai_helloworld_prints_the_reply_and_cleans_up_its_session() {
    let server = OpencodeServer::start(ServerOptions::default());
    let client = client_for(&server);
    let cwd = temp_dir("helloworld");
    for runner in [Runner::Host, Runner::stock(STOCK[0].0, STOCK[0].1)] {
        let before = client.sessions().unwrap().len();
        let output = ai_helloworld(&runner, &server, &cwd, &[]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{}: {stdout} {}",
            runner.name(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(stdout, "echo: hello world\n", "{}", runner.name());
        assert_eq!(client.sessions().unwrap().len(), before, "its own session is deleted");
        let output = ai_helloworld(&runner, &server, &cwd, &["write", "a", "haiku"]);
        assert_eq!(String::from_utf8_lossy(&output.stdout), "echo: write a haiku\n");
    }
    let _ = std::fs::remove_dir_all(&cwd);
}

#[test]
fn ai_helloworld_uses_the_session_in_opencc_session_id() {
    let server = OpencodeServer::start(ServerOptions::default());
    let client = client_for(&server);
    let session = client.new_session(&NewSession::new().title("attached TUI")).unwrap();
    let cwd = temp_dir("session-id");
    // Set it the way a user would, with ComputerCraft's `set` program.
    let set = Command::new(host_binary())
        .args(["set", "opencc.session_id", &session.id])
        .current_dir(&cwd)
        .output()
        .unwrap();
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    let saved = std::fs::read_to_string(cwd.join(".settings")).unwrap();
    assert!(
        saved.contains(&format!("[ \"opencc.session_id\" ] = \"{}\",", session.id)),
        "{saved}"
    );

    let output = ai_helloworld(&Runner::Host, &server, &cwd, &["to", "the", "tui"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "echo: to the tui\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The prompt and its reply are in that session, which still exists.
    let messages = server
        .request("GET", &format!("/session/{}/message", session.id), None)
        .json();
    let texts: Vec<String> = messages
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["parts"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["text"].as_str().map(str::to_owned))
        .collect();
    assert!(
        texts.contains(&"to the tui".to_owned()) && texts.contains(&"echo: to the tui".to_owned()),
        "{texts:?}"
    );
    assert!(
        client.session(&session.id).is_ok(),
        "a session it did not create is kept"
    );
    let _ = std::fs::remove_dir_all(&cwd);
}

#[test]
fn ai_helloworld_reports_a_wrong_password_and_exits_non_zero() {
    let server = OpencodeServer::start(ServerOptions {
        password: Some("sesame".into()),
        ..ServerOptions::default()
    });
    let cwd = temp_dir("badpass");
    std::fs::write(
        cwd.join(".settings"),
        "{\n  [ \"opencc.password\" ] = \"not-sesame\",\n}",
    )
    .unwrap();
    let output = ai_helloworld(&Runner::Host, &server, &cwd, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("rejected the credentials"), "{stderr}");
    assert!(!stderr.contains("not-sesame"), "{stderr}");
    let _ = std::fs::remove_dir_all(&cwd);
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map(|d| d.count()).unwrap_or(0)
}

#[test]
fn pending_sends_share_one_thread_and_let_go_without_waiting() {
    let server = OpencodeServer::start(ServerOptions::default());
    let client = client_for(&server);
    let session = client.new_session(&NewSession::new()).unwrap();
    let idle = threads();
    let handles: Vec<_> = (0..200)
        .map(|i| {
            client
                .send_async(&session.id, format!("[[sleep:20000]] {i}"), &SendOptions::default())
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let busy = threads();
    assert!(busy <= idle + 4, "{idle} threads idle, {busy} with 200 pending sends");
    let started = Instant::now();
    let mut cancelled = handles;
    let dropped = cancelled.split_off(100);
    for handle in &mut cancelled {
        handle.cancel();
    }
    drop(cancelled);
    drop(dropped);
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "cancelling and dropping 200 pending sends took {:?}",
        started.elapsed()
    );
    // The aborts were posted from the hub: the session is free again.
    let freed = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        server.request("GET", "/session/status", None).json()[&session.id]["type"] != "busy"
    });
    assert!(freed, "the session is still busy");
}

#[test]
fn a_stream_whose_server_is_killed_says_so() {
    let server = OpencodeServer::start(ServerOptions::default());
    let client = client_for(&server);
    let stream = client.events(EventOptions::default()).unwrap();
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(20);
    let disconnected = loop {
        assert!(Instant::now() < deadline, "no {DISCONNECTED} event");
        if let Some(Ok(event)) = stream.next(Some(Duration::from_millis(500))) {
            if event.kind == DISCONNECTED {
                break event;
            }
        }
    };
    assert_eq!(disconnected.properties["kind"], "connect", "{disconnected:?}");
    let message = disconnected.properties["error"].as_str().unwrap_or_default();
    assert!(message.contains("could not connect"), "{message}");
    // Said once, while it keeps trying.
    let again = stream.next(Some(Duration::from_secs(2)));
    assert!(again.is_none(), "{again:?}");
}
/// Runs tests/lua/interrupt.lua blocked in `call`, sends SIGINT once it is
/// ready, and returns how long the interpreter took to end, its stderr, and
/// the id of its session.
fn interrupt(runner: &Runner, url: &str, call: &str) -> (Duration, String, String) {
    use std::io::{BufRead, BufReader, Read};
    let script = manifest_dir().join("tests/lua/interrupt.lua");
    let mut child = runner
        .command(&script, &[url, call])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the interpreter");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let session = line
        .trim()
        .strip_prefix("ready ")
        .unwrap_or_else(|| panic!("{call}: the script did not get ready: {line:?}"))
        .to_owned();
    // Let it settle into the blocking call.
    std::thread::sleep(Duration::from_millis(700));
    // SAFETY: signalling our own child by its pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let signalled = Instant::now();
    let deadline = signalled + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = signalled.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
    let mut rest = String::new();
    let _ = stdout.read_to_string(&mut rest);
    assert!(!rest.contains("not interrupted"), "{call}: the call returned normally");
    (took, stderr, session)
}

#[test]
fn ctrl_c_interrupts_blocking_calls_in_stock_interpreters() {
    let server = OpencodeServer::start(ServerOptions::default());
    // A first prompt loads the model; opencode 1.18.33 fails every later
    // prompt ("All fibers interrupted") when that first one is interrupted.
    let client = client_for(&server);
    let session = client.new_session(&NewSession::new()).unwrap();
    assert_eq!(
        client
            .send(&session.id, "warm", &SendOptions::default())
            .unwrap()
            .text(),
        "echo: warm"
    );
    // Accepts connections and never answers: what a connect waits on.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    for (interpreter, lua) in STOCK.iter().filter(|(name, _)| ["lua5.4", "luajit"].contains(name)) {
        let runner = Runner::stock(interpreter, lua);
        for call in ["send", "wait", "next", "call", "connect"] {
            let url = if call == "connect" {
                silent_url.as_str()
            } else {
                server.url()
            };
            let (took, stderr, session) = interrupt(&runner, url, call);
            eprintln!("{interpreter} {call}: ended {took:?} after SIGINT");
            assert!(stderr.contains("interrupted!"), "{interpreter} {call}: {stderr}");
            assert_eq!(
                stderr.matches("interrupted!").count(),
                1,
                "{interpreter} {call}: {stderr}"
            );
            assert!(took < Duration::from_millis(500), "{interpreter} {call}: took {took:?}");
            if !["send", "wait"].contains(&call) {
                continue;
            }
            let status = server.request("GET", "/session/status", None).json();
            assert_ne!(
                status[&session]["type"], "busy",
                "{interpreter} {call}: not aborted: {status}"
            );
        }
    }
}
