//! The Lua binding: argument checking, Lua values <-> client types, and the
//! `nil, message, kind, err` convention. No HTTP here; every call goes to [`crate::client`].
//!
//! This file is the entry point: `module` builds the module table (the raw
//! functions of the hand-written calls are here; src/lua/checked.rs wraps
//! them) and `register` preloads it in a host's Lua state.
//!
//! `require` only builds the module table itself, in C (src/lua/checked.rs):
//! the raw functions, the method tables and methods.lua are made by `setup`
//! when the script first calls into the module.

mod args;
mod checked;
mod client;
mod convert;
mod live;
mod ops;
mod options;
mod returns;
mod serve;

use mlua::{Function, Lua, Table, Value};

use crate::client::PermissionReply;
use args::Args;
use client::{client_arg, connect, CLIENT_METHODS};
use options::{message_args, SEND_KEYS};
use returns::{error_metatable, raw, to_lua, Raw};

/// The methods of clients, streams and handles, and send's machinery
/// (src/lua/methods.lua, without its comment lines: see build.rs): compiled
/// on first use, not at `require`, which compiles no Lua at all.
const METHODS: &str = include_str!(concat!(env!("OUT_DIR"), "/methods.lua"));

/// The ComputerCraft-compatible settings store, in Lua (`lua/settings.lua`).
pub const SETTINGS_SOURCE: &str = include_str!("../../lua/settings.lua");

/// Scripts bundled with the module: (name, source). `opencode-lua NAME` runs them.
pub const BUNDLED_SCRIPTS: &[(&str, &str)] = &[("ai-helloworld", include_str!("../../lua/ai-helloworld.lua"))];

const LIBAIHELLOWORLD: &str = include_str!("../../lua/libaihelloworld.lua");

/// The methods every client has, written in Rust (send and send_async are
/// methods.lua's), each also a function of the module: `opencode.url(client)`.
/// close and server are for managed servers (src/lua/serve.rs): close stops
/// the server opencode.serve started for this client; server describes it
/// (nil for opencode.connect's).
const CLIENT_METHOD_NAMES: &[&str] = &[
    "health",
    "sessions",
    "session",
    "new_session",
    "delete",
    "abort",
    "url",
    "prompt_async",
    "events",
    "reply_permission",
    "tui_append_prompt",
    "tui_submit_prompt",
    "tui_clear_prompt",
    "tui_show_toast",
    "call",
    "request",
    "fd",
    "close",
    "server",
];

/// Builds the module table, as `require("opencode")` returns it, for a host
/// that installs modules its own way ([`register`] preloads it instead).
///
/// ```
/// use opencode::mlua::{Lua, Table};
///
/// let lua = Lua::new();
/// let opencode: Table = opencode::module(&lua)?;
/// lua.globals().set("opencode", opencode)?;
/// let version: String = lua.load("return opencode._VERSION").eval()?;
/// assert!(version.starts_with("opencode "));
/// # Ok::<(), opencode::mlua::Error>(())
/// ```
pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let setup = lua.create_function(|lua, ()| {
        let core = core(lua)?;
        let (send, start_async, guarded) = run_methods(lua, &core)?;
        Ok((core, send, start_async, guarded))
    })?;
    let version = format!("opencode {}", env!("CARGO_PKG_VERSION"));
    checked::module_table(lua, &setup, &version, CLIENT_METHOD_NAMES)
}

/// The raw functions of the module, by name (see src/lua/returns.rs).
fn core(lua: &Lua) -> mlua::Result<Table> {
    let core = lua.create_table()?;
    core.set("connect", raw(lua, connect)?)?;
    core.set(
        "health",
        raw(lua, |lua, args| {
            let health = client_arg(args, 1)?.health()?;
            to_lua(lua, &health)
        })?,
    )?;
    core.set(
        "sessions",
        raw(lua, |lua, args| {
            let sessions = client_arg(args, 1)?.sessions()?;
            to_lua(lua, &sessions)
        })?,
    )?;
    core.set(
        "session",
        raw(lua, |lua, args| {
            let client = client_arg(args, 1)?;
            let session = client.session(&args.session_id(2)?)?;
            to_lua(lua, &session)
        })?,
    )?;
    core.set("new_session", raw(lua, new_session)?)?;
    core.set("prompt_async", raw(lua, prompt_async)?)?;
    core.set(
        "reply_permission",
        raw(lua, |_, args| {
            let client = client_arg(args, 1)?;
            let request_id = args.string(2)?;
            let reply = args.string(3)?;
            let reply = PermissionReply::parse(&reply)
                .ok_or_else(|| args.error(3, format!("'once', 'always' or 'reject' expected, got {reply:?}")))?;
            let message = match args.get(4) {
                Value::Nil => None,
                _ => Some(args.string(4)?),
            };
            Ok(Value::Boolean(client.reply_permission(
                &request_id,
                reply,
                message.as_deref(),
            )?))
        })?,
    )?;
    core.set(
        "tui_append_prompt",
        raw(lua, |_, args| {
            let client = client_arg(args, 1)?;
            Ok(Value::Boolean(client.tui_append_prompt(&args.string(2)?)?))
        })?,
    )?;
    core.set(
        "tui_submit_prompt",
        raw(lua, |_, args| {
            Ok(Value::Boolean(client_arg(args, 1)?.tui_submit_prompt()?))
        })?,
    )?;
    core.set(
        "tui_clear_prompt",
        raw(lua, |_, args| {
            Ok(Value::Boolean(client_arg(args, 1)?.tui_clear_prompt()?))
        })?,
    )?;
    core.set("tui_show_toast", raw(lua, tui_show_toast)?)?;
    live::install(lua, &core)?;
    ops::install(lua, &core)?; // client:call, client:request, one method per operation
    serve::install(lua, &core)?; // opencode.serve, client:close, client:server
    core.set(
        "delete",
        raw(lua, |_, args| {
            let client = client_arg(args, 1)?;
            Ok(Value::Boolean(client.delete(&args.session_id(2)?)?))
        })?,
    )?;
    core.set(
        "abort",
        raw(lua, |_, args| {
            let client = client_arg(args, 1)?;
            Ok(Value::Boolean(client.abort(&args.session_id(2)?)?))
        })?,
    )?;
    core.set(
        "url",
        raw(lua, |lua, args| {
            Ok(Value::String(lua.create_string(client_arg(args, 1)?.url())?))
        })?,
    )?;
    core.set(
        "fd",
        raw(lua, |_, args| {
            Ok(Value::Integer(client_arg(args, 1)?.fd()? as mlua::Integer))
        })?,
    )?;
    error_metatable(lua)?;
    Ok(core)
}

/// Runs methods.lua: it installs the method tables of clients, streams and
/// handles, and gives back what the module's send, send_async, connect and
/// serve need.
fn run_methods(lua: &Lua, core: &Table) -> mlua::Result<(Function, Function, Function)> {
    live::install_methods(lua, core)?;
    let names = lua.create_sequence_from(CLIENT_METHOD_NAMES.iter().copied())?;
    let (checked, argerror, exact) = checked::helpers(lua)?;
    let (send, start_async, guarded, client, stream, stream_call, handle, failed): (
        Function,
        Function,
        Function,
        Table,
        Table,
        Function,
        Table,
        Table,
    ) = lua
        .load(METHODS)
        .set_name("=opencode")
        .call((core, names, checked, argerror, exact))?;
    lua.set_named_registry_value(CLIENT_METHODS, client)?;
    live::set_methods(lua, stream, stream_call, handle, failed)?;
    Ok((send, start_async, guarded))
}

/// Makes `require("opencode")` (and the `libaihelloworld` shim) available in a
/// Lua state that a Rust program hosts, without any file on disk. The
/// `opencode-lua` host does exactly this.
///
/// ```
/// use opencode::mlua::Lua;
///
/// let lua = Lua::new();
/// opencode::register(&lua)?;
/// let version: String = lua.load(r#"return require("opencode")._VERSION"#).eval()?;
/// assert!(version.starts_with("opencode "));
/// // Scripts connect as anywhere else:
/// //   local client = assert(require("opencode").connect("http://127.0.0.1:4096"))
/// # Ok::<(), opencode::mlua::Error>(())
/// ```
pub fn register(lua: &Lua) -> mlua::Result<()> {
    lua.preload_module("opencode", lua.create_function(|lua, ()| module(lua))?)?;
    let shim = lua.load(LIBAIHELLOWORLD).set_name("=libaihelloworld").into_function()?;
    lua.preload_module("libaihelloworld", shim)
}

fn new_session(lua: &Lua, args: &Args) -> Raw {
    let client = client_arg(args, 1)?;
    let session = client.new_session(&options::new_session(lua, args, 2)?)?;
    to_lua(lua, &session)
}

fn prompt_async(lua: &Lua, args: &Args) -> Raw {
    let (client, session_id, prompt, options, _) = message_args(lua, args, SEND_KEYS)?;
    client.prompt_async(&session_id, prompt, &options)?;
    Ok(Value::Boolean(true))
}

fn tui_show_toast(_: &Lua, args: &Args) -> Raw {
    let client = client_arg(args, 1)?;
    let toast = options::toast(args, 2)?;
    Ok(Value::Boolean(client.tui_show_toast(&toast)?))
}
