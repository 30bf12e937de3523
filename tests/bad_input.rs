//! tests/lua/bad_input_test.lua: every public function and method of the Lua
//! module fed wrong types, missing arguments, huge strings, cyclic tables and
//! functions where data belongs, in the `opencode-lua` host and in stock
//! lua5.4 loading opencode.so.

#[path = "support/lua.rs"]
mod lua;

use std::time::Duration;

use lua::{manifest_dir, run_bounded, Runner};
use opencode_testing::fake_server::{connected_frame, head, End, FakeServer, Fault, Request};
use serde_json::{json, Value};

/// A fake opencode good enough for every call the script makes.
fn fake_opencode() -> FakeServer {
    FakeServer::start(|request: &Request| {
        let segments: Vec<&str> = request.route().trim_start_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["global", "health"]) => Fault::json(200, json!({"healthy": true, "version": "1.18.33"})),
            ("GET", ["global", "event"]) => Fault::sse(
                vec![(Duration::ZERO, connected_frame())],
                End::Hold(Duration::from_secs(60)),
            ),
            ("GET", ["session"]) => Fault::json(200, json!([])),
            ("GET", ["session", id]) => Fault::json(200, json!({"id": id})),
            ("POST", ["session"]) => {
                let body = request.json();
                Fault::json(
                    200,
                    json!({"id": "ses_new", "title": body.get("title").cloned().unwrap_or(Value::Null)}),
                )
            }
            ("DELETE", ["session", _]) | ("POST", ["session", _, "abort"]) => Fault::json(200, json!(true)),
            ("POST", ["session", id, "message"]) => {
                let text = request.prompt_text();
                Fault::json(
                    200,
                    json!({
                        "info": {"id": "msg_1", "sessionID": id, "role": "assistant"},
                        "parts": [{"type": "text", "text": format!("echo: {text}")}]
                    }),
                )
            }
            ("POST", ["session", _, "prompt_async"]) => Fault::raw(head(204, &[]), End::KeepAlive),
            ("POST", ["permission", _, "reply"]) | ("POST", ["tui", _]) => Fault::json(200, json!(true)),
            _ => Fault::text(400, "unexpected request"),
        }
    })
}

fn run(runner: Runner) {
    let server = fake_opencode();
    // The settings store writes `.settings` in the working directory.
    let work = std::env::temp_dir().join(format!("opencode-bad-input-{}-{}", std::process::id(), runner.name()));
    std::fs::create_dir_all(&work).unwrap();
    let script = manifest_dir().join("tests/lua/bad_input_test.lua");
    let types = manifest_dir().join("types/opencode.lua");
    let mut command = runner.command(&script, &[&server.url(), types.to_str().unwrap()]);
    command.current_dir(&work);
    let output = run_bounded(command, Duration::from_secs(120));
    let _ = std::fs::remove_dir_all(&work);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(" passed, 0 failed"),
        "bad_input_test.lua under {} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        runner.name(),
        output.status
    );
}

#[test]
fn bad_input_in_the_host() {
    run(Runner::Host);
}

#[test]
fn bad_input_in_stock_lua54() {
    run(Runner::stock("lua5.4", "lua54"));
}
