//! `opencode-lua`: runs Lua programs with the `opencode` module built in.
//!
//! It behaves like the stock `lua` interpreter for a script file (the `arg`
//! table, a traceback and a non-zero exit on an uncaught error), runs the
//! scripts bundled into it by name, and offers ComputerCraft's `set` program
//! for the `.settings` file the scripts read.

use std::process::ExitCode;

use mlua::{Lua, LuaOptions, MultiValue, StdLib, Table, Value};

const USAGE: &str = "\
usage: opencode-lua SCRIPT.lua [ARGS...]   run a Lua script; require(\"opencode\") is built in
       opencode-lua NAME [ARGS...]         run a bundled script (see --list), e.g. ai-helloworld
       opencode-lua --serve [--config FILE] SCRIPT.lua|NAME [ARGS...]
                                           run it against an `opencode serve` started for it
       opencode-lua set [NAME [VALUE]]     show or change a setting in ./.settings (as ComputerCraft's set)
       opencode-lua get NAME               print one setting
       opencode-lua --list                 name the bundled scripts
       opencode-lua --help | --version

environment: OPENCODE_SERVER_URL, OPENCODE_SERVER_USERNAME, OPENCODE_SERVER_PASSWORD
settings:    opencc.url, opencc.password, opencc.session_id (read by ai-helloworld)";

// Runs a chunk under xpcall so an uncaught error carries a traceback, like `lua`.
const RUNNER: &str = r#"
local chunk, n, args = ...
local unpack = table.unpack or unpack
local ok, err = xpcall(function() return chunk(unpack(args, 1, n)) end, function(e)
  local mt = getmetatable(e)
  if type(e) ~= "string" and not (mt and mt.__tostring) then
    e = "(error object is a " .. type(e) .. " value)"
  end
  -- Keep the script's frames; drop this runner's own.
  return (debug.traceback(tostring(e), 2):gsub("\n%s*%(%.%.%.tail calls%.%.%.%).*$", ""))
end)
if not ok then return err end
"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let program = args.first().cloned().unwrap_or_else(|| "opencode-lua".into());
    let Some(first) = args.get(1) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[2..];
    let result = match first.as_str() {
        "-h" | "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        "-v" | "--version" => {
            println!("opencode-lua {} ({})", env!("CARGO_PKG_VERSION"), mlua_version());
            return ExitCode::SUCCESS;
        }
        "--list" => {
            for (name, _) in opencode::BUNDLED_SCRIPTS {
                println!("{name}");
            }
            return ExitCode::SUCCESS;
        }
        "set" | "get" => settings_program(first, rest),
        "--serve" => serve_program(&program, rest),
        name => run_named(&program, name, rest),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("opencode-lua: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a bundled script by name, or a script file.
fn run_named(program: &str, name: &str, rest: &[String]) -> Result<ExitCode, String> {
    match opencode::BUNDLED_SCRIPTS.iter().find(|(bundled, _)| *bundled == name) {
        Some((name, source)) => run_script(program, name, &format!("={name}"), source.as_bytes(), rest),
        None if name.starts_with('-') => {
            eprintln!("opencode-lua: unknown option {name}\n{USAGE}");
            Ok(ExitCode::from(2))
        }
        None => match std::fs::read(name) {
            Ok(source) => run_script(program, name, &format!("@{name}"), &source, rest),
            Err(e) => Err(format!("cannot open {name}: {e}")),
        },
    }
}

/// Set in the environment of the script `--serve` runs: its settings then
/// take the server from OPENCODE_SERVER_URL and OPENCODE_SERVER_PASSWORD.
const SERVED_MARKER: &str = "OPENCODE_LUA_SERVED";

/// `--serve [--config FILE] SCRIPT|NAME [ARGS...]`: starts `opencode serve`
/// (`OPENCODE_BIN`, else `opencode` on the PATH; its configuration is opencode's
/// own, or FILE), runs the script against it and stops it when the script ends.
/// The script finds it in OPENCODE_SERVER_URL and OPENCODE_SERVER_PASSWORD
/// (and, in memory only, the settings opencc.url and opencc.password).
///
/// The script runs in a child process of ours that gets those variables at
/// its start: by then this process has threads (the server's output readers),
/// and changing the environment of a process with threads is not safe.
fn serve_program(program: &str, mut args: &[String]) -> Result<ExitCode, String> {
    let mut options = opencode::server::ServeOptions::new();
    if args.first().map(String::as_str) == Some("--config") {
        let file = args.get(1).ok_or("--config needs a file")?;
        let path = std::fs::canonicalize(file).map_err(|e| format!("cannot open {file}: {e}"))?;
        options.env.push(("OPENCODE_CONFIG".into(), Some(path.into())));
        args = &args[2..];
    }
    if args.is_empty() {
        eprintln!("opencode-lua: --serve needs a script to run\n{USAGE}");
        return Ok(ExitCode::from(2));
    }
    if let Some(password) = std::env::var("OPENCODE_SERVER_PASSWORD").ok().filter(|p| !p.is_empty()) {
        options.password = Some(password);
    }
    let server = opencode::server::Server::start(&options).map_err(|e| e.to_string())?;
    let mut script = std::process::Command::new(std::env::current_exe().unwrap_or_else(|_| program.into()));
    script
        .args(args)
        .env("OPENCODE_SERVER_URL", server.url())
        .env(SERVED_MARKER, "1");
    match server.password() {
        Some(password) => script.env("OPENCODE_SERVER_PASSWORD", password),
        None => script.env_remove("OPENCODE_SERVER_PASSWORD"),
    };
    let status = script.status().map_err(|e| format!("cannot run {program}: {e}"));
    server.stop();
    Ok(exit_code(status?))
}

/// The child's exit status as ours; a child killed by a signal gives 128 + the signal, as a shell says.
fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => ExitCode::from(code.clamp(0, 255) as u8),
        (None, Some(signal)) => ExitCode::from((128 + signal).clamp(0, 255) as u8),
        (None, None) => ExitCode::FAILURE,
    }
}

fn mlua_version() -> String {
    new_lua()
        .and_then(|lua| lua.globals().get::<String>("_VERSION"))
        .unwrap_or_else(|_| "Lua".into())
}

/// A Lua state with every standard library (as the stock interpreter has,
/// `debug` included) and the opencode module preloaded.
fn new_lua() -> mlua::Result<Lua> {
    // SAFETY: the `debug` library is what makes this "unsafe" in mlua's terms;
    // the stock interpreter offers it to scripts, and so do we.
    let lua = unsafe { Lua::unsafe_new_with(StdLib::ALL, LuaOptions::default()) };
    opencode::register(&lua)?;
    // ComputerCraft programs read their settings through a `settings` global.
    let module: Table = lua.load("return require('opencode')").eval()?;
    lua.globals().set("settings", module.get::<Value>("settings")?)?;
    if std::env::var_os(SERVED_MARKER).is_some() {
        // --serve: its server wins over a .settings file's (in memory; nothing is saved).
        let settings: Table = module.get("settings")?;
        let set: mlua::Function = settings.get("set")?;
        let unset: mlua::Function = settings.get("unset")?;
        if let Ok(url) = std::env::var("OPENCODE_SERVER_URL") {
            set.call::<()>(("opencc.url", url))?;
        }
        match std::env::var("OPENCODE_SERVER_PASSWORD") {
            Ok(password) => set.call::<()>(("opencc.password", password))?,
            Err(_) => unset.call::<()>("opencc.password")?,
        }
    }
    Ok(lua)
}

fn run_script(
    program: &str,
    script: &str,
    chunk_name: &str,
    source: &[u8],
    args: &[String],
) -> Result<ExitCode, String> {
    let lua = new_lua().map_err(|e| e.to_string())?;
    let arg = lua.create_table().map_err(|e| e.to_string())?;
    let fill = || -> mlua::Result<()> {
        arg.raw_set(-1, program)?;
        arg.raw_set(0, script)?;
        for (i, value) in args.iter().enumerate() {
            arg.raw_set(i + 1, value.as_str())?;
        }
        lua.globals().set("arg", &arg)
    };
    fill().map_err(|e| e.to_string())?;
    let source = source.strip_prefix(b"#!").map_or(source, |_| {
        // A shebang line is skipped, as `lua` does; keep the newline so line numbers stay right.
        let end = source.iter().position(|&b| b == b'\n').unwrap_or(source.len());
        &source[end..]
    });
    let chunk = lua
        .load(source)
        .set_name(chunk_name)
        .into_function()
        .map_err(|e| syntax_error(&e))?;
    let runner = lua
        .load(RUNNER)
        .set_name("=opencode-lua")
        .into_function()
        .map_err(|e| e.to_string())?;
    let values: Vec<Value> = args
        .iter()
        .map(|a| lua.create_string(a).map(Value::String))
        .collect::<mlua::Result<_>>()
        .map_err(|e| e.to_string())?;
    let packed = lua.create_sequence_from(values).map_err(|e| e.to_string())?;
    let outcome: MultiValue = runner.call((chunk, args.len(), packed)).map_err(|e| e.to_string())?;
    match outcome.into_iter().next() {
        Some(Value::String(traceback)) => {
            eprintln!("opencode-lua: {}", traceback.to_string_lossy());
            Ok(ExitCode::FAILURE)
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn syntax_error(error: &mlua::Error) -> String {
    match error {
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// `set` and `get`, run by the same Lua code the module's settings store is made of.
fn settings_program(which: &str, args: &[String]) -> Result<ExitCode, String> {
    let lua = new_lua().map_err(|e| e.to_string())?;
    let run = || -> mlua::Result<bool> {
        let settings_module: Table = lua.load(opencode::SETTINGS_SOURCE).set_name("=settings").call(())?;
        let store: Value = lua.globals().get("settings")?;
        let program: mlua::Function = settings_module.get(if which == "set" {
            "run_set_program"
        } else {
            "run_get_program"
        })?;
        let write = lua.create_function(|_, line: mlua::LuaString| {
            println!("{}", line.to_string_lossy());
            Ok(())
        })?;
        let (ok, message): (bool, Option<String>) =
            program.call((store, lua.create_sequence_from(args.iter().map(String::as_str))?, write))?;
        if let Some(message) = message.filter(|_| !ok) {
            eprintln!("opencode-lua {which}: {message}");
        }
        Ok(ok)
    };
    match run() {
        Ok(true) => Ok(ExitCode::SUCCESS),
        Ok(false) => Ok(ExitCode::FAILURE),
        Err(e) => Err(e.to_string()),
    }
}
