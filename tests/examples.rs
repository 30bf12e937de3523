//! The Lua examples, run against a real opencode server with the echo model
//! streaming its replies in pieces.

#[path = "support/lua.rs"]
mod lua;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lua::{host_binary, manifest_dir, run_bounded, Runner, STOCK};
use opencode::client::{Client, Config, NewSession, SendOptions};
use opencode_testing::real_server::{OpencodeServer, ServerOptions};

fn server() -> OpencodeServer {
    OpencodeServer::start(ServerOptions {
        chunk_delay_ms: 100,
        ..ServerOptions::default()
    })
}

fn example(runner: &Runner, name: &str, args: &[&str], server: &OpencodeServer) -> Command {
    let mut command = runner.command(&manifest_dir().join("examples").join(name), args);
    command
        .env("OPENCODE_SERVER_URL", server.url())
        .env_remove("OPENCODE_SERVER_PASSWORD");
    command
}

#[test]
fn ask_example_answers_the_question_and_the_permission_request() {
    let server = server();
    let runner = Runner::Host;
    let output = run_bounded(example(&runner, "ask.lua", &[], &server), Duration::from_secs(60));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("asked \"Which color?\", answering \"blue\"\n"),
        "{stdout}"
    );
    assert!(stdout.contains(r#""Which color?"="blue""#), "{stdout}");
    let output = run_bounded(
        example(&runner, "ask.lua", &["[[bash:echo", "asked]]"], &server),
        Duration::from_secs(60),
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "bash wants echo asked: allowed once\ntool said: asked\n"
    );
}

#[test]
fn stream_example_prints_the_reply_as_it_is_written() {
    let server = server();
    for runner in [Runner::Host, Runner::stock(STOCK[0].0, STOCK[0].1)] {
        let output = run_bounded(
            example(&runner, "stream.lua", &["one", "two", "three"], &server),
            Duration::from_secs(60),
        );
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "echo: one two three\n",
            "{}",
            runner.name()
        );
    }
}

#[test]
fn luv_loop_example_keeps_the_loop_free_while_waiting() {
    let server = server();
    let runner = Runner::stock(STOCK[0].0, STOCK[0].1);
    let output = run_bounded(
        example(&runner, "luv_loop.lua", &["from", "luv"], &server),
        Duration::from_secs(60),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("echo: from luv\n"), "{stdout}");
    let ticks: u32 = stdout
        .split("ticked ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no tick count in {stdout}"));
    assert!(ticks >= 5, "the loop should have run its timer while waiting: {stdout}");
}

#[test]
fn luv_many_example_waits_on_one_descriptor_for_several_sends() {
    let server = server();
    for runner in [
        Runner::stock(STOCK[0].0, STOCK[0].1),
        Runner::stock(STOCK[2].0, STOCK[2].1),
    ] {
        let output = run_bounded(
            example(&runner, "luv_many.lua", &["red", "green", "blue"], &server),
            Duration::from_secs(60),
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{}: {stdout}\n{}",
            runner.name(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(stdout, "echo: red\necho: green\necho: blue\n", "{}", runner.name());
    }
}

#[test]
fn watch_example_prints_the_events_of_a_session() {
    let server = server();
    let client = Client::connect(Config::with_url(server.url())).unwrap();
    let session = client.new_session(&NewSession::new()).unwrap();
    let mut child = Command::new(host_binary())
        .args([
            manifest_dir().join("examples/watch.lua").to_str().unwrap(),
            &session.id,
            "--until-idle",
        ])
        .env("OPENCODE_SERVER_URL", server.url())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (line_tx, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = line_tx.send(line);
        }
    });
    let first = lines.recv_timeout(Duration::from_secs(30));
    assert_eq!(first, Ok(format!("watching {}", session.id)));
    // opencode 1.18 greets an event stream before it listens to its bus, so
    // the prompt's first events could pass before watch.lua's stream hears
    // them. Make it show an event of the session first: aborting an idle
    // session publishes its status.
    let live = (0..40).any(|_| {
        assert!(client.abort(&session.id).unwrap());
        lines.recv_timeout(Duration::from_millis(500)).is_ok()
    });
    assert!(live, "watch.lua showed no event of the session");

    let reply = client.send(&session.id, "watch me", &SendOptions::default()).unwrap();
    assert_eq!(reply.text(), "echo: watch me");

    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            let seen: Vec<String> = lines.try_iter().collect();
            panic!("watch.lua did not stop at session.idle: {seen:#?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    reader.join().unwrap();
    // What it printed after the first event (the rest of the aborts' come first).
    let seen: Vec<String> = lines.try_iter().collect();
    let text: String = seen
        .iter()
        .filter_map(|l| l.strip_prefix("message.part.delta  "))
        .map(|quoted| quoted.trim_matches('"').to_owned())
        .collect();
    assert_eq!(text, "echo: watch me", "{seen:#?}");
    assert!(seen.iter().any(|l| l == "session.status  busy"), "{seen:#?}");
    assert_eq!(seen.last().map(String::as_str), Some("session.idle  "), "{seen:#?}");
}

#[test]
fn history_example_prints_the_messages_of_a_session() {
    let server = server();
    let client = Client::connect(Config::with_url(server.url())).unwrap();
    let session = client.new_session(&NewSession::new().title("history")).unwrap();
    client.send(&session.id, "first", &SendOptions::default()).unwrap();
    client.send(&session.id, "second", &SendOptions::default()).unwrap();
    for runner in [Runner::Host, Runner::stock(STOCK[0].0, STOCK[0].1)] {
        let output = run_bounded(
            example(&runner, "history.lua", &[&session.id], &server),
            Duration::from_secs(60),
        );
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "user: first\nassistant: echo: first\nuser: second\nassistant: echo: second\n",
            "{}",
            runner.name()
        );
        let output = run_bounded(
            example(&runner, "history.lua", &[&session.id, "2"], &server),
            Duration::from_secs(60),
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "user: second\nassistant: echo: second\n",
            "the last two, {}",
            runner.name()
        );
    }
}
