//! Every interpreter exits cleanly (status 0, no signal, within 5 s) when a
//! script ends, or calls os.exit with or without closing the state, while
//! clients, event streams, background sends in mid-generation and coroutines
//! holding them are still alive.
//!
//! The scripts are tests/lua/exit_*.lua. They print "ready" once everything is
//! set up; the time from there to the process's exit is what is bounded.

#[path = "support/lua.rs"]
mod lua;

use std::os::unix::process::ExitStatusExt;
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use lua::{manifest_dir, Runner, STOCK};
use opencode::client::{Client, Config, NewSession, SendOptions};
use opencode_testing::fake_server::{connected_event, FakeServer, Reply, Request};
use opencode_testing::process::Process;
use opencode_testing::real_server::{OpencodeServer, ServerOptions};
use serde_json::json;

/// How long an interpreter may take to exit once the script is done.
const EXIT_LIMIT: Duration = Duration::from_secs(5);
/// How long a script may take to set everything up.
const SETUP_LIMIT: Duration = Duration::from_secs(60);
/// How long the fake holds a message's reply when nobody aborts it.
const HOLD_LIMIT: Duration = Duration::from_secs(20);

const SCRIPTS: &[&str] = &["exit_clients.lua", "exit_streams.lua", "exit_async.lua"];

/// A fake opencode server whose replies never finish on their own: the event
/// stream sends the first words of a reply, then a toast every 100 ms (the
/// stream script waits for events), and stays open; a message is answered
/// only once its session is aborted (which a dropped handle does) after the
/// message arrived.
fn fake_opencode() -> FakeServer {
    // How many aborts there have been.
    let aborted = Arc::new((Mutex::new(0u64), Condvar::new()));
    let mut frames = vec![
        connected_event(),
        json!({"payload": {"type": "message.part.updated", "properties": {"part": {
            "id": "prt_1", "messageID": "msg_1", "sessionID": "ses_exit",
            "type": "text", "text": "echo: count"
        }}}}),
    ];
    let toast = json!({"payload": {"type": "tui.toast.show", "properties": {"message": "exit_streams"}}});
    frames.extend(std::iter::repeat_n(toast, 600));
    FakeServer::start(move |request: &Request| {
        let path = request.path.split('?').next().unwrap_or_default();
        match (request.method.as_str(), path) {
            ("GET", "/global/health") => Reply::json(200, json!({"healthy": true, "version": "1.18.33"})),
            ("GET", "/global/event") => Reply::sse(&frames, Duration::from_millis(100), Duration::from_secs(60)),
            ("POST", "/tui/show-toast") => Reply::json(200, json!(true)),
            ("POST", "/session") => Reply::json(
                200,
                json!({"id": "ses_exit", "title": "exit", "time": {"created": 1, "updated": 1}}),
            ),
            ("POST", "/session/ses_exit/message") => {
                let (lock, changed) = &*aborted;
                let guard = lock.lock().unwrap();
                let before = *guard;
                let _ = changed.wait_timeout_while(guard, HOLD_LIMIT, |aborts| *aborts == before);
                Reply::json(
                    200,
                    json!({
                        "info": {"id": "msg_1", "sessionID": "ses_exit", "role": "assistant",
                                 "error": {"name": "MessageAbortedError", "data": {"message": "aborted"}}},
                        "parts": []
                    }),
                )
            }
            ("POST", "/session/ses_exit/abort") => {
                let (lock, changed) = &*aborted;
                *lock.lock().unwrap() += 1;
                changed.notify_all();
                Reply::json(200, json!(true))
            }
            _ => Reply::text(404, "unexpected request"),
        }
    })
}

/// The ways a script ends that `runner` supports: returning from the main
/// chunk, os.exit(0), and (Lua 5.2 and later) os.exit(0, true).
fn endings(runner: &Runner) -> Vec<&'static str> {
    match runner {
        Runner::Stock { lua, .. } if lua == "lua51" || lua == "luajit" => vec!["return", "exit"],
        _ => vec!["return", "exit", "exit_close"],
    }
}

/// Runs a script to its end and checks how the interpreter exits.
fn assert_clean_exit(runner: &Runner, script: &str, args: &[&str]) {
    let path = manifest_dir().join("tests/lua").join(script);
    let what = format!("{script} {args:?} under {}", runner.name());
    let mut process = Process::start(runner.command(&path, args)).named(what.clone());
    // Setup: until the script says "ready" (or dies first).
    let start = Instant::now();
    let mut ready = false;
    let mut problem = None;
    while !ready && problem.is_none() {
        match process.next_line(Duration::from_millis(50)) {
            Ok(line) => ready = line == "ready",
            Err(mpsc::RecvTimeoutError::Disconnected) => problem = Some("it ended before it was ready".to_owned()),
            Err(mpsc::RecvTimeoutError::Timeout) if start.elapsed() > SETUP_LIMIT => {
                problem = Some(format!("not ready after {SETUP_LIMIT:?}"))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    // Teardown: the interpreter must be gone within EXIT_LIMIT.
    let ready_at = Instant::now();
    if problem.is_none() {
        loop {
            if process.try_wait().is_some() {
                break;
            }
            if ready_at.elapsed() > EXIT_LIMIT {
                problem = Some(format!("still running {EXIT_LIMIT:?} after the script ended"));
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let exit_time = ready_at.elapsed();
    eprintln!("{what}: exited {exit_time:?} after the script ended");
    if problem.is_some() {
        process.kill();
    }
    let status = process.exit(Duration::ZERO);
    let (stdout, stderr) = (process.stdout(), process.stderr());
    let report = format!("{what}: {status} after {exit_time:?}\n--- stdout\n{stdout}--- stderr\n{stderr}");
    if let Some(problem) = problem {
        panic!("{problem}: {report}");
    }
    assert_eq!(status.signal(), None, "killed by a signal: {report}");
    assert_eq!(status.code(), Some(0), "exit status: {report}");
    assert!(!stderr.contains("panicked"), "a panic: {report}");
}

fn every_script_every_ending(runner: &Runner) {
    let server = fake_opencode();
    let url = server.url();
    for script in SCRIPTS {
        for ending in endings(runner) {
            assert_clean_exit(runner, script, &[&url, ending]);
        }
    }
}

#[test]
fn host_exits_cleanly() {
    every_script_every_ending(&Runner::Host);
}

fn stock(interpreter: &str) -> Runner {
    let (interpreter, lua) = STOCK
        .iter()
        .find(|(name, _)| *name == interpreter)
        .unwrap_or_else(|| panic!("{interpreter} is not in STOCK"));
    Runner::stock(interpreter, lua)
}

#[test]
fn lua51_exits_cleanly() {
    every_script_every_ending(&stock("lua5.1"));
}

#[test]
fn lua52_exits_cleanly() {
    every_script_every_ending(&stock("lua5.2"));
}

#[test]
fn lua53_exits_cleanly() {
    every_script_every_ending(&stock("lua5.3"));
}

#[test]
fn lua54_exits_cleanly() {
    every_script_every_ending(&stock("lua5.4"));
}

#[test]
fn luajit_exits_cleanly() {
    every_script_every_ending(&stock("luajit"));
}

/// The same against a real opencode server, whose echo model writes its reply
/// slowly enough that the sends are still generating when the script ends.
#[test]
fn every_interpreter_exits_cleanly_mid_generation_on_the_real_server() {
    let server = OpencodeServer::start(ServerOptions {
        chunk_delay_ms: 300,
        ..ServerOptions::default()
    });
    // A fresh server's first prompt is slow to start (opencode loads the
    // provider, on a loaded machine for many seconds): have it behind us, so
    // the scripts' setup measures a running server.
    let mut config = Config::with_url(server.url());
    config.password = None;
    let client = Client::connect(config).expect("connect to the real server");
    let session = client.new_session(&NewSession::new().title("warm-up")).unwrap();
    let reply = client.send(&session.id, "warm up", &SendOptions::default());
    assert_eq!(reply.expect("the warm-up prompt").text(), "echo: warm up");
    let prompt = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen \
                  sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four";
    let mut runners = vec![Runner::Host];
    runners.extend(STOCK.iter().map(|(interpreter, lua)| Runner::stock(interpreter, lua)));
    for runner in &runners {
        for ending in endings(runner) {
            assert_clean_exit(runner, "exit_async.lua", &[server.url(), ending, prompt]);
        }
        assert_clean_exit(runner, "exit_streams.lua", &[server.url(), "return"]);
    }
}
