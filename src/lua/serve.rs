//! `opencode.serve{...}`: starts `opencode serve` (see [`crate::server`]) and
//! returns a client connected to it that owns it. The server stops when the
//! client is closed (`client:close()`), collected, or the interpreter exits.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use mlua::{Lua, Table, Value};

use super::args::{Args, Options};
use super::client::{client_arg, LuaClient};
use super::convert::{lua_to_json, lua_type_name};
use super::returns::{raw, Failure, Raw};
use crate::client::{Client, Error};
use crate::server::{ServeOptions, Server};

const SERVE_KEYS: &[&str] = &[
    "bin",
    "hostname",
    "port",
    "password",
    "config",
    "timeout",
    "cwd",
    "env",
    "on_permission",
    "on_question",
];

pub(super) fn install(lua: &Lua, core: &Table) -> mlua::Result<()> {
    core.set("serve", raw(lua, serve)?)?;
    core.set(
        "close",
        raw(lua, |_, args| {
            if let Some(server) = &client_arg(args, 1)?.server {
                server.stop();
            }
            Ok(Value::Boolean(true))
        })?,
    )?;
    core.set(
        "server",
        raw(lua, |lua, args| {
            let client = client_arg(args, 1)?;
            let Some(server) = &client.server else {
                return Ok(Value::Nil);
            };
            let info = lua.create_table_with_capacity(0, 5)?;
            info.raw_set("pid", server.pid())?;
            info.raw_set("url", server.url())?;
            info.raw_set("username", server.username())?;
            info.raw_set("password", server.password())?;
            info.raw_set("running", server.is_running())?;
            info.raw_set("output", server.output())?;
            Ok(Value::Table(info))
        })?,
    )?;
    Ok(())
}

fn serve(lua: &Lua, args: &Args) -> Raw {
    let options = Options::new(args.opt_table(1)?, 1, SERVE_KEYS)?;
    let mut serve = ServeOptions::new();
    if let Some(bin) = options.string("bin")? {
        serve.bin = PathBuf::from(bin);
    }
    if let Some(hostname) = options.string("hostname")? {
        serve.hostname = hostname;
    }
    match options.value("port") {
        Value::Nil => {}
        Value::Integer(port) if (0..=65535).contains(&port) => serve.port = port as u16,
        Value::Number(port) if port.fract() == 0.0 && (0.0..=65535.0).contains(&port) => serve.port = port as u16,
        other => {
            return Err(options
                .named_error(
                    "port",
                    format!("port number 0-65535 expected, got {}", describe(&other)),
                )
                .into())
        }
    }
    match options.value("password") {
        Value::Nil => {} // a random one
        Value::Boolean(false) => serve.password = None,
        Value::String(_) => serve.password = options.string("password")?,
        other => {
            return Err(options
                .named_error(
                    "password",
                    format!("string or false expected, got {}", describe(&other)),
                )
                .into())
        }
    }
    serve.config = match options.value("config") {
        Value::Nil => None,
        Value::String(_) => {
            let config = options.string("config")?.unwrap_or_default();
            crate::server::check_config(&config).map_err(|detail| options.named_error("config", detail))?;
            Some(config)
        }
        table @ Value::Table(_) => {
            let json = lua_to_json(lua, &table).map_err(|e| options.named_error("config", e.0))?;
            Some(json.to_string())
        }
        other => {
            return Err(options
                .named_error(
                    "config",
                    format!("table or JSON string expected, got {}", lua_type_name(&other)),
                )
                .into())
        }
    };
    if let Some(timeout) = options.seconds("timeout")? {
        serve.timeout = timeout;
    }
    serve.cwd = options.string("cwd")?.map(PathBuf::from);
    if let Some(env) = options.table("env")? {
        for pair in env.pairs::<Value, Value>() {
            let (name, value) = pair?;
            let Value::String(name) = name else {
                return Err(options
                    .named_error(
                        "env",
                        format!("names must be strings, got a {} key", lua_type_name(&name)),
                    )
                    .into());
            };
            let name = OsString::from(
                name.to_str()
                    .map_err(|_| options.named_error("env", "name is not UTF-8"))?
                    .to_owned(),
            );
            let value = match value {
                Value::String(s) => Some(OsString::from(
                    s.to_str()
                        .map_err(|_| options.named_error("env", "value is not UTF-8"))?
                        .to_owned(),
                )),
                Value::Boolean(false) => None,
                other => {
                    return Err(options
                        .named_error(
                            "env",
                            format!(
                                "value of {} must be a string (or false to remove it), got {}",
                                name.to_string_lossy(),
                                lua_type_name(&other)
                            ),
                        )
                        .into())
                }
            };
            serve.env.push((name, value));
        }
    }
    if let Some(cwd) = &serve.cwd {
        if !cwd.is_dir() {
            return Err(options
                .named_error("cwd", format!("{} is not a directory", cwd.display()))
                .into());
        }
    }

    let mut config = crate::client::Config::from_env();
    let handlers = super::live::client_handlers(lua, &options, &mut config)?;
    let server = Server::start(&serve)?;
    let mut server_config = server.config();
    server_config.permissions = config.permissions;
    server_config.questions = config.questions;
    let client = Client::new(server_config).map_err(|e| args.error(1, e.to_string()))?;
    if let Err(error) = client.health() {
        let message = format!(
            "{} serve listens on {} but does not answer: {}; its last output: {}",
            serve.bin.display(),
            server.url(),
            error.message(),
            server.output().lines().collect::<Vec<_>>().join(" | ")
        );
        drop(server);
        return Err(Failure::Call(Error::new(error.kind(), error.status(), message)));
    }
    let client = lua.create_userdata(LuaClient {
        client,
        server: Some(Arc::new(server)),
    })?;
    client.set_user_value(handlers)?;
    Ok(Value::UserData(client))
}

/// A value in an error message: numbers as they are, other values by type.
fn describe(value: &Value) -> String {
    match value {
        Value::Integer(i) => i.to_string(),
        Value::Number(n) => n.to_string(),
        other => lua_type_name(other).to_owned(),
    }
}
