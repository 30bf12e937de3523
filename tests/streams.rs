//! Event streams and background sends against fake servers that misbehave in
//! the ways the real one cannot be made to: silence, dropped streams, and
//! requests whose order the test controls.

#[path = "support/lua.rs"]
mod lua;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lua::{run_lua_test, Runner, STOCK};
use opencode::client::{Client, Config, EventOptions, SendOptions, SendUpdate, DISCONNECTED, RECONNECTED};
use opencode_testing::fake_server::{connected_event, FakeServer, Reply, Request};
use serde_json::{json, Value};

fn event(kind: &str, properties: Value) -> Value {
    json!({"directory": "/project", "payload": {"type": kind, "properties": properties}})
}

const HEALTH: &str = "/global/health";

fn health() -> Reply {
    Reply::json(200, json!({"healthy": true, "version": "1.18.33"}))
}

/// An event server whose n-th connection gets `streams[n]` (the last one repeats).
fn event_server(streams: Vec<Reply>) -> FakeServer {
    let connections = AtomicUsize::new(0);
    FakeServer::start(move |request: &Request| match request.path.as_str() {
        HEALTH => health(),
        "/global/event" => {
            let n = connections.fetch_add(1, Ordering::SeqCst);
            streams[n.min(streams.len() - 1)].clone()
        }
        _ => Reply::text(404, "no"),
    })
}

fn next_kinds(stream: &opencode::client::EventStream, count: usize) -> Vec<String> {
    let mut kinds = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while kinds.len() < count && Instant::now() < deadline {
        if let Some(event) = stream.next(Some(Duration::from_millis(200))) {
            kinds.push(event.expect("event").kind);
        }
    }
    kinds
}

#[test]
fn heartbeat_silence_leads_to_reconnect() {
    let ms = Duration::from_millis;
    let server = event_server(vec![
        Reply::sse(
            &[connected_event(), event("first", json!({}))],
            ms(10),
            Duration::from_secs(20),
        ),
        Reply::sse(
            &[connected_event(), event("second", json!({}))],
            ms(10),
            Duration::from_secs(20),
        ),
    ]);
    let client = Client::connect(Config::with_url(server.url())).unwrap();
    let stream = client
        .events(EventOptions::default().heartbeat_timeout(ms(400)))
        .unwrap();
    let start = Instant::now();
    assert_eq!(next_kinds(&stream, 3), ["first", RECONNECTED, "second"]);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "reconnected after {:?}",
        start.elapsed()
    );
    assert_eq!(server.requests_to("/global/event").len(), 2);
}

#[test]
fn a_stream_the_server_closes_reconnects_and_says_so() {
    let ms = Duration::from_millis;
    let server = event_server(vec![
        Reply::sse(&[connected_event(), event("first", json!({}))], ms(10), ms(0)),
        Reply::sse(
            &[connected_event(), event("second", json!({}))],
            ms(10),
            Duration::from_secs(20),
        ),
    ]);
    let client = Client::connect(Config::with_url(server.url())).unwrap();
    let stream = client.events(EventOptions::default()).unwrap();
    assert_eq!(next_kinds(&stream, 3), ["first", RECONNECTED, "second"]);
}

#[test]
fn an_event_over_the_size_limit_ends_the_connection_not_the_stream() {
    let ms = Duration::from_millis;
    let hold = Duration::from_secs(20);
    let big = event("big", json!({ "blob": "x".repeat(8192) }));
    let server = event_server(vec![
        Reply::sse(&[connected_event(), event("first", json!({})), big], ms(10), hold),
        Reply::sse(&[connected_event(), event("second", json!({}))], ms(10), hold),
    ]);
    let client = Client::connect(Config::with_url(server.url()).max_response_bytes(4096)).unwrap();
    let stream = client.events(EventOptions::default()).unwrap();
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while events.len() < 4 && Instant::now() < deadline {
        if let Some(event) = stream.next(Some(ms(200))) {
            events.push(event.expect("event"));
        }
    }
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["first", DISCONNECTED, RECONNECTED, "second"]);
    let said = &events[1].properties;
    assert_eq!(said["kind"], "too_large", "{said}");
    let message = said["error"].as_str().unwrap_or_default();
    assert!(
        message.contains("max_response_bytes") && message.contains("4 KiB"),
        "{message}"
    );
    assert_eq!(server.requests_to("/global/event").len(), 2);
}

#[test]
fn close_stops_the_stream_at_once() {
    // The server keeps the stream open, silent, far longer than close may take.
    let hold = Duration::from_secs(60);
    let server = event_server(vec![Reply::sse(&[connected_event()], Duration::ZERO, hold)]);
    let client = Client::connect(Config::with_url(server.url())).unwrap();
    let mut stream = client.events(EventOptions::default()).unwrap();
    let start = Instant::now();
    stream.close();
    // "At once" means: without waiting for the server, which would take the
    // whole `hold`. Stopping the stream's thread takes milliseconds on an idle
    // machine; the bound leaves room for a loaded one, where that thread can
    // wait seconds for a core.
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "close took {:?}",
        start.elapsed()
    );
    assert!(stream.next(Some(Duration::from_millis(50))).is_none());
}

/// A fake that plays one message exchange: the event stream shows what the
/// AI does, and the message POST answers once `release` is set (or after 10 s).
struct Exchange {
    server: FakeServer,
    aborted: Arc<AtomicBool>,
}

fn exchange(session: &'static str, events: Vec<Value>, permission_reply_releases: bool) -> Exchange {
    let aborted = Arc::new(AtomicBool::new(false));
    let released = Arc::new(AtomicBool::new(false));
    let (aborted_flag, released_flag) = (aborted.clone(), released.clone());
    let mut frames = vec![connected_event()];
    frames.extend(events);
    let stream = Reply::sse(&frames, Duration::from_millis(50), Duration::from_secs(20));
    let server = FakeServer::start(move |request: &Request| {
        let path = request.path.as_str();
        if path == HEALTH {
            return health();
        }
        if path == "/global/event" {
            return stream.clone();
        }
        if path == format!("/session/{session}/abort") {
            aborted_flag.store(true, Ordering::SeqCst);
            return Reply::json(200, json!(true));
        }
        if path.starts_with("/permission/") {
            if permission_reply_releases {
                released_flag.store(true, Ordering::SeqCst);
            }
            return Reply::json(200, json!(true));
        }
        if path == format!("/session/{session}/message") {
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline
                && !released_flag.load(Ordering::SeqCst)
                && !aborted_flag.load(Ordering::SeqCst)
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            let info = if aborted_flag.load(Ordering::SeqCst) {
                json!({"id": "msg_a", "sessionID": session, "role": "assistant",
                       "error": {"name": "MessageAbortedError", "data": {"message": "Aborted"}}})
            } else {
                json!({"id": "msg_a", "sessionID": session, "role": "assistant"})
            };
            return Reply::json(200, json!({"info": info, "parts": [{"type": "text", "text": "done"}]}));
        }
        Reply::text(404, "unexpected")
    });
    Exchange { server, aborted }
}

fn text_part(session: &str, text: &str) -> Value {
    event(
        "message.part.updated",
        json!({"part": {"id": "prt_1", "messageID": "msg_a", "sessionID": session, "type": "text", "text": text}}),
    )
}

fn run_streams_test(runner: &Runner) {
    let permission = exchange(
        "ses_perm",
        vec![event(
            "permission.asked",
            json!({"id": "per_1", "sessionID": "ses_perm", "permission": "bash", "patterns": ["ls -la"], "always": ["ls *"], "metadata": {}}),
        )],
        true,
    );
    let callback = exchange(
        "ses_cb",
        vec![text_part("ses_cb", ""), text_part("ses_cb", "partial")],
        false,
    );
    let abort = exchange(
        "ses_abort",
        vec![event(
            "session.status",
            json!({"sessionID": "ses_abort", "status": {"type": "busy"}}),
        )],
        false,
    );
    let slow = exchange("ses_slow", vec![], false);
    let asking = exchange(
        "ses_ask",
        vec![event(
            "permission.asked",
            json!({"id": "per_2", "sessionID": "ses_ask", "permission": "bash", "patterns": ["ls"], "always": ["ls *"], "metadata": {}}),
        )],
        true,
    );
    run_lua_test(
        runner,
        "streams_test.lua",
        &[
            &permission.server.url(),
            &callback.server.url(),
            &abort.server.url(),
            &slow.server.url(),
            &asking.server.url(),
        ],
    );
    assert!(slow.aborted.load(Ordering::SeqCst), "cancel aborts the generation");

    let replies = permission.server.requests_to("/permission/per_1/reply");
    assert_eq!(replies.len(), 1, "the handler's answer is posted once");
    assert_eq!(replies[0].json(), json!({"reply": "always"}));
    assert!(
        callback.aborted.load(Ordering::SeqCst),
        "an error in a callback aborts the generation"
    );
    assert!(abort.aborted.load(Ordering::SeqCst));
}

#[test]
fn callbacks_permissions_and_abort_in_the_host() {
    run_streams_test(&Runner::Host);
}

#[test]
fn callbacks_permissions_and_abort_in_stock_lua54() {
    run_streams_test(&Runner::stock(STOCK[0].0, STOCK[0].1));
}

/// Whether `fd` turns readable within `wait`.
fn readable_within(fd: std::os::fd::RawFd, wait: Duration) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut pfd, 1, wait.as_millis() as libc::c_int) == 1 }
}

#[test]
fn the_client_descriptor_is_readable_while_any_send_has_something_to_deliver() {
    let server = FakeServer::start(|request: &Request| {
        let path = request.path.split('?').next().unwrap_or_default();
        match path {
            HEALTH => health(),
            "/global/event" => Reply::sse(&[connected_event()], Duration::ZERO, Duration::from_secs(20)),
            "/permission" | "/question" => Reply::json(200, json!([])),
            _ if path.ends_with("/message") => {
                std::thread::sleep(Duration::from_millis(100));
                let session = path.split('/').nth(2).unwrap_or_default();
                Reply::json(
                    200,
                    json!({"info": {"id": "msg_a", "sessionID": session, "role": "assistant"},
                           "parts": [{"type": "text", "text": "done"}]}),
                )
            }
            _ => Reply::text(404, "unexpected"),
        }
    });
    let client = Client::connect(Config::with_url(server.url())).unwrap();
    let fd = client.fd().unwrap();
    assert_eq!(
        client.clone().fd().unwrap(),
        fd,
        "one descriptor per client, clones included"
    );
    assert!(!readable_within(fd, Duration::ZERO), "nothing to deliver yet");
    let handles: Vec<_> = (0..3)
        .map(|i| {
            client
                .send_async(&format!("ses_{i}"), "hi", &SendOptions::default())
                .unwrap()
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut finished = 0;
    let mut wakeups = 0;
    while finished < handles.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            readable_within(fd, left),
            "{finished} of 3 finished when the time ran out"
        );
        wakeups += 1;
        for handle in &handles {
            while let Some(update) = handle.try_next() {
                if let SendUpdate::Finished(result) = update {
                    assert_eq!(result.expect("reply").text(), "done");
                    finished += 1;
                }
            }
        }
    }
    assert!(wakeups <= 100, "the loop woke {wakeups} times for 3 replies");
    assert!(
        !readable_within(fd, Duration::from_millis(100)),
        "finished handles whose updates were taken deliver nothing more"
    );
}
