//! Writing to a connection the server has closed raises SIGPIPE, and stock
//! `lua` and `luajit` leave SIGPIPE at its default action, which ends the
//! process (exit 141) without a word. These tests make a server stop reading
//! a 10 MB prompt (as a proxy answering 413 does, or a server whose keep-alive
//! timeout fires just as the client reuses the connection) and check that
//! every call returns kind `connect`, three times in a row on one client,
//! which then goes on working: over http and https, in the host, in stock
//! lua5.4 and luajit (tests/lua/broken_pipe_test.lua), and in Rust with this
//! test process's SIGPIPE put back to its default.

#[path = "support/lua.rs"]
mod lua;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lua::{run_lua_test, Runner};
use opencode::client::{Client, Config, ErrorKind, SendOptions, SendUpdate};
use opencode_testing::fake_server::{connected_frame, head, End, FakeServer, Fault, Request};
use serde_json::json;

/// Far more than the socket buffers of both ends hold, so the client is
/// still writing when the server closes.
const BIG: usize = 10 * 1024 * 1024;
/// How much of a large body the early-closing server reads before closing.
const READ_BEFORE_CLOSING: usize = 64 * 1024;
/// How many health answers of the stale-connection server close their
/// connection when it is reused.
const STALE_ROUNDS: usize = 3;

/// A well-behaved opencode, for the requests the servers below let through.
fn healthy(request: &Request) -> Fault {
    let segments: Vec<&str> = request.route().trim_start_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["global", "health"]) => Fault::json(200, json!({"healthy": true, "version": "1.18.33"})),
        ("GET", ["global", "event"]) => Fault::sse(
            vec![(Duration::ZERO, connected_frame())],
            End::Hold(Duration::from_secs(60)),
        ),
        ("POST", ["session", id, "message"]) => Fault::json(
            200,
            json!({
                "info": {"id": "msg_1", "sessionID": id, "role": "assistant"},
                "parts": [{"type": "text", "text": format!("echo: {}", request.prompt_text())}]
            }),
        ),
        ("POST", ["session", _, "prompt_async"]) => Fault::raw(head(204, &[]), End::KeepAlive),
        ("POST", ["session", _, "abort"]) => Fault::json(200, json!(true)),
        _ => Fault::text(400, "unexpected request"),
    }
}

/// Reads the head and a little of any large body, then closes the connection.
fn early_closing() -> FakeServer {
    FakeServer::start_refusing_bodies_over(READ_BEFORE_CLOSING, healthy)
}

/// Its first health answers keep the connection only until the next request
/// on it starts to arrive, then close it.
fn stale() -> FakeServer {
    let healths = AtomicUsize::new(0);
    FakeServer::start(move |request| {
        if request.route() == "/global/health" && healths.fetch_add(1, Ordering::SeqCst) < STALE_ROUNDS {
            healthy(request).then(End::CloseWhenReused)
        } else {
            healthy(request)
        }
    })
}

fn config(url: &str) -> Config {
    let mut config = Config::with_url(url);
    config.password = None;
    config.timeout = Duration::from_secs(10);
    config.send_timeout = Some(Duration::from_secs(20));
    config
}

fn big_prompt() -> String {
    "x".repeat(BIG)
}

/// The Rust test harness ignores SIGPIPE (as every Rust program's runtime
/// does before `main`), which would hide the very failure tested here: put
/// it back to the default action that stock interpreters leave it at. Every
/// test of this file runs with it. The fault servers write with std's
/// `TcpStream::write`, a `send(MSG_NOSIGNAL)` that never raises it; the TLS
/// server's threads block it (rustls writes with `writev`).
fn sigpipe_at_default() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: setting a signal's disposition to its default is always valid.
    ONCE.call_once(|| unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    });
}

#[test]
fn big_sends_to_a_server_that_closes_early_fail_with_connect() {
    sigpipe_at_default();
    let server = early_closing();
    let client = Client::new(config(&server.url())).unwrap();
    let prompt = big_prompt();
    for round in 1..=3 {
        let err = client
            .send("ses_x", prompt.as_str(), &SendOptions::default())
            .expect_err("send of a big prompt succeeded");
        assert_eq!(err.kind(), ErrorKind::Connect, "send, round {round}: {err}");
        assert_eq!(err.status(), None, "{err}");
        assert!(err.message().contains(&server.url()), "{err}");

        let err = client
            .prompt_async("ses_x", prompt.as_str(), &SendOptions::default())
            .expect_err("prompt_async of a big prompt succeeded");
        assert_eq!(err.kind(), ErrorKind::Connect, "prompt_async, round {round}: {err}");

        // A background send writes from a thread of its own.
        let handle = client
            .send_async("ses_x", prompt.as_str(), &SendOptions::default())
            .unwrap();
        let err = finish(&handle).expect_err("send_async of a big prompt succeeded");
        assert_eq!(err.kind(), ErrorKind::Connect, "send_async, round {round}: {err}");
    }
    // Nothing was retried, and the client goes on working.
    assert_eq!(server.count("POST", "/session/ses_x/message"), 6);
    assert_eq!(server.count("POST", "/session/ses_x/prompt_async"), 3);
    assert!(client.health().unwrap().healthy);
    let reply = client.send("ses_x", "hello", &SendOptions::default()).unwrap();
    assert_eq!(reply.text(), "echo: hello");
}

#[test]
fn a_big_prompt_on_a_kept_alive_connection_the_server_closed_fails_with_connect() {
    sigpipe_at_default();
    let server = stale();
    // Its health check leaves the first connection open for the first prompt.
    // (prompt_async writes from the caller's thread; sends write from the
    // client's background thread, where SIGPIPE is blocked for good.)
    let client = Client::connect(config(&server.url())).unwrap();
    let prompt = big_prompt();
    for round in 1..=3 {
        let err = client
            .prompt_async("ses_x", prompt.as_str(), &SendOptions::default())
            .expect_err("prompt_async of a big prompt succeeded");
        assert_eq!(err.kind(), ErrorKind::Connect, "round {round}: {err}");
        assert_eq!(err.status(), None, "{err}");
        // A new connection, left open for the next round.
        assert!(client.health().unwrap().healthy, "round {round}");
    }
    // Each big prompt went out on the connection a health check had opened
    // (the server closed it unread), and none was answered.
    assert_eq!(server.connections(), STALE_ROUNDS + 1);
    assert_eq!(server.count("POST", "/session/ses_x/prompt_async"), 0);
    let reply = client.send("ses_x", "hello", &SendOptions::default()).unwrap();
    assert_eq!(reply.text(), "echo: hello");
    assert_eq!(server.count("POST", "/session/ses_x/message"), 1);
}

fn finish(handle: &opencode::client::SendHandle) -> Result<opencode::client::Reply, opencode::client::Error> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if let Some(SendUpdate::Finished(result)) = handle.next(Some(Duration::from_millis(100))) {
            return result;
        }
    }
    panic!("the background send did not finish within 30 s");
}

#[test]
fn big_sends_over_https_to_a_server_that_closes_early_fail_with_connect() {
    sigpipe_at_default();
    let server = TlsEarlyClose::start();
    let mut config = config(&server.url());
    config.insecure = true; // its certificate is self-signed
    let client = Client::connect(config).unwrap();
    let prompt = big_prompt();
    for round in 1..=3 {
        let err = client
            .send("ses_x", prompt.as_str(), &SendOptions::default())
            .expect_err("send of a big prompt succeeded");
        assert_eq!(err.kind(), ErrorKind::Connect, "round {round}: {err}");
        assert_eq!(err.status(), None, "{err}");
    }
    assert!(client.health().unwrap().healthy);
}

/// Connections that the pool keeps must not outlive the server's keep-alive
/// timeout (5 s in node and Apache): a call reusing a connection the server is
/// closing fails, and a prompt is never retried.
#[test]
fn a_connection_idle_as_long_as_servers_keep_theirs_is_not_reused() {
    let server = FakeServer::start(healthy);
    let client = Client::new(config(&server.url())).unwrap();
    assert!(client.health().unwrap().healthy);
    assert!(client.health().unwrap().healthy);
    assert_eq!(server.connections(), 1, "back-to-back calls share a connection");
    std::thread::sleep(Duration::from_secs(5));
    assert!(client.health().unwrap().healthy);
    assert_eq!(server.connections(), 2, "a connection idle for 5 s was reused");
}

fn run_in(runner: Runner) {
    let (early, stale, tls) = (early_closing(), stale(), TlsEarlyClose::start());
    run_lua_test(
        &runner,
        "broken_pipe_test.lua",
        &[&early.url(), &stale.url(), &tls.url()],
    );
}

#[test]
fn lua_in_the_host_survives_servers_that_stop_reading() {
    run_in(Runner::Host);
}

#[test]
fn stock_lua54_survives_servers_that_stop_reading() {
    run_in(Runner::stock("lua5.4", "lua54"));
}

#[test]
fn stock_luajit_survives_servers_that_stop_reading() {
    run_in(Runner::stock("luajit", "luajit"));
}

/// An https server with a self-signed certificate that answers
/// `GET /global/health` and closes the connection of any request announcing a
/// body of more than READ_BEFORE_CLOSING bytes once it has read that much.
/// Every loop is bounded: at most 100 connections, 100 requests each, 10 s of
/// silence, and the accept loop ends when the server is dropped.
struct TlsEarlyClose {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    dir: PathBuf,
}

impl TlsEarlyClose {
    fn start() -> TlsEarlyClose {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};

        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "opencode-broken-pipe-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let made = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
            ])
            .args([
                "-keyout",
                "key.pem",
                "-out",
                "cert.pem",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
            ])
            .args(["-addext", "subjectAltName=IP:127.0.0.1"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .expect("run openssl (installed with the system)");
        assert!(
            made.status.success(),
            "openssl req: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        let certs = CertificateDer::pem_file_iter(dir.join("cert.pem"))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(dir.join("key.pem")).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(certs, key)
                .unwrap(),
        );

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let accept = std::thread::spawn(move || {
            let mut accepted = 0;
            while !stopped.load(Ordering::SeqCst) && accepted < 100 {
                match listener.accept() {
                    Ok((tcp, _)) => {
                        accepted += 1;
                        let config = config.clone();
                        std::thread::spawn(move || serve_tls(tcp, config));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        TlsEarlyClose {
            addr,
            stop,
            accept: Some(accept),
            dir,
        }
    }

    fn url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

impl Drop for TlsEarlyClose {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn serve_tls(tcp: TcpStream, config: Arc<rustls::ServerConfig>) {
    // This process runs with SIGPIPE at its default: a write of this server to
    // a client that has gone must not end it.
    // SAFETY: an initialised signal set holding SIGPIPE, for this thread only.
    unsafe {
        let mut pipe: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut pipe);
        libc::sigaddset(&mut pipe, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &pipe, std::ptr::null_mut());
    }
    let _ = tcp.set_nonblocking(false);
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(connection) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = BufReader::new(rustls::StreamOwned::new(connection, tcp));
    let deadline = Instant::now() + Duration::from_secs(60);
    for _ in 0..100 {
        // The head, line by line, up to 64 KiB.
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            if head.len() > 64 * 1024 || Instant::now() > deadline {
                return;
            }
            match tls.read_until(b'\n', &mut head) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
        let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length.min(READ_BEFORE_CLOSING)];
        if tls.read_exact(&mut body).is_err() {
            return;
        }
        if length > READ_BEFORE_CLOSING {
            // No close_notify: a FIN while the client is still writing, then
            // (the rest of the body unread) a reset.
            let _ = tls.get_ref().sock.shutdown(std::net::Shutdown::Write);
            std::thread::sleep(Duration::from_millis(100));
            return;
        }
        let (status, answer) = if head.starts_with("get /global/health ") {
            ("200 OK", r#"{"healthy": true, "version": "tls"}"#)
        } else {
            ("400 Bad Request", r#"{"message": "unexpected request"}"#)
        };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
        let stream = tls.get_mut();
        if stream
            .write_all(response.as_bytes())
            .and_then(|_| stream.flush())
            .is_err()
        {
            return;
        }
    }
}
