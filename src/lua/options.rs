//! What the hand-written calls take, read into the client's types: the
//! options of `connect` (a [`Config`]), of a new session (a [`NewSession`],
//! permission rules included), of a message (`send`, `send_async`,
//! `prompt_async`: a [`Prompt`] and [`SendOptions`]) and of a toast.

use mlua::{Lua, Table, UserDataRef, Value};
use serde_json::Value as Json;

use super::args::{Args, Options};
use super::client::{client_arg, LuaClient};
use super::convert::{self, lua_to_json};
use super::live;
use super::returns::Failure;
use crate::client::{Config, ModelRef, NewSession, Prompt, SendOptions, Toast};

/// `connect`'s argument, a URL or an option table, over the environment's
/// settings; with the table of handlers (`on_permission`, `on_question`)
/// the client keeps, if options were given.
pub(super) fn connection(lua: &Lua, args: &Args) -> Result<(Config, Option<Table>), Failure> {
    let mut config = Config::from_env();
    let mut handlers = None;
    match args.get(1) {
        Value::Nil => {}
        Value::String(_) => config.url = args.string(1)?,
        Value::Table(table) => {
            let options = Options::new(
                Some(table.clone()),
                1,
                &[
                    "url",
                    "username",
                    "password",
                    "directory",
                    "workspace",
                    "timeout",
                    "send_timeout",
                    "insecure",
                    "max_response_bytes",
                    "on_permission",
                    "on_question",
                ],
            )?;
            handlers = Some(live::client_handlers(lua, &options, &mut config)?);
            if let Some(url) = options.string("url")? {
                config.url = url;
            }
            if let Some(username) = options.string("username")? {
                config.username = username;
            }
            if let Some(password) = options.string("password")? {
                config.password = Some(password);
            }
            config.directory = options.string("directory")?;
            config.workspace = options.string("workspace")?;
            if let Some(timeout) = options.seconds("timeout")? {
                config.timeout = timeout;
            }
            config.send_timeout = options.seconds("send_timeout")?;
            config.insecure = options.boolean("insecure")?.unwrap_or(false);
            if let Some(bytes) = options.bytes("max_response_bytes")? {
                config.max_response_bytes = bytes;
            }
        }
        _ => return Err(args.expected(1, "url string or option table").into()),
    }
    Ok((config, handlers))
}

/// A new session from argument `position`: its title, or an option table.
pub(super) fn new_session(lua: &Lua, args: &Args, position: usize) -> Result<NewSession, Failure> {
    let mut request = NewSession::new();
    match args.get(position) {
        Value::String(_) => request.title = Some(args.string(position)?),
        _ => {
            let options = Options::new(
                args.opt_table(position)?,
                position,
                &["title", "parentID", "permission"],
            )?;
            request.title = options.string("title")?;
            request.parent_id = options.session("parentID")?;
            if let Some(rules) = options.table("permission")? {
                request.permission =
                    Some(permission_rules(lua, &rules).map_err(|detail| options.named_error("permission", detail))?);
            }
        }
    }
    Ok(request)
}

/// Permission rules as the server wants them (`[{permission, pattern, action}]`),
/// from that list or from opencode.json's shorthand: `{ bash = "ask" }` or
/// `{ bash = { ["git *"] = "allow", ["*"] = "ask" } }`.
fn permission_rules(lua: &Lua, rules: &Table) -> Result<Json, String> {
    let json = lua_to_json(lua, &Value::Table(rules.clone())).map_err(|e| e.0)?;
    match json {
        Json::Array(_) => Ok(json),
        Json::Object(map) => {
            let mut list = Vec::new();
            for (permission, action) in map {
                match action {
                    Json::String(action) => list.push(rule(&permission, "*", &action)),
                    Json::Object(patterns) => {
                        for (pattern, action) in patterns {
                            let Json::String(action) = action else {
                                return Err(format!("action for {permission} {pattern:?} must be a string"));
                            };
                            list.push(rule(&permission, &pattern, &action));
                        }
                    }
                    _ => {
                        return Err(format!(
                            "rule for {permission} must be an action string or a table of patterns"
                        ))
                    }
                }
            }
            Ok(Json::Array(list))
        }
        _ => Err("a list of rules or a table of actions expected".into()),
    }
}

fn rule(permission: &str, pattern: &str, action: &str) -> Json {
    serde_json::json!({ "permission": permission, "pattern": pattern, "action": action })
}

/// Options every form of sending a message takes.
pub(super) const SEND_KEYS: &[&str] = &["model", "agent", "system", "variant", "tools", "no_reply"];

/// Reads `(client, session, prompt, options)` as send, send_async and prompt_async take them.
/// `extra` names further option keys the caller reads itself.
pub(super) fn message_args<'a>(
    lua: &Lua,
    args: &Args,
    keys: &'a [&'a str],
) -> Result<(UserDataRef<LuaClient>, String, Prompt, SendOptions, Options<'a>), Failure> {
    let client = client_arg(args, 1)?;
    let session_id = args.session_id(2)?;
    let prompt = match args.get(3) {
        Value::String(_) => Prompt::Text(args.string(3)?),
        Value::Table(table) => {
            let json = lua_to_json(lua, &Value::Table(table.clone())).map_err(|e| args.error(3, e.0))?;
            match json {
                Json::Array(parts) if !parts.is_empty() => Prompt::Parts(parts),
                part @ Json::Object(_) if part.get("type").is_some() => Prompt::Parts(vec![part]),
                _ => return Err(args.error(3, "text or a list of message parts expected").into()),
            }
        }
        _ => return Err(args.expected(3, "string or table of parts").into()),
    };
    let options = Options::new(args.opt_table(4)?, 4, keys)?;
    let model =
        match options.value("model") {
            Value::Nil => None,
            Value::String(s) => {
                let text = s.to_string_lossy();
                Some(ModelRef::parse(&text).ok_or_else(|| {
                    options.named_error("model", format!("\"provider/model\" expected, got {text:?}"))
                })?)
            }
            Value::Table(t) => {
                let field = |name: &str| t.get::<Option<String>>(name).ok().flatten();
                match (field("providerID"), field("modelID")) {
                    (Some(provider), Some(model)) => Some(ModelRef::new(provider, model)),
                    _ => {
                        return Err(options
                            .named_error("model", "table needs string providerID and modelID")
                            .into())
                    }
                }
            }
            other => {
                return Err(options
                    .named_error(
                        "model",
                        format!("string or table expected, got {}", convert::lua_type_name(&other)),
                    )
                    .into())
            }
        };
    let tools = match options.table("tools")? {
        None => None,
        Some(tools) => match lua_to_json(lua, &Value::Table(tools)).map_err(|e| options.named_error("tools", e.0))? {
            Json::Object(map) if map.values().all(Json::is_boolean) => Some(map),
            _ => {
                return Err(options
                    .named_error("tools", "a table of tool names to booleans expected")
                    .into())
            }
        },
    };
    let send_options = SendOptions {
        model,
        agent: options.string("agent")?,
        system: options.string("system")?,
        variant: options.string("variant")?,
        tools,
        no_reply: options.boolean("no_reply")?.unwrap_or(false),
        ..SendOptions::default()
    };
    Ok((client, session_id, prompt, send_options, options))
}

/// A toast from the option table at argument `position`.
pub(super) fn toast(args: &Args, position: usize) -> Result<Toast, Failure> {
    let options = match args.get(position) {
        Value::Table(t) => Options::new(Some(t.clone()), position, &["message", "title", "variant", "duration"])?,
        _ => return Err(args.expected(position, "table").into()),
    };
    let message = options
        .string("message")?
        .ok_or_else(|| options.named_error("message", "string expected, got nil"))?;
    let mut toast = Toast::new(message);
    toast.title = options.string("title")?;
    if let Some(variant) = options.string("variant")? {
        toast.variant = variant
            .parse()
            .map_err(|expected| options.named_error("variant", expected))?;
    }
    toast.duration = options.seconds("duration")?.map(|d| d.as_millis().max(1) as u64);
    Ok(toast)
}
