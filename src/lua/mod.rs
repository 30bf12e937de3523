//! The Lua binding: argument checking, Lua values <-> client types, and the
//! `nil, message, kind, err` convention. No HTTP here; every call goes to [`crate::client`].
//!
//! This file is the entry point: `module` builds the module table (the raw
//! functions of the hand-written calls are here; the prelude wraps them) and
//! `register` preloads it in a host's Lua state.

mod args;
mod client;
mod convert;
mod live;
mod ops;
mod options;
mod returns;
mod serve;

use mlua::{Function, Lua, MultiValue, Table, Value};

use crate::client::PermissionReply;
use args::Args;
use client::{client_arg, connect, CLIENT_METHODS};
use options::{message_args, SEND_KEYS};
use returns::{error_metatable, raw, to_lua, Raw};

/// The module table (src/lua/prelude.lua, without its comment lines: see build.rs).
const PRELUDE: &str = include_str!(concat!(env!("OUT_DIR"), "/prelude.lua"));

/// The methods of clients, streams and handles, and send's machinery
/// (src/lua/methods.lua, likewise): the prelude compiles this on first use
/// (`core.methods`), not at `require`.
const METHODS: &str = include_str!(concat!(env!("OUT_DIR"), "/methods.lua"));

/// The ComputerCraft-compatible settings store, in Lua (`lua/settings.lua`).
pub const SETTINGS_SOURCE: &str = include_str!("../../lua/settings.lua");

/// Scripts bundled with the module: (name, source). `opencode-lua NAME` runs them.
pub const BUNDLED_SCRIPTS: &[(&str, &str)] = &[("ai-helloworld", include_str!("../../lua/ai-helloworld.lua"))];

const LIBAIHELLOWORLD: &str = include_str!("../../lua/libaihelloworld.lua");

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
    let core = lua.create_table()?;
    core.set("null", Value::NULL)?;
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
    // The prelude's methods(), once: runs methods.lua with the prelude's
    // helpers, keeps the method tables it makes, and gives back send,
    // start_async and guarded.
    core.set(
        "methods",
        lua.create_function(|lua, (core, helpers): (Table, MultiValue)| {
            live::install_methods(lua, &core)?;
            let (send, start_async, guarded, client, stream, stream_call, handle, failed): (
                Function,
                Function,
                Function,
                Table,
                Table,
                Function,
                Table,
                Table,
            ) = lua.load(METHODS).set_name("=opencode").call((&core, helpers))?;
            lua.set_named_registry_value(CLIENT_METHODS, client)?;
            live::set_methods(lua, stream, stream_call, handle, failed)?;
            Ok((send, start_async, guarded))
        })?,
    )?;
    error_metatable(lua)?;

    let prelude = lua.load(PRELUDE).set_name("=opencode").into_function()?;
    prelude.call((core, format!("opencode {}", env!("CARGO_PKG_VERSION")), SETTINGS_SOURCE))
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
