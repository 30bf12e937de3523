//! Embedding the `opencode` Lua module in a Rust program that hosts its own Lua.
//!
//! The program makes its own [`mlua::Lua`] state, calls [`opencode::register`]
//! (which preloads `require("opencode")` and `require("libaihelloworld")`, no
//! file on disk), hands the script two globals, and runs a script that
//! connects, creates a session, sends the prompt and returns the reply's text
//! to Rust, which prints it.
//!
//! ```sh
//! cargo run --example embed -- http://127.0.0.1:4096 write a haiku about Lua
//! OPENCODE_SERVER_URL=http://127.0.0.1:4096 cargo run --example embed -- hello
//! ```
//!
//! Without a URL argument the module reads `OPENCODE_SERVER_URL` (and
//! `OPENCODE_SERVER_PASSWORD`) itself; the prompt defaults to "hello world".
//!
//! In your own crate, depend on this package with the Lua compiled in:
//! `opencode-lua = { ..., default-features = false, features = ["vendored", "lua54"] }`,
//! and use its re-exported `opencode::mlua` so both sides agree on mlua's version.

use std::process::ExitCode;

use opencode::mlua::{self, Lua};

/// The script the host runs. `SERVER_URL` (nil: the environment's) and `PROMPT`
/// are globals set by Rust.
const SCRIPT: &str = r#"
local opencode = require("opencode")

local client, err = opencode.connect({ url = SERVER_URL })
if not client then error(tostring(err), 0) end

local session, create_err = client:new_session({ title = "embedded in Rust" })
if not session then error(tostring(create_err), 0) end

local reply, send_err = client:send(session, PROMPT)
client:delete(session)
if not reply then error(tostring(send_err), 0) end
return reply.text
"#;

fn run(url: Option<&str>, prompt: &str) -> mlua::Result<String> {
    let lua = Lua::new();
    opencode::register(&lua)?;
    let globals = lua.globals();
    globals.set("SERVER_URL", url)?;
    globals.set("PROMPT", prompt)?;
    lua.load(SCRIPT).set_name("=embed").eval::<String>()
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let url = match args.first() {
        Some(first) if first.starts_with("http://") || first.starts_with("https://") => Some(args.remove(0)),
        _ => None,
    };
    let prompt = if args.is_empty() {
        "hello world".to_owned()
    } else {
        args.join(" ")
    };
    match run(url.as_deref(), &prompt) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("embed: {err}");
            ExitCode::FAILURE
        }
    }
}
