//! The ways into the module besides `require` from a checkout: the LuaLS type
//! definitions (types/opencode.lua, checked against the live module) and a
//! Rust program embedding it (examples/embed.rs).

#[path = "support/lua.rs"]
mod lua;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use lua::{manifest_dir, run_bounded, run_lua_test, Runner, STOCK};
use opencode_testing::fake_server::{FakeServer, Reply, Request};
use serde_json::json;

/// A fake opencode server: health, an event stream with one event, sessions,
/// and a reply that echoes the prompt.
fn fake_opencode() -> FakeServer {
    FakeServer::start(|request: &Request| {
        let path = request.path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["global", "health"]) => Reply::json(200, json!({"healthy": true, "version": "1.18.33"})),
            ("GET", ["event"] | ["global", "event"]) => Reply::new(
                200,
                "text/event-stream",
                "data: {\"type\":\"server.connected\",\"properties\":{}}\n\n",
            ),
            ("POST", ["session"]) => {
                let title = request.json().get("title").cloned().unwrap_or(json!("New session"));
                Reply::json(
                    200,
                    json!({"id": "ses_embed", "title": title, "time": {"created": 1, "updated": 1}}),
                )
            }
            ("POST", ["session", id, "message"]) => {
                let prompt = request.prompt_text();
                Reply::json(
                    200,
                    json!({
                        "info": {"id": "msg_1", "sessionID": id, "role": "assistant"},
                        "parts": [{"type": "text", "text": format!("echo: {prompt}")}]
                    }),
                )
            }
            ("DELETE", ["session", _]) => Reply::json(200, json!(true)),
            _ => Reply::text(400, "unexpected request"),
        }
    })
}

fn run_types_test(runner: &Runner) {
    let server = fake_opencode();
    let types = manifest_dir().join("types/opencode.lua");
    let reference = manifest_dir().join("docs/lua-api.md");
    run_lua_test(
        runner,
        "types_test.lua",
        &[&server.url(), types.to_str().unwrap(), reference.to_str().unwrap()],
    );
}

#[test]
fn types_match_the_module_in_the_host() {
    run_types_test(&Runner::Host);
}

#[test]
fn types_match_the_module_in_stock_lua54() {
    run_types_test(&Runner::stock(STOCK[0].0, STOCK[0].1));
}

/// target/debug/examples/embed, next to this test's own target/debug/deps/.
/// `cargo test` builds the examples, but `cargo test --test ecosystem` does
/// not (and would leave a stale one): so it is built here once, which costs
/// nothing when it is up to date (same target dir and profile as this test).
fn embed_binary() -> PathBuf {
    static BUILT: Mutex<bool> = Mutex::new(false);
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/debug");
    let binary = dir
        .join("examples")
        .join(format!("embed{}", std::env::consts::EXE_SUFFIX));
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !*built {
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .args(["build", "--quiet", "--example", "embed"])
            .current_dir(manifest_dir());
        if dir.file_name().is_some_and(|profile| profile == "release") {
            cargo.arg("--release");
        }
        let output = run_bounded(cargo, Duration::from_secs(600));
        assert!(
            output.status.success(),
            "cargo build --example embed failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        *built = true;
    }
    assert!(binary.exists(), "{} missing", binary.display());
    binary
}

/// Runs examples/embed with `args`, the server's URL in OPENCODE_SERVER_URL
/// when `url_from_env`, and returns its stdout.
fn run_embed(server: &FakeServer, args: &[&str], url_from_env: bool) -> String {
    let mut command = Command::new(embed_binary());
    command
        .args(args)
        .env_remove("OPENCODE_SERVER_URL")
        .env_remove("OPENCODE_SERVER_USERNAME")
        .env_remove("OPENCODE_SERVER_PASSWORD");
    if url_from_env {
        command.env("OPENCODE_SERVER_URL", server.url());
    }
    let output = run_bounded(command, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "examples/embed {args:?} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn embed_example_sends_the_prompt_and_prints_the_reply() {
    let server = fake_opencode();
    let url = server.url();
    let stdout = run_embed(&server, &[&url, "hello", "from", "rust"], false);
    assert_eq!(stdout, "echo: hello from rust\n");
    let calls: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        calls,
        [
            "GET /global/health",
            "POST /session",
            // A send watches its session (for permission requests and questions).
            "GET /global/event",
            "POST /session/ses_embed/message",
            "DELETE /session/ses_embed"
        ],
        "the example's calls"
    );
    assert_eq!(server.requests()[1].json()["title"], "embedded in Rust");
}

#[test]
fn embed_example_reads_the_url_from_the_environment() {
    let server = fake_opencode();
    let stdout = run_embed(&server, &[], true);
    assert_eq!(stdout, "echo: hello world\n");
}

#[test]
fn embed_example_reports_a_dead_server() {
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let mut command = Command::new(embed_binary());
    command.arg(&dead).env_remove("OPENCODE_SERVER_URL");
    let output = run_bounded(command, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "embed against {dead} succeeded");
    assert!(stderr.contains("could not connect"), "stderr: {stderr}");
}

/// opencode.so keeps itself loaded by opening itself once more, by the name it
/// was loaded by. When that name is relative and now names another file, the
/// module must still load, and that other file must not be loaded.
#[test]
fn the_module_never_loads_another_file_to_keep_itself_loaded() {
    let module = lua::module_dir("luajit").join("opencode.so");
    let root = std::env::temp_dir().join(format!("opencode-pin-{}", std::process::id()));
    let (loaded_from, now_there) = (root.join("a"), root.join("b"));
    for dir in [&loaded_from, &now_there] {
        std::fs::create_dir_all(dir).unwrap();
        // Copies: another inode each, so the dynamic loader treats them as two libraries.
        std::fs::copy(&module, dir.join("opencode.so")).unwrap();
    }
    let script = r#"
local ffi = require("ffi")
ffi.cdef("int chdir(const char *path);")
local loaded_from, now_there = arg[1], arg[2]
assert(ffi.C.chdir(loaded_from) == 0)
local open = assert(package.loadlib("./opencode.so", "luaopen_opencode"))
assert(ffi.C.chdir(now_there) == 0)
local ok, message = pcall(open)
local maps = assert(io.open("/proc/self/maps")):read("*a")
print(tostring(ok) .. "|" .. tostring(message))
print("other file loaded: " .. tostring(maps:find(now_there .. "/opencode.so", 1, true) ~= nil))
"#;
    let path = root.join("pin.lua");
    std::fs::write(&path, script).unwrap();
    let mut command = Command::new("luajit");
    command.arg(&path).arg(&loaded_from).arg(&now_there);
    let output = run_bounded(command, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("true|table: "), "{stdout}");
    assert_eq!(lines[1], "other file loaded: false", "{stdout}");
}
