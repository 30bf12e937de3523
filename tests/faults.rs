//! The Rust client against a server that misbehaves at the TCP level
//! (opencode_testing::fake_server): refused and reset connections, bodies cut
//! short or dribbled out, silence, proxy pages, garbage, huge bodies and event
//! streams that drop, stall or send garbage.
//!
//! For every fault: the right `ErrorKind` and status, a one-line message that
//! names the server and carries the server's own words where it sent any, no
//! panic, no wait past the configured timeout, the exact number of requests
//! (GETs are retried once after a broken connection, nothing carrying a
//! prompt ever is), and the same `Client` works for the next call.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use opencode::client::{Client, Config, Error, ErrorKind, EventOptions, SendOptions, SendUpdate, RECONNECTED};
use opencode_testing::alone;
use opencode_testing::fake_server::{
    connected_frame, head, response, sse_frame, End, FakeServer, Fault, Request, Step,
};
use serde_json::{json, Value};

/// The bound every call of these tests runs under.
const TIMEOUT: Duration = Duration::from_millis(500);
/// How much later than its bound a call may return. Generous, because a
/// loaded two-core machine can keep a debug build off the CPU for seconds.
/// It does not need to be tight: a call that waited for the server instead of
/// its own bound would take LONG, far beyond TIMEOUT + SLACK, and a timeout
/// also shows in the error's kind (`timeout`, where the server's eventual
/// close would give `connect`), which no load can change.
const SLACK: Duration = Duration::from_secs(5);
/// How long a silent fault keeps its connection open: far past any bound
/// (two attempts and the slack). Servers end their pauses when dropped, so it
/// costs no test time.
const LONG: Duration = Duration::from_secs(30);

fn config(url: &str) -> Config {
    let mut config = Config::with_url(url);
    config.password = None;
    config.directory = None;
    config.timeout = TIMEOUT;
    config.send_timeout = Some(TIMEOUT);
    config.insecure = false;
    config
}

fn client(server: &FakeServer) -> Client {
    Client::new(config(&server.url())).expect("client")
}

fn health_json() -> Value {
    json!({"healthy": true, "version": "1.18.33"})
}

/// The reply opencode's echo model gives: "echo: " and the prompt's text.
fn echo_reply(session: &str, request: &Request) -> Fault {
    let text = request.prompt_text();
    Fault::json(
        200,
        json!({
            "info": {"id": "msg_1", "sessionID": session, "role": "assistant"},
            "parts": [{"type": "text", "text": format!("echo: {text}")}]
        }),
    )
}

/// How a well-behaved opencode answers.
fn healthy(request: &Request) -> Fault {
    let segments: Vec<&str> = request.route().trim_start_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["global", "health"]) => Fault::json(200, health_json()),
        ("GET", ["global", "event"]) => Fault::sse(vec![(Duration::ZERO, connected_frame())], End::Hold(LONG)),
        ("GET", ["session"]) => Fault::json(200, json!([{"id": "ses_a", "title": "a"}])),
        ("GET", ["session", id]) => Fault::json(200, json!({"id": id, "title": "t"})),
        ("DELETE", ["session", _]) | ("POST", ["session", _, "abort"]) => Fault::json(200, json!(true)),
        ("POST", ["session", id, "message"]) => echo_reply(id, request),
        ("POST", ["session", _, "prompt_async"]) => Fault::raw(head(204, &[]), End::KeepAlive),
        _ => Fault::text(400, "unexpected request"),
    }
}

/// Serves `fault` to the first `times` requests for `method route` and
/// answers everything else like a healthy server.
fn faulty(method: &'static str, route: &'static str, times: usize, fault: Fault) -> FakeServer {
    let served = AtomicUsize::new(0);
    FakeServer::start(move |request| {
        if request.method == method && request.route() == route && served.fetch_add(1, Ordering::SeqCst) < times {
            fault.clone()
        } else {
            healthy(request)
        }
    })
}

fn assert_one_line(err: &Error) {
    let text = err.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "not one line: {text:?}");
    assert_eq!(text, err.message());
}

/// A port nothing listens on: bound, then released.
fn closed_port() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

// ---- one fault, one call ----

/// What a call must report.
#[derive(Clone, Debug)]
struct Expect {
    kind: ErrorKind,
    status: Option<u16>,
    /// Texts the message must contain: the status, the server's own words.
    says: Vec<&'static str>,
}

fn expect(kind: ErrorKind, status: Option<u16>, says: &[&'static str]) -> Expect {
    Expect {
        kind,
        status,
        says: says.to_vec(),
    }
}

/// The calls the faults are tried on.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `sessions()`: a GET, retried once after a broken connection.
    Get,
    /// `send()`: carries a prompt, never retried.
    Send,
    /// `prompt_async()`: carries a prompt, never retried, reads no JSON.
    PromptAsync,
}

impl Call {
    fn method_route(self) -> (&'static str, &'static str) {
        match self {
            Call::Get => ("GET", "/session"),
            Call::Send => ("POST", "/session/ses_x/message"),
            Call::PromptAsync => ("POST", "/session/ses_x/prompt_async"),
        }
    }

    fn run(self, client: &Client) -> Result<(), Error> {
        match self {
            Call::Get => client.sessions().map(|sessions| assert_eq!(sessions[0].id, "ses_a")),
            Call::Send => client
                .send("ses_x", "hello", &SendOptions::default())
                .map(|reply| assert_eq!(reply.text(), "echo: hello")),
            Call::PromptAsync => client.prompt_async("ses_x", "hello", &SendOptions::default()),
        }
    }

    /// How many requests a failing call makes: one, or two for a GET whose
    /// connection broke.
    fn attempts(self, kind: ErrorKind) -> usize {
        if self == Call::Get && kind == ErrorKind::Connect {
            2
        } else {
            1
        }
    }
}

/// Runs one faulty call on a client whose connection is already open (so the
/// request goes over a reused keep-alive connection) and checks everything.
fn check(call: Call, name: &str, fault: Fault, expect: &Expect) {
    let attempts = call.attempts(expect.kind);
    let (method, route) = call.method_route();
    let server = faulty(method, route, attempts, fault);
    let client = client(&server);
    client.health().expect("warm-up health");

    let started = Instant::now();
    let result = call.run(&client);
    let elapsed = started.elapsed();
    let err = match result {
        Err(err) => err,
        Ok(()) => panic!("{call:?} / {name}: succeeded, expected {:?}", expect.kind),
    };
    eprintln!("{call:?} / {name}: {:?} after {elapsed:?}: {err}", err.kind());
    assert_eq!(err.kind(), expect.kind, "{call:?} / {name}: {err}");
    assert_eq!(err.status(), expect.status, "{call:?} / {name}: {err}");
    for text in &expect.says {
        assert!(
            err.message().contains(text),
            "{call:?} / {name}: the message lacks {text:?}: {err}"
        );
    }
    assert!(
        err.message().contains(&server.url()),
        "{call:?} / {name}: the message does not name the server: {err}"
    );
    assert_one_line(&err);
    let bound = TIMEOUT * attempts as u32 + SLACK;
    assert!(elapsed < bound, "{call:?} / {name}: took {elapsed:?} (bound {bound:?})");
    if expect.kind == ErrorKind::Timeout {
        assert!(
            elapsed >= TIMEOUT - Duration::from_millis(50),
            "{call:?} / {name}: timed out early, after {elapsed:?}"
        );
        assert!(err.message().contains("0.5s"), "{call:?} / {name}: {err}");
    }
    assert_eq!(
        server.count(method, route),
        attempts,
        "{call:?} / {name}: wrong number of requests"
    );

    // The same client goes on working.
    call.run(&client)
        .unwrap_or_else(|e| panic!("{call:?} / {name}: the next call failed: {e}"));
    client
        .health()
        .unwrap_or_else(|e| panic!("{call:?} / {name}: health afterwards failed: {e}"));
    assert_eq!(server.count(method, route), attempts + 1, "{call:?} / {name}");
}

const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n";
const GATEWAY_504: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>504 Gateway Time-out</title>\n</head>\n<body><h1>Gateway Time-out</h1><p>The upstream server did not answer.</p></body>\n</html>\n";
const TOO_LARGE_413: &str =
    "<html><head><title>413 Request Entity Too Large</title></head><body><h1>Too large</h1></body></html>";

/// Every fault of the transport and of the answer, with what it must give.
fn cases() -> Vec<(&'static str, Fault, Expect)> {
    let json_head = |length: usize| {
        head(
            200,
            &[
                ("Content-Type", "application/json"),
                ("Content-Length", &length.to_string()),
            ],
        )
    };
    let broken = || expect(ErrorKind::Connect, None, &[]);
    let timeout = || expect(ErrorKind::Timeout, None, &["did not answer"]);
    vec![
        ("reset before the headers", Fault::reset(), broken()),
        ("closed before the headers", Fault::close(), broken()),
        (
            "reset after the headers",
            Fault::raw(json_head(100), End::Reset),
            broken(),
        ),
        (
            "closed after the headers",
            Fault::raw(json_head(100), End::Close),
            broken(),
        ),
        (
            "truncated body (Content-Length larger than sent, then close)",
            Fault::head(
                200,
                "application/json",
                1000,
                vec![Step::Write(br#"[{"id": "ses_a", "tit"#.to_vec())],
                End::Close,
            ),
            broken(),
        ),
        (
            "reset in the middle of the body",
            Fault::head(
                200,
                "application/json",
                1000,
                vec![Step::Write(br#"[{"id": "ses_a", "tit"#.to_vec())],
                End::Reset,
            ),
            broken(),
        ),
        ("headers never sent", Fault::silence(LONG), timeout()),
        (
            "half a status line, then silence",
            Fault::raw(b"HTTP/1.1 2".to_vec(), End::Hold(LONG)),
            timeout(),
        ),
        (
            "headers, then a body slower than the timeout",
            Fault::head(
                200,
                "application/json",
                40,
                vec![Step::Trickle {
                    bytes: vec![b' '; 40],
                    piece: 1,
                    pause: Duration::from_millis(100),
                }],
                End::KeepAlive,
            ),
            timeout(),
        ),
        (
            "500 with a non-JSON body",
            Fault::text(500, "database is locked\n    at Storage.write (storage.ts:42)"),
            expect(
                ErrorKind::Http,
                Some(500),
                &["HTTP 500", "database is locked at Storage.write (storage.ts:42)"],
            ),
        ),
        (
            "502 with HTML from a proxy",
            Fault::html(502, NGINX_502),
            expect(ErrorKind::Http, Some(502), &["HTTP 502", "502 Bad Gateway"]),
        ),
        (
            "504 with HTML from a proxy",
            Fault::html(504, GATEWAY_504),
            expect(ErrorKind::Http, Some(504), &["HTTP 504", "504 Gateway Time-out"]),
        ),
        (
            "401 with the server's reason",
            Fault::text(401, "Unauthorized: token expired"),
            expect(ErrorKind::Auth, Some(401), &["HTTP 401", "Unauthorized: token expired"]),
        ),
        (
            "403 with opencode's JSON error",
            Fault::json(
                403,
                json!({"name": "ForbiddenError", "data": {"message": "not allowed from this address"}}),
            ),
            expect(
                ErrorKind::Auth,
                Some(403),
                &["HTTP 403", "not allowed from this address"],
            ),
        ),
        (
            "404 with opencode's JSON error",
            Fault::json(
                404,
                json!({"name": "NotFoundError", "data": {"message": "Session not found: ses_x"}}),
            ),
            expect(
                ErrorKind::NotFound,
                Some(404),
                &["HTTP 404", "Session not found: ses_x"],
            ),
        ),
        (
            "413 with HTML from a proxy",
            Fault::html(413, TOO_LARGE_413),
            expect(
                ErrorKind::Http,
                Some(413),
                &["HTTP 413", "413 Request Entity Too Large"],
            ),
        ),
        (
            "500 whose body is not UTF-8",
            Fault::respond(500, "text/plain", b"disk \xff\xfe full \xc3".to_vec()),
            expect(ErrorKind::Http, Some(500), &["HTTP 500", "disk", "full"]),
        ),
        (
            "success whose body is not UTF-8",
            Fault::respond(200, "application/json", b"\xff\xfe\x00{\"id\": \x80}".to_vec()),
            expect(ErrorKind::Decode, Some(200), &["unexpected answer"]),
        ),
        (
            "success with JSON of the wrong shape",
            Fault::json(200, json!({"unexpected": ["shape", 1]})),
            expect(ErrorKind::Decode, Some(200), &["unexpected answer", "unexpected"]),
        ),
        (
            "success with an empty body",
            Fault::respond(200, "application/json", ""),
            expect(ErrorKind::Decode, Some(200), &["an empty body"]),
        ),
        (
            "success with HTML from a captive portal",
            Fault::html(200, "<html><head><title>Sign in to the network</title></head></html>"),
            expect(ErrorKind::Decode, Some(200), &["Sign in to the network"]),
        ),
    ]
}

fn check_all(call: Call) {
    for (name, fault, expect) in cases() {
        // prompt_async reads no JSON: any success status is a success.
        if call == Call::PromptAsync && expect.kind == ErrorKind::Decode {
            continue;
        }
        check(call, name, fault, &expect);
    }
}

#[test]
fn every_fault_on_a_get() {
    check_all(Call::Get);
}

#[test]
fn every_fault_on_send() {
    check_all(Call::Send);
}

#[test]
fn every_fault_on_prompt_async() {
    check_all(Call::PromptAsync);
}

#[test]
fn connection_refused_then_the_server_comes_up() {
    let addr = closed_port();
    let url = format!("http://{addr}");
    let client = Client::new(config(&url)).unwrap();
    for call in [Call::Get, Call::Send, Call::PromptAsync] {
        let started = Instant::now();
        let err = call.run(&client).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect, "{call:?}: {err}");
        assert_eq!(err.status(), None);
        assert!(err.message().contains(&url), "{err}");
        assert!(err.message().to_lowercase().contains("refused"), "{err}");
        assert_one_line(&err);
        assert!(started.elapsed() < TIMEOUT + SLACK, "took {:?}", started.elapsed());
    }
    let err = Client::connect(config(&url)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    // The same client works once something listens there.
    let server = FakeServer::start_at(addr, healthy);
    client.health().expect("health once the server is up");
    Call::Send.run(&client).expect("send once the server is up");
    assert_eq!(server.count("POST", "/session/ses_x/message"), 1);
}

/// A response cut at every byte (and reset at every byte) is a broken
/// connection, never a success, a panic or a hang.
#[test]
fn a_response_cut_at_any_byte() {
    let whole = response(200, &[("Content-Type", "application/json")], b"true");
    let cut_at = Arc::new(AtomicUsize::new(0));
    let end = Arc::new(Mutex::new(End::Close));
    let server = {
        let (cut_at, end, whole) = (cut_at.clone(), end.clone(), whole.clone());
        FakeServer::start(move |request| match request.route() {
            "/session/ses_x/abort" => Fault::cut(&whole, cut_at.load(Ordering::SeqCst), *end.lock().unwrap()),
            _ => healthy(request),
        })
    };
    let client = client(&server);
    let mut requests = 0;
    for ending in [End::Close, End::Reset] {
        *end.lock().unwrap() = ending;
        for at in 0..whole.len() {
            cut_at.store(at, Ordering::SeqCst);
            let started = Instant::now();
            let result = client.abort("ses_x");
            requests += 1;
            let err = result.expect_err(&format!("cut at byte {at} ({ending:?}) succeeded"));
            assert_eq!(err.kind(), ErrorKind::Connect, "cut at {at} ({ending:?}): {err}");
            assert_eq!(err.status(), None, "cut at {at}: {err}");
            assert_one_line(&err);
            assert!(
                started.elapsed() < TIMEOUT + SLACK,
                "cut at {at}: {:?}",
                started.elapsed()
            );
            // abort is a POST: never retried.
            assert_eq!(server.count("POST", "/session/ses_x/abort"), requests, "cut at {at}");
        }
    }
    // The whole response is a success, on the same client.
    cut_at.store(whole.len(), Ordering::SeqCst);
    assert!(client.abort("ses_x").unwrap());
    assert!(client.health().unwrap().healthy);
}

// ---- no duplicated work ----

fn send_hello(client: &Client) -> Result<String, Error> {
    client
        .send("ses_x", "hello", &SendOptions::default())
        .map(|reply| reply.text())
}

#[test]
fn a_get_is_retried_exactly_once_after_a_reset() {
    let server = faulty("GET", "/session", 1, Fault::reset());
    let client = client(&server);
    let sessions = client.sessions().expect("the retry succeeds");
    assert_eq!(sessions[0].id, "ses_a");
    assert_eq!(server.count("GET", "/session"), 2);
}

#[test]
fn a_get_that_keeps_breaking_is_tried_twice_and_no_more() {
    for fault in [
        Fault::reset(),
        Fault::close(),
        Fault::raw(head(200, &[("Content-Length", "10")]), End::Reset),
    ] {
        let server = faulty("GET", "/session", usize::MAX, fault.clone());
        let err = client(&server).sessions().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect, "{fault:?}: {err}");
        assert_eq!(server.count("GET", "/session"), 2, "{fault:?}");
    }
}

#[test]
fn a_get_is_not_retried_after_a_timeout_or_an_error_status() {
    for (fault, kind) in [
        (Fault::silence(LONG), ErrorKind::Timeout),
        (Fault::html(502, NGINX_502), ErrorKind::Http),
        (Fault::text(500, "boom"), ErrorKind::Http),
        (Fault::json(200, json!({"not": "a list"})), ErrorKind::Decode),
    ] {
        let server = faulty("GET", "/session", usize::MAX, fault);
        let err = client(&server).sessions().unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
        assert_eq!(server.count("GET", "/session"), 1, "{err}");
    }
}

/// Faults that break the connection after the prompt reached the server.
fn breaking_faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("reset before the headers", Fault::reset()),
        ("closed before the headers", Fault::close()),
        (
            "reset after the headers",
            Fault::raw(head(200, &[("Content-Length", "100")]), End::Reset),
        ),
        (
            "truncated body",
            Fault::head(
                200,
                "application/json",
                500,
                vec![Step::Write(b"{\"info\"".to_vec())],
                End::Close,
            ),
        ),
    ]
}

#[test]
fn send_is_never_retried_when_the_connection_breaks() {
    for (name, fault) in breaking_faults() {
        for reused in [false, true] {
            let server = faulty("POST", "/session/ses_x/message", usize::MAX, fault.clone());
            let client = client(&server);
            if reused {
                client.health().unwrap();
            }
            let err = send_hello(&client).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Connect, "{name}: {err}");
            assert_eq!(
                server.count("POST", "/session/ses_x/message"),
                1,
                "{name} (reused connection: {reused}): the prompt was sent again"
            );
        }
    }
}

#[test]
fn prompt_async_is_never_retried_when_the_connection_breaks() {
    for (name, fault) in breaking_faults() {
        let server = faulty("POST", "/session/ses_x/prompt_async", usize::MAX, fault);
        let client = client(&server);
        client.health().unwrap();
        let err = client
            .prompt_async("ses_x", "hello", &SendOptions::default())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect, "{name}: {err}");
        assert_eq!(server.count("POST", "/session/ses_x/prompt_async"), 1, "{name}");
    }
}

/// Takes updates until `Finished`, within `limit`.
fn finish(handle: &opencode::client::SendHandle, limit: Duration) -> Result<opencode::client::Reply, Error> {
    let deadline = Instant::now() + limit;
    for _ in 0..10_000 {
        let left = deadline.saturating_duration_since(Instant::now());
        match handle.next(Some(left)) {
            Some(SendUpdate::Finished(result)) => return result,
            Some(_) => {}
            None => panic!("the send did not finish within {limit:?}"),
        }
    }
    panic!("too many updates");
}

#[test]
fn send_async_is_never_retried_when_the_connection_breaks() {
    for (name, fault) in breaking_faults() {
        let server = faulty("POST", "/session/ses_x/message", 1, fault);
        let client = client(&server);
        let started = Instant::now();
        let handle = client
            .send_async("ses_x", "hello", &SendOptions::default())
            .expect("the handle starts");
        let err = finish(&handle, Duration::from_secs(10)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect, "{name}: {err}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name}: {:?}",
            started.elapsed()
        );
        drop(handle);
        assert_eq!(server.count("POST", "/session/ses_x/message"), 1, "{name}");
        // The client still works, for a blocking and for a background send.
        assert_eq!(send_hello(&client).unwrap(), "echo: hello", "{name}");
        let handle = client.send_async("ses_x", "again", &SendOptions::default()).unwrap();
        assert_eq!(finish(&handle, Duration::from_secs(10)).unwrap().text(), "echo: again");
        assert_eq!(server.count("POST", "/session/ses_x/message"), 3, "{name}");
    }
}

#[test]
fn delete_and_abort_are_not_retried() {
    let server = FakeServer::start(|request| match request.method.as_str() {
        "GET" => healthy(request),
        _ => Fault::reset(),
    });
    let client = client(&server);
    assert_eq!(client.delete("ses_x").unwrap_err().kind(), ErrorKind::Connect);
    assert_eq!(client.abort("ses_x").unwrap_err().kind(), ErrorKind::Connect);
    assert_eq!(server.count("DELETE", "/session/ses_x"), 1);
    assert_eq!(server.count("POST", "/session/ses_x/abort"), 1);
}

// ---- event streams ----

fn event_frame(kind: &str, session: &str) -> Vec<u8> {
    sse_frame(&json!({"directory": "/p", "payload": {"type": kind, "properties": {"sessionID": session}}}))
}

/// Serves `first` to the first subscription of `/global/event`, and to every
/// later one a healthy stream that sends `session.idle` for `ses_after`.
fn event_server(first: Fault) -> FakeServer {
    let subscriptions = AtomicUsize::new(0);
    FakeServer::start(move |request| match request.route() {
        "/global/event" if subscriptions.fetch_add(1, Ordering::SeqCst) == 0 => first.clone(),
        "/global/event" => Fault::sse(
            vec![
                (Duration::ZERO, connected_frame()),
                (Duration::from_millis(200), event_frame("session.idle", "ses_after")),
            ],
            End::Hold(LONG),
        ),
        _ => healthy(request),
    })
}

fn heartbeat() -> Duration {
    Duration::from_millis(300)
}

fn options() -> EventOptions {
    EventOptions::default().heartbeat_timeout(heartbeat())
}

/// The kinds of the next events, waiting at most `limit` in all.
fn next_kinds(stream: &opencode::client::EventStream, count: usize, limit: Duration) -> Vec<String> {
    let deadline = Instant::now() + limit;
    let mut kinds = Vec::new();
    while kinds.len() < count {
        let left = deadline.saturating_duration_since(Instant::now());
        match stream.next(Some(left)) {
            Some(Ok(event)) => kinds.push(event.kind),
            Some(Err(err)) => panic!("the stream failed: {err} (after {kinds:?})"),
            None => break,
        }
    }
    kinds
}

fn check_reconnects(name: &str, first: Fault) {
    let server = event_server(first);
    let client = client(&server);
    let started = Instant::now();
    let stream = client.events(options()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        started.elapsed() < TIMEOUT + SLACK,
        "{name}: opening took {:?}",
        started.elapsed()
    );
    // Within the heartbeat timeout, the first backoff and one reconnect.
    let kinds = next_kinds(&stream, 2, heartbeat() + TIMEOUT + SLACK);
    assert_eq!(kinds, [RECONNECTED, "session.idle"], "{name}");
    assert_eq!(server.count("GET", "/global/event"), 2, "{name}");
    // Nothing else, and the client goes on working meanwhile.
    assert!(client.health().unwrap().healthy, "{name}");
    assert_eq!(send_hello(&client).unwrap(), "echo: hello", "{name}");
    assert!(!stream.is_closed(), "{name}");
}

#[test]
fn event_stream_reconnects_when_the_connection_drops() {
    let connected = || (Duration::ZERO, connected_frame());
    check_reconnects(
        "closed after the first frame",
        Fault::sse(vec![connected()], End::Close),
    );
    check_reconnects(
        "reset after the first frame",
        Fault::sse(
            vec![connected(), (Duration::from_millis(20), b"data: {\"pay".to_vec())],
            End::Reset,
        ),
    );
}

#[test]
fn event_stream_reconnects_when_it_stalls_past_the_heartbeat_timeout() {
    let started = Instant::now();
    check_reconnects(
        "silent after the first frame",
        Fault::sse(vec![(Duration::ZERO, connected_frame())], End::Hold(LONG)),
    );
    check_reconnects(
        "stalled in the middle of a frame",
        Fault::sse(
            vec![
                (Duration::ZERO, connected_frame()),
                (Duration::from_millis(10), b"data: {\"payload\": {\"ty".to_vec()),
            ],
            End::Hold(LONG),
        ),
    );
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
}

#[test]
fn event_stream_skips_garbage_and_reconnects_after_it() {
    let mut garbage: Vec<u8> = b"\xff\xfe\x00 not sse at all\n".to_vec();
    garbage.extend_from_slice(b"data: {not json\n\n");
    garbage.extend_from_slice(b"data: [1, 2, 3]\n\n");
    garbage.extend_from_slice(b"data: {\"payload\": {\"properties\": {}}}\n\n");
    garbage.extend_from_slice(b"event: \xc3\x28\ndata: \xe2\x82\n\n");
    garbage.extend_from_slice(b"retry: never\nid: \xff\n: comment\n\n");
    garbage.extend_from_slice(&vec![b'x'; 100_000]);
    garbage.extend_from_slice(b"\n\n\n");
    // Garbage, then a good event on the same connection: it arrives, no reconnect.
    let server = event_server(Fault::sse(
        vec![
            (Duration::ZERO, connected_frame()),
            (Duration::from_millis(150), garbage.clone()),
            (Duration::from_millis(150), event_frame("session.idle", "ses_before")),
        ],
        End::Hold(LONG),
    ));
    let client = client(&server);
    let stream = client.events(EventOptions::default()).unwrap();
    let event = stream
        .next(Some(Duration::from_secs(3)))
        .expect("an event")
        .expect("not an error");
    assert_eq!(event.kind, "session.idle");
    assert_eq!(event.session_id(), Some("ses_before"));
    assert_eq!(server.count("GET", "/global/event"), 1);
    drop(stream);
    // Garbage, then the connection drops: the stream reconnects.
    check_reconnects(
        "garbage, then closed",
        Fault::sse(
            vec![
                (Duration::ZERO, connected_frame()),
                (Duration::from_millis(20), garbage),
            ],
            End::Close,
        ),
    );
}

/// Events that arrive in the same read as `server.connected` (one TCP
/// segment, or a server that flushes rarely) are events like any other.
#[test]
fn events_sent_with_the_first_frame_are_not_lost() {
    let with_first_frame = || {
        let mut first = connected_frame();
        first.extend_from_slice(&event_frame("session.idle", "ses_first"));
        Fault::sse(vec![(Duration::ZERO, first)], End::Close)
    };
    let subscriptions = AtomicUsize::new(0);
    let server = FakeServer::start(move |request| match request.route() {
        "/global/event" if subscriptions.fetch_add(1, Ordering::SeqCst) < 2 => with_first_frame(),
        "/global/event" => Fault::sse(vec![(Duration::ZERO, connected_frame())], End::Hold(LONG)),
        _ => healthy(request),
    });
    let client = client(&server);
    let stream = client.events(options()).unwrap();
    let kinds = next_kinds(&stream, 3, Duration::from_secs(3));
    assert_eq!(kinds, ["session.idle", RECONNECTED, "session.idle"], "events were lost");
}

#[test]
fn event_stream_ends_with_an_auth_error_when_a_reconnect_is_refused() {
    let subscriptions = AtomicUsize::new(0);
    let server = FakeServer::start(move |request| match request.route() {
        "/global/event" if subscriptions.fetch_add(1, Ordering::SeqCst) == 0 => {
            Fault::sse(vec![(Duration::ZERO, connected_frame())], End::Close)
        }
        "/global/event" => Fault::text(401, "Unauthorized: password changed"),
        _ => healthy(request),
    });
    let client = client(&server);
    let stream = client.events(options()).unwrap();
    let started = Instant::now();
    let err = loop {
        match stream.next(Some(Duration::from_secs(3))) {
            Some(Ok(event)) => assert_eq!(event.kind, RECONNECTED, "unexpected {event:?}"),
            Some(Err(err)) => break err,
            None => panic!("the stream neither failed nor ended after {:?}", started.elapsed()),
        }
    };
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(err.status(), Some(401));
    assert!(err.message().contains("password changed"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(client.health().unwrap().healthy);
}

#[test]
fn opening_an_event_stream_fails_cleanly() {
    let cases = [
        (
            "500",
            Fault::text(500, "event bus down"),
            ErrorKind::Http,
            Some(500),
            "event bus down",
        ),
        (
            "401",
            Fault::text(401, "who are you"),
            ErrorKind::Auth,
            Some(401),
            "who are you",
        ),
        ("reset", Fault::reset(), ErrorKind::Connect, None, ""),
        (
            "no first frame",
            Fault::sse(Vec::new(), End::Hold(LONG)),
            ErrorKind::Timeout,
            None,
            "",
        ),
        ("never answers", Fault::silence(LONG), ErrorKind::Timeout, None, ""),
    ];
    for (name, fault, kind, status, says) in cases {
        let server = faulty("GET", "/global/event", 1, fault);
        let client = client(&server);
        let started = Instant::now();
        let err = match client.events(options()) {
            Ok(_) => panic!("{name}: the stream opened"),
            Err(err) => err,
        };
        assert_eq!(err.kind(), kind, "{name}: {err}");
        assert_eq!(err.status(), status, "{name}: {err}");
        assert!(err.message().contains(says), "{name}: {err}");
        assert_one_line(&err);
        assert!(
            started.elapsed() < TIMEOUT + SLACK,
            "{name}: took {:?}",
            started.elapsed()
        );
        // Next time it opens.
        let stream = client
            .events(options())
            .unwrap_or_else(|e| panic!("{name}: reopening: {e}"));
        drop(stream);
        assert!(client.health().unwrap().healthy);
    }
}

// ---- huge bodies ----

/// Resident memory of this process, in bytes.
fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Runs `f` and returns its result with the largest RSS growth seen meanwhile.
fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let baseline = rss();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        thread::spawn(move || {
            let mut peak = 0;
            // Bounded: 60 s of 2 ms samples at most.
            for _ in 0..30_000 {
                peak = peak.max(rss());
                if done.load(Ordering::SeqCst) {
                    break;
                }
                thread::sleep(Duration::from_millis(2));
            }
            peak
        })
    };
    let result = f();
    done.store(true, Ordering::SeqCst);
    let peak = sampler.join().unwrap();
    (result, peak.saturating_sub(baseline))
}

// The big-body tests measure memory: each runs alone, in a child process of
// its own (see opencode_testing::alone), where no other test's threads count.

const MIB: usize = 1024 * 1024;
/// 50 MiB, written as 800 chunks of 64 KiB.
const CHUNK: usize = 64 * 1024;
const CHUNKS: usize = 800;
const BIG_BODY: usize = CHUNK * CHUNKS;
/// What "bounded memory" means here: a few copies of the body at most.
const MEMORY_BOUND: usize = 4 * BIG_BODY;

/// A response of `prefix`, 50 MiB of `fill`, then `suffix`.
fn big(status: u16, content_type: &str, prefix: &[u8], fill: &[u8], suffix: &[u8]) -> Fault {
    assert_eq!(CHUNK % fill.len(), 0);
    let chunk = fill.repeat(CHUNK / fill.len());
    Fault::head(
        status,
        content_type,
        prefix.len() + BIG_BODY + suffix.len(),
        vec![
            Step::Write(prefix.to_vec()),
            Step::Repeat { chunk, times: CHUNKS },
            Step::Write(suffix.to_vec()),
        ],
        End::KeepAlive,
    )
}

fn big_config(server: &FakeServer) -> Config {
    let mut config = config(&server.url());
    // Reading 50 MiB in a debug build takes a moment; the point is that it ends.
    config.timeout = Duration::from_secs(20);
    config.send_timeout = Some(Duration::from_secs(20));
    config
}

fn check_big(name: &str, call: Call, fault: Fault, kind: Option<ErrorKind>) {
    let (method, route) = call.method_route();
    let server = faulty(method, route, 1, fault);
    let client = Client::new(big_config(&server)).unwrap();
    client.health().unwrap();
    let started = Instant::now();
    let (result, growth) = peak_growth(|| match call {
        Call::Send => client
            .send("ses_x", "hello", &SendOptions::default())
            .map(|reply| reply.text().len()),
        _ => client.sessions().map(|sessions| sessions.len()),
    });
    let elapsed = started.elapsed();
    eprintln!("{name}: {elapsed:?}, peak RSS growth {} MiB", growth / MIB);
    match (kind, result) {
        (Some(kind), Err(err)) => {
            assert_eq!(err.kind(), kind, "{name}: {err}");
            assert!(
                err.message().len() < 1000,
                "{name}: a {} byte message",
                err.message().len()
            );
            assert_one_line(&err);
        }
        (None, Ok(_)) => {}
        (kind, result) => panic!("{name}: expected {kind:?}, got {result:?}"),
    }
    assert!(elapsed < Duration::from_secs(30), "{name}: took {elapsed:?}");
    assert!(
        growth < MEMORY_BOUND,
        "{name}: memory grew by {} MiB for a {} MiB body",
        growth / MIB,
        BIG_BODY / MIB
    );
    // The same client goes on working.
    assert!(client.health().unwrap().healthy, "{name}");
    call.run(&Client::new(config(&server.url())).unwrap()).unwrap();
}

#[test]
fn fifty_megabytes_of_garbage_is_a_decode_error() {
    if !alone::alone("fifty_megabytes_of_garbage_is_a_decode_error") {
        return;
    }
    check_big(
        "50 MiB of invalid UTF-8",
        Call::Get,
        big(200, "application/json", b"", &[0xff], b""),
        Some(ErrorKind::Decode),
    );
}

#[test]
fn fifty_megabytes_of_json_of_the_wrong_shape_is_a_decode_error() {
    if !alone::alone("fifty_megabytes_of_json_of_the_wrong_shape_is_a_decode_error") {
        return;
    }
    check_big(
        "a 50 MiB JSON array of numbers",
        Call::Get,
        big(200, "application/json", b"[", b"0,", b"0]"),
        Some(ErrorKind::Decode),
    );
}

#[test]
fn fifty_megabytes_of_error_page_is_an_http_error_with_a_short_message() {
    if !alone::alone("fifty_megabytes_of_error_page_is_an_http_error_with_a_short_message") {
        return;
    }
    check_big(
        "a 50 MiB HTML error page",
        Call::Get,
        big(
            502,
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body>",
            b"<p>x</p>",
            b"</body></html>",
        ),
        Some(ErrorKind::Http),
    );
    check_big(
        "a 50 MiB JSON error",
        Call::Send,
        big(500, "application/json", b"[", b"1,", b"1]"),
        Some(ErrorKind::Http),
    );
}

#[test]
fn a_fifty_megabyte_reply_is_read_whole() {
    if !alone::alone("a_fifty_megabyte_reply_is_read_whole") {
        return;
    }
    let prefix =
        br#"{"info": {"id": "msg_1", "sessionID": "ses_x", "role": "assistant"}, "parts": [{"type": "text", "text": ""#;
    check_big(
        "a 50 MiB reply",
        Call::Send,
        big(200, "application/json", prefix, b"a", br#""}]}"#),
        None,
    );
}

// ---- answers over the size limit ----

/// A JSON array of `length` bytes: `[`, spaces, `]` (an empty list of sessions).
fn padded_empty_list(length: usize) -> Vec<u8> {
    let mut body = vec![b' '; length];
    body[0] = b'[';
    body[length - 1] = b']';
    body
}

/// `body` in chunked transfer encoding, 64 KiB a chunk, without the final
/// empty chunk when `finished` is false (the server then stays silent).
fn chunked(body: &[u8], finished: bool) -> Vec<u8> {
    let mut out = head(
        200,
        &[("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
    );
    for chunk in body.chunks(64 * 1024) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    if finished {
        out.extend_from_slice(b"0\r\n\r\n");
    }
    out
}

#[test]
fn an_answer_over_the_size_limit_is_too_large() {
    const LIMIT: usize = MIB;
    let cases = [
        // The announced length alone decides: the server sends nothing more.
        (
            "Content-Length over the limit",
            Fault::head(200, "application/json", LIMIT + 1, Vec::new(), End::Hold(LONG)),
            Some(ErrorKind::TooLarge),
        ),
        // No length: counted as it arrives, and the server never finishes.
        (
            "chunked, past the limit",
            Fault::raw(chunked(&padded_empty_list(2 * LIMIT), false), End::Hold(LONG)),
            Some(ErrorKind::TooLarge),
        ),
        (
            "chunked, one byte over the limit",
            Fault::raw(chunked(&padded_empty_list(LIMIT + 1), true), End::KeepAlive),
            Some(ErrorKind::TooLarge),
        ),
        (
            "chunked, exactly the limit",
            Fault::raw(chunked(&padded_empty_list(LIMIT), true), End::KeepAlive),
            None,
        ),
        (
            "Content-Length of exactly the limit",
            Fault::respond(200, "application/json", padded_empty_list(LIMIT)),
            None,
        ),
    ];
    for (name, fault, kind) in cases {
        let server = faulty("GET", "/session", 1, fault);
        let mut config = config(&server.url());
        config.max_response_bytes = LIMIT;
        // Room for a loaded machine. Where the server goes silent, waiting for
        // more instead of stopping at the limit would end in kind `timeout`.
        config.timeout = Duration::from_secs(10);
        let client = Client::new(config).unwrap();
        match (kind, client.sessions()) {
            (None, Ok(sessions)) => assert!(sessions.is_empty(), "{name}"),
            (Some(kind), Err(err)) => {
                assert_eq!(err.kind(), kind, "{name}: {err}");
                assert_eq!(err.status(), Some(200), "{name}: {err}");
                for text in ["1 MiB", "max_response_bytes", "GET /session", &server.url()] {
                    assert!(
                        err.message().contains(text),
                        "{name}: the message lacks {text:?}: {err}"
                    );
                }
                assert_one_line(&err);
            }
            (kind, result) => panic!("{name}: expected {kind:?}, got {result:?}"),
        }
        // Not retried, and the client goes on working.
        assert_eq!(server.count("GET", "/session"), 1, "{name}");
        assert!(client.health().unwrap().healthy, "{name}");
    }
    // The limit is the client's: the default reads a 50 MiB answer whole
    // (a_fifty_megabyte_reply_is_read_whole), and the announced size is named.
    let server = faulty(
        "GET",
        "/session",
        1,
        Fault::head(200, "application/json", 100 * MIB, Vec::new(), End::Hold(LONG)),
    );
    let mut config = config(&server.url());
    config.timeout = Duration::from_secs(10);
    let err = Client::new(config).unwrap().sessions().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert!(err.message().contains("100 MiB (104857600 bytes)"), "{err}");
    assert!(err.message().contains("limit of 64 MiB"), "{err}");
}

/// The server's words are at the start of an error body: that much is read,
/// not the rest, however much the server announces or sends.
#[test]
fn only_the_start_of_an_error_body_is_read() {
    let mut page = b"<html><head><title>502 Bad Gateway</title></head><body>".to_vec();
    page.resize(100 * 1024, b'x');
    // 50 MiB announced, 100 KiB sent, then silence: reading it whole would
    // end in kind `timeout`.
    let fault = Fault::head(502, "text/html", 50 * MIB, vec![Step::Write(page)], End::Hold(LONG));
    let server = faulty("GET", "/session", 1, fault);
    let mut config = config(&server.url());
    config.timeout = Duration::from_secs(10);
    let client = Client::new(config).unwrap();
    let err = client.sessions().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http, "{err}");
    assert_eq!(err.status(), Some(502), "{err}");
    assert!(err.message().contains("502 Bad Gateway"), "{err}");
    assert_one_line(&err);
    assert_eq!(server.count("GET", "/session"), 1);
    assert!(client.health().unwrap().healthy);
}
