//! examples/nvim.lua in Debian's Neovim (LuaJIT inside, installed by
//! tools/setup.sh), headless, against a real opencode server with the echo
//! model: the send runs through the handle's descriptor in Neovim's event loop.

#[path = "support/lua.rs"]
mod lua;

use std::process::Command;
use std::time::Duration;

use lua::{manifest_dir, module_dir, run_bounded};
use opencode_testing::real_server::{OpencodeServer, ServerOptions};

#[test]
fn nvim_example_streams_a_reply_through_the_event_loop() {
    // Streamed in several chunks with pauses, so the loop wakes up more than once.
    let server = OpencodeServer::start(ServerOptions {
        chunk_delay_ms: 100,
        ..ServerOptions::default()
    });
    module_dir("luajit"); // the example loads target/lua/luajit/opencode.so
    let state = std::env::temp_dir().join(format!("opencode-lua-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&state).unwrap();
    let mut command = Command::new("nvim");
    command
        .args(["--headless", "-u", "NONE", "-i", "NONE"])
        .args(["-c", "luafile examples/nvim.lua", "-c", "qa!"])
        .current_dir(manifest_dir())
        // Neovim writes logs and state under XDG_STATE_HOME: not into the developer's.
        .env("XDG_STATE_HOME", &state)
        .env("XDG_DATA_HOME", &state)
        .env("OPENCODE_SERVER_URL", server.url())
        .env("OPENCODE_PROMPT", "hello from the nvim test")
        .env_remove("OPENCODE_SERVER_PASSWORD");
    let output = run_bounded(command, Duration::from_secs(120));
    let _ = std::fs::remove_dir_all(&state);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = format!("{}\n--- stdout\n{stdout}\n--- stderr\n{stderr}", output.status);
    assert!(output.status.success(), "nvim failed: {report}");
    assert!(
        stdout.contains("reply: echo: hello from the nvim test"),
        "no echo reply: {report}"
    );
    assert!(
        stdout.contains("buffer: echo: hello from the nvim test"),
        "the reply did not stream into the buffer: {report}"
    );
}
