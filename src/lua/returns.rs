//! The return protocol between the raw functions written in Rust and the
//! functions scripts call (src/lua/checked.rs, and methods.lua's send): a raw
//! function returns `value`; or `nil, message, kind, err` for an expected
//! failure (the network, the server, the AI), handed to the script as is; or
//! `nil, nil, position, detail` for a caller's mistake, which those raise at
//! the caller's line (position 0: `detail` is the whole message). A call that
//! Ctrl-C stopped returns a bare `nil` for the interpreter to raise over.
//!
//! A failure's message is a string, so `assert(call())` and `error(message)`
//! show it in every interpreter (PUC 5.1's assert and lua.c print nothing
//! useful for a table); `kind` is a short string a program branches on; `err`
//! is a table with kind, status, message and, for some, the partial reply.

use mlua::{Function, Lua, MultiValue, Table, Value};
use serde_json::Value as Json;

use super::args::{ArgError, Args};
use super::convert::{json_to_lua, object_to_lua};
use super::live;
use crate::client;

const ERROR_METATABLE: &str = "opencode.error";

/// Why a raw call did not produce a value.
pub(super) enum Failure {
    /// The caller's mistake: raised as a Lua error at the caller's line.
    Arg(ArgError),
    /// The network, the server or the AI: returned as `nil, message, kind, err`.
    Call(client::Error),
    /// The caller's mistake that is not one argument (a callback's answer,
    /// say): raised with this message, at the caller's line.
    Misuse(String),
    /// Lua itself failed (out of memory): raised as is.
    Lua(mlua::Error),
}

impl From<ArgError> for Failure {
    fn from(e: ArgError) -> Self {
        Failure::Arg(e)
    }
}

impl From<client::Error> for Failure {
    fn from(e: client::Error) -> Self {
        Failure::Call(e)
    }
}

impl From<mlua::Error> for Failure {
    fn from(e: mlua::Error) -> Self {
        Failure::Lua(e)
    }
}

pub(super) type Raw = Result<Value, Failure>;

/// Wraps a raw function in the return convention src/lua/checked.rs expects.
pub(super) fn raw<F>(lua: &Lua, f: F) -> mlua::Result<Function>
where
    F: Fn(&Lua, &Args) -> Raw + 'static,
{
    lua.create_function(move |lua, values: MultiValue| {
        let args = Args::new(values);
        let mut out = MultiValue::new();
        // Ctrl-C in a stock interpreter ends a call that waits on the server.
        // The interpreter raises "interrupted!" at its next instruction: return
        // a bare nil, since making anything more would call into Lua, where
        // the hook would fire and its error could be lost.
        let probe = live::Interrupt::probe(lua);
        let (result, interrupted) = crate::client::interrupt::with_probe(probe, || f(lua, &args));
        if interrupted {
            out.push_back(Value::Nil);
            return Ok(out);
        }
        match result {
            Ok(value) => out.push_back(value),
            Err(Failure::Call(err)) => {
                out.push_back(Value::Nil);
                out.push_back(Value::String(lua.create_string(err.message())?));
                out.push_back(Value::String(lua.create_string(err.kind().as_str())?));
                out.push_back(Value::Table(error_to_lua(lua, &err)?));
            }
            Err(Failure::Arg(arg)) => {
                out.push_back(Value::Nil);
                out.push_back(Value::Nil);
                out.push_back(Value::Integer(arg.position as mlua::Integer));
                out.push_back(Value::String(lua.create_string(&arg.detail)?));
            }
            Err(Failure::Misuse(detail)) => {
                out.push_back(Value::Nil);
                out.push_back(Value::Nil);
                out.push_back(Value::Integer(0));
                out.push_back(Value::String(lua.create_string(&detail)?));
            }
            Err(Failure::Lua(err)) => return Err(err),
        }
        Ok(out)
    })
}

/// A value for Lua, through its JSON form.
pub(super) fn to_lua<T: serde::Serialize>(lua: &Lua, value: &T) -> Raw {
    let json = serde_json::to_value(value).map_err(mlua::Error::external)?;
    Ok(json_to_lua(lua, &json)?)
}

pub(super) fn error_metatable(lua: &Lua) -> mlua::Result<Table> {
    if let Ok(table) = lua.named_registry_value::<Table>(ERROR_METATABLE) {
        return Ok(table);
    }
    let table = lua.create_table()?;
    table.set("__name", ERROR_METATABLE)?;
    table.set(
        "__tostring",
        lua.create_function(|_, err: Table| err.raw_get::<mlua::LuaString>("message"))?,
    )?;
    lua.set_named_registry_value(ERROR_METATABLE, &table)?;
    Ok(table)
}

/// `{ kind = ..., status = ..., message = ... }`, printable with tostring().
fn error_to_lua(lua: &Lua, err: &client::Error) -> mlua::Result<Table> {
    let table = lua.create_table_with_capacity(0, 4)?;
    table.raw_set("kind", err.kind().as_str())?;
    if let Some(status) = err.status() {
        table.raw_set("status", status)?;
    }
    table.raw_set("message", err.message())?;
    if let Some(reply) = err.reply() {
        table.raw_set("reply", reply_to_lua(lua, reply)?)?;
    }
    table.set_metatable(Some(error_metatable(lua)?))?;
    Ok(table)
}

/// A reply as Lua sees it: the server's `info` and `parts`, plus `text`, every
/// text part joined.
pub(super) fn reply_to_lua(lua: &Lua, reply: &client::Reply) -> mlua::Result<Table> {
    let json = serde_json::to_value(reply).map_err(mlua::Error::external)?;
    let table = match &json {
        Json::Object(fields) => object_to_lua(lua, fields)?,
        _ => lua.create_table()?,
    };
    table.raw_set("text", reply.text())?;
    Ok(table)
}
