//! Load: many sends in a row and many at once, against a fake server that
//! echoes each prompt and against a real `opencode serve`. Zero failures,
//! every reply matched to its own prompt (none lost, none duplicated), and
//! memory that stays flat once warmed up.
//!
//! A test that judges memory runs its client in a child process of its own
//! (this test binary, asked for just that test), while the fake server stays
//! in the parent: the RSS it reads is the client's alone, whatever the other
//! tests of this binary run meanwhile.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use opencode::client::{Client, Config, NewSession, Reply, SendHandle, SendOptions, SendUpdate};
use opencode_testing::alone;
use opencode_testing::fake_server::{connected_frame, End, FakeServer, Fault};
use opencode_testing::real_server::{OpencodeServer, ServerOptions};
use serde_json::json;

/// In the child process that runs a test's client alone: the URL of the
/// parent's fake server, with the allocator set up for measuring; `None` in
/// the parent.
fn child_client() -> Option<String> {
    let url = alone::child()?;
    // glibc gives threads arenas of their own, up to eight per core, and a
    // hundred threads at once leave RSS wandering by megabytes that belong to
    // no one; two arenas keep RSS a measure of what the client holds.
    // SAFETY: mallopt only changes allocator tuning; any value is safe.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
    Some(url)
}

/// Resident memory of this process in bytes, from /proc/self/statm.
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("resident pages");
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * usize::try_from(page).unwrap_or(4096)
}

fn assert_flat(what: &str, warmed: usize, end: usize) {
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    eprintln!(
        "{what}: RSS {:.1} MiB after warm-up, {:.1} MiB at the end",
        mib(warmed),
        mib(end)
    );
    assert!(
        end as f64 <= warmed as f64 * 1.10,
        "{what}: RSS grew from {:.1} MiB after warm-up to {:.1} MiB",
        mib(warmed),
        mib(end)
    );
}

/// A fake opencode whose replies are "echo: <the prompt>".
fn echo_server() -> FakeServer {
    FakeServer::start(|request| {
        let segments: Vec<&str> = request.route().trim_start_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["global", "health"]) => Fault::json(200, json!({"healthy": true, "version": "1.18.33"})),
            ("GET", ["global", "event"]) => Fault::sse(
                vec![(Duration::ZERO, connected_frame())],
                End::Hold(Duration::from_secs(20)),
            ),
            ("POST", ["session", id, "message"]) => Fault::json(
                200,
                json!({
                    "info": {"id": format!("msg_{id}"), "sessionID": id, "role": "assistant"},
                    "parts": [
                        {"type": "step-start"},
                        {"type": "text", "text": "echo: "},
                        {"type": "text", "text": request.prompt_text()},
                        {"type": "step-finish"}
                    ]
                }),
            ),
            _ => Fault::text(400, "unexpected request"),
        }
    })
}

fn config(url: &str) -> Config {
    let mut config = Config::with_url(url);
    config.password = None;
    config.directory = None;
    config.timeout = Duration::from_secs(10);
    config.send_timeout = Some(Duration::from_secs(30));
    config
}

/// Each prompt the server received, with how many times.
fn received(server: &FakeServer) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for request in server.requests() {
        if request.method == "POST" && request.route().ends_with("/message") {
            *seen.entry(request.prompt_text()).or_insert(0) += 1;
        }
    }
    seen
}

fn prompt(batch: &str, i: usize) -> String {
    format!("{batch} prompt #{i}: {}", "ü".repeat(i % 7))
}

fn send(client: &Client, session: &str, text: &str) -> Reply {
    client
        .send(session, text, &SendOptions::default())
        .unwrap_or_else(|e| panic!("send of {text:?} failed: {e}"))
}

#[test]
fn a_thousand_sequential_sends() {
    let test = "a_thousand_sequential_sends";
    let Some(url) = child_client() else {
        let server = echo_server();
        alone::run_child(test, &server.url());
        let seen = received(&server);
        for i in 0..1000 {
            assert_eq!(seen.get(&prompt("sequential", i)), Some(&1), "prompt {i}");
        }
        assert_eq!(seen.len(), 1100, "no prompt the client did not send");
        // A handful of keep-alive connections carried all of it, not one per
        // send: the client's own (connect), and the hub's event stream and
        // requests (a poll for pending requests may overlap a message).
        assert!(server.connections() < 10, "{} connections", server.connections());
        return;
    };
    let client = Client::connect(config(&url)).unwrap();
    for i in 0..100 {
        let text = prompt("warm-up", i);
        assert_eq!(send(&client, "ses_load", &text).text(), format!("echo: {text}"));
    }
    let warmed = rss();
    let started = Instant::now();
    for i in 0..1000 {
        let text = prompt("sequential", i);
        let reply = send(&client, &format!("ses_{i}"), &text);
        assert_eq!(reply.text(), format!("echo: {text}"), "reply {i}");
        assert_eq!(reply.info.session_id, format!("ses_{i}"));
    }
    eprintln!("1000 sends in {:?}", started.elapsed());
    assert_flat("1000 sequential sends", warmed, rss());
}

/// Takes a handle's updates until `Finished`, within `limit`.
fn finish(handle: &SendHandle, limit: Duration) -> Reply {
    let deadline = Instant::now() + limit;
    for _ in 0..10_000 {
        let left = deadline.saturating_duration_since(Instant::now());
        match handle.next(Some(left)) {
            Some(SendUpdate::Finished(result)) => {
                return result.unwrap_or_else(|e| panic!("send in {} failed: {e}", handle.session_id()))
            }
            Some(_) => {}
            None => panic!("the send in {} did not finish within {limit:?}", handle.session_id()),
        }
    }
    panic!("too many updates");
}

/// Starts 100 background sends at once, then collects them all.
fn hundred_at_once(client: &Client, batch: &str) {
    let handles: Vec<(String, SendHandle)> = (0..100)
        .map(|i| {
            let text = prompt(batch, i);
            let handle = client
                .send_async(&format!("ses_{batch}_{i}"), text.as_str(), &SendOptions::default())
                .unwrap_or_else(|e| panic!("send_async {i} did not start: {e}"));
            (text, handle)
        })
        .collect();
    for (text, handle) in handles {
        let reply = finish(&handle, Duration::from_secs(30));
        assert_eq!(reply.text(), format!("echo: {text}"));
        assert_eq!(reply.info.session_id, handle.session_id());
    }
}

#[test]
fn a_hundred_concurrent_async_sends() {
    let test = "a_hundred_concurrent_async_sends";
    let warm_up = ["warm-up-1", "warm-up-2", "warm-up-3"];
    let measured = ["measured-1", "measured-2", "measured-3"];
    let Some(url) = child_client() else {
        let server = echo_server();
        alone::run_child(test, &server.url());
        let seen = received(&server);
        for batch in warm_up.iter().chain(measured.iter()) {
            for i in 0..100 {
                assert_eq!(seen.get(&prompt(batch, i)), Some(&1), "{batch} prompt {i}");
            }
        }
        assert_eq!(seen.len(), 600);
        return;
    };
    let client = Client::connect(config(&url)).unwrap();
    // Warm up until the allocator and the thread-stack cache have seen a
    // hundred threads come and go a few times: that memory is reused, not lost.
    for batch in warm_up {
        hundred_at_once(&client, batch);
    }
    let warmed = rss();
    for batch in measured {
        let started = Instant::now();
        hundred_at_once(&client, batch);
        eprintln!("100 concurrent sends in {:?}", started.elapsed());
    }
    assert_flat("100 concurrent async sends, three times", warmed, rss());
}

#[test]
fn a_hundred_concurrent_async_sends_from_lua() {
    let server = echo_server();
    let lua = opencode::mlua::Lua::new();
    opencode::register(&lua).unwrap();
    let script = r#"
        local url = ...
        local opencode = require("opencode")
        local client = assert(opencode.connect{ url = url, timeout = 10, send_timeout = 30 })
        local handles, prompts = {}, {}
        for i = 1, 100 do
          prompts[i] = "lua prompt #" .. i
          handles[i] = assert(client:send_async("ses_lua_" .. i, prompts[i]))
        end
        for i = 1, 100 do
          local reply = assert(handles[i]:wait(30))
          assert(reply.text == "echo: " .. prompts[i], reply.text)
          assert(reply.info.sessionID == "ses_lua_" .. i)
          handles[i]:cancel()
        end
        return #handles
    "#;
    let started = Instant::now();
    let count: i64 = lua.load(script).call(server.url()).expect("the Lua script");
    eprintln!("100 concurrent sends from Lua in {:?}", started.elapsed());
    assert_eq!(count, 100);
    let seen = received(&server);
    for i in 1..=100 {
        assert_eq!(seen.get(&format!("lua prompt #{i}")), Some(&1), "prompt {i}");
    }
    assert_eq!(seen.len(), 100);
}

#[test]
fn two_hundred_sends_to_a_real_server() {
    let server = OpencodeServer::start(ServerOptions::default());
    let mut config = config(server.url());
    config.password = server.password().map(str::to_owned);
    let client = Client::connect(config).expect("connect to the real server");
    // Four sessions at once: the server answers them in parallel, which keeps
    // this test short; each session still sees its prompts one after another.
    let threads = 4;
    let started = Instant::now();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let client = client.clone();
                scope.spawn(move || {
                    let session = client.new_session(&NewSession::new().title("load")).unwrap();
                    let mut failures = Vec::new();
                    for i in (worker..200).step_by(threads) {
                        let text = format!("load prompt {i}");
                        match client.send(&session.id, text.as_str(), &SendOptions::default()) {
                            Ok(reply) if reply.text() == format!("echo: {text}") => {}
                            Ok(reply) => failures.push(format!("{i}: got {:?}", reply.text())),
                            Err(e) => failures.push(format!("{i}: {e}")),
                        }
                    }
                    assert!(client.delete(&session.id).unwrap());
                    failures
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    eprintln!("200 sends to a real server in {:?}", started.elapsed());
    assert!(failures.is_empty(), "{} failures: {failures:#?}", failures.len());
}
