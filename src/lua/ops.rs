//! The whole API from Lua: `client:call(operationId, params)`,
//! `client:request(method, path, options)`, and one method (and function
//! form) per operation, made the first time its name is looked up. Every
//! operation goes through [`perform`]: the flat parameter table is read once,
//! checked against the operation table, and the answer is handed back as its
//! kind says.

use mlua::{Lua, Table, Value};
use serde_json::{Map, Value as Json};

use super::args::{session_ref, ArgError, Args, Options};
use super::checked::checked;
use super::client::{client_arg, LuaClient};
use super::convert::{json_to_lua, lua_to_json, lua_type_name};
use super::live::stream_to_lua;
use super::returns::{raw, Raw};
use crate::client::operation::{push_query, shorten, Response};
use crate::client::{EventOptions, Operation, RequestOptions};

pub(super) fn install(lua: &Lua, core: &Table) -> mlua::Result<()> {
    // client:call(operationId, params)
    core.set(
        "call",
        raw(lua, |lua, args| {
            let client = client_arg(args, 1)?;
            let op = operation_arg(args, 2)?;
            perform(lua, &client, op, args, 3)
        })?,
    )?;
    // The method, or function form, of the operation a name stands for.
    core.set(
        "operation_method",
        lua.create_function(|lua, (methods, name): (Table, Value)| generated(lua, &methods, &name, 1))?,
    )?;
    core.set(
        "operation_function",
        lua.create_function(|lua, (module, name): (Table, Value)| generated(lua, &module, &name, 0))?,
    )?;
    core.set("request", raw(lua, request)?)?;
    Ok(())
}

/// Makes the method (`shift` 1) or function form (`shift` 0) of the operation
/// `name` stands for, and keeps it in `functions`: [`checked`] around a raw
/// function bound to the operation. Nil for any other name.
fn generated(lua: &Lua, functions: &Table, name: &Value, shift: u8) -> mlua::Result<Value> {
    let Value::String(name) = name else {
        return Ok(Value::Nil);
    };
    let Some(op) = name.to_str().ok().and_then(|name| Operation::find_by_name(&name)) else {
        return Ok(Value::Nil);
    };
    let bound = raw(lua, move |lua, args| {
        let client = client_arg(args, 1)?;
        perform(lua, &client, op, args, 2)
    })?;
    let f = checked(lua, op.name, bound, shift)?;
    functions.raw_set(op.name, &f)?;
    Ok(Value::Function(f))
}

fn operation_arg(args: &Args, position: usize) -> Result<&'static Operation, ArgError> {
    let id = args.string(position)?;
    Operation::find(&id).ok_or_else(|| {
        let hint = Operation::find_by_name(&id)
            .map(|op| format!("; the operationId of {id} is '{}'", op.id))
            .unwrap_or_default();
        args.error(
            position,
            format!("unknown operation '{}' (see docs/operations.md{hint})", shorten(&id)),
        )
    })
}

/// Performs `op` with the parameter table at `position`.
fn perform(lua: &Lua, client: &LuaClient, op: &'static Operation, args: &Args, position: usize) -> Raw {
    let params = params(lua, op, args, position)?;
    let session = crate::client::watched_session(op, &params);
    let request = client
        .prepare(op, params)
        .map_err(|detail| args.error(position, detail))?;
    if let Response::EventStream { greets } = op.response {
        return stream_to_lua(lua, client.stream(&request, greets, EventOptions::default())?);
    }
    let answer = client.perform_watched(&request, session.as_deref())?;
    Ok(match op.response {
        Response::NoContent => Value::Boolean(true),
        Response::Text | Response::Binary => Value::String(lua.create_string(&answer.bytes)?),
        _ => json_to_lua(lua, &client.decode_json(&request, &answer)?)?,
    })
}

/// The flat parameter table: names the operation takes, values that can be
/// JSON, and a session table wherever a `sessionID` goes.
fn params(lua: &Lua, op: &Operation, args: &Args, position: usize) -> Result<Map<String, Json>, ArgError> {
    let required = op.params.iter().any(|p| p.required);
    let table = match args.get(position) {
        Value::Nil if !required => return Ok(Map::new()),
        Value::Table(table) => table,
        _ => return Err(args.expected(position, if required { "table" } else { "table or nil" })),
    };
    let mut params = Map::new();
    for pair in table.pairs::<Value, Value>() {
        let (key, value) = pair.map_err(|e| args.error(position, e.to_string()))?;
        let name = match &key {
            Value::String(name) => name
                .to_str()
                .map(|name| name.to_owned())
                .map_err(|_| args.error(position, "a parameter name is not valid UTF-8"))?,
            other => {
                return Err(args.error(
                    position,
                    format!("parameter names are strings, got a {} key", lua_type_name(other)),
                ))
            }
        };
        let Some(param) = op.param(&name) else {
            return Err(args.error(
                position,
                format!("unknown parameter '{}' (known: {})", shorten(&name), op.param_names()),
            ));
        };
        let json = if param.name == "sessionID" {
            Json::String(session_ref(&value).map_err(|d| args.error(position, format!("parameter 'sessionID': {d}")))?)
        } else {
            lua_to_json(lua, &value).map_err(|e| args.error(position, format!("parameter '{name}': {}", e.0)))?
        };
        params.insert(name, json);
    }
    Ok(params)
}

/// `client:request(method, path, { path = {...}, query = {...}, body = ..., timeout = ... })`.
fn request(lua: &Lua, args: &Args) -> Raw {
    let client = client_arg(args, 1)?;
    let method = args.string(2)?;
    crate::client::parse_method(&method).map_err(|e| args.error(2, e.message()))?;
    let path = args.string(3)?;
    let options = Options::new(args.opt_table(4)?, 4, &["path", "query", "body", "timeout"])?;
    let mut request = RequestOptions::new();
    if let Some(values) = options.table("path")? {
        for pair in values.pairs::<Value, Value>() {
            let (name, value) = pair.map_err(|e| options.named_error("path", e))?;
            let text = |value: &Value| match value {
                Value::String(s) => s.to_str().ok().map(|s| s.to_owned()),
                Value::Integer(i) => Some(i.to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            match (text(&name), text(&value)) {
                (Some(name), Some(value)) => request.path.push((name, value)),
                _ => {
                    return Err(options
                        .named_error(
                            "path",
                            format!(
                                "names to strings expected, got a {} for a {} key",
                                lua_type_name(&value),
                                lua_type_name(&name)
                            ),
                        )
                        .into())
                }
            }
        }
    }
    if let Some(query) = options.table("query")? {
        let json = lua_to_json(lua, &Value::Table(query)).map_err(|e| options.named_error("query", e.0))?;
        match json {
            Json::Object(fields) => {
                for (name, value) in &fields {
                    push_query(&mut request.query, name, value);
                }
            }
            _ => {
                return Err(options
                    .named_error("query", "a table of names to values expected")
                    .into())
            }
        }
    }
    match options.value("body") {
        Value::Nil => {}
        body => request.body = Some(lua_to_json(lua, &body).map_err(|e| options.named_error("body", e.0))?),
    }
    request.timeout = options.seconds("timeout")?;
    let prepared = client
        .prepare_request(&method, &path, request)
        .map_err(|e| args.error(3, e.message()))?;
    let answer = client.perform(&prepared)?;
    if answer.bytes.is_empty() {
        return Ok(Value::Boolean(true));
    }
    if answer.is_json() {
        return Ok(json_to_lua(lua, &client.decode_json(&prepared, &answer)?)?);
    }
    Ok(Value::String(lua.create_string(&answer.bytes)?))
}
