//! The Lua binding: argument checking, Lua values <-> client types, and the
//! `nil, message, kind, err` convention. No HTTP here; every call goes to [`crate::client`].

mod args;
mod convert;
mod live;
mod ops;
mod serve;

use mlua::{Function, Lua, MultiValue, Table, UserData, UserDataFields, UserDataMethods, UserDataRef, Value};
use serde_json::Value as Json;

use crate::client::{self, Client, Config, ModelRef, NewSession, PermissionReply, Prompt, SendOptions, Toast};
use args::{ArgError, Args, Options};
use convert::{json_to_lua, lua_to_json, object_to_lua};

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

const CLIENT_METHODS: &str = "opencode.client.methods";
const ERROR_METATABLE: &str = "opencode.error";

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

/// Why a raw call did not produce a value.
enum Failure {
    /// The caller's mistake: raised as a Lua error by the prelude.
    Arg(ArgError),
    /// The network, the server or the AI: returned as `nil, message, kind, err`.
    Call(client::Error),
    /// The caller's mistake that is not one argument (a callback's answer,
    /// say): raised by the prelude with this message, at the caller's line.
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

type Raw = Result<Value, Failure>;

/// Wraps a raw function in the return convention the prelude expects.
fn raw<F>(lua: &Lua, f: F) -> mlua::Result<Function>
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

/// The Rust half of a client object; its metatable's `__index` is the
/// prelude's method table.
struct LuaClient {
    client: Client,
    /// The server `opencode.serve` started for this client; stopped with it.
    server: Option<std::sync::Arc<crate::server::Server>>,
}

impl std::ops::Deref for LuaClient {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl UserData for LuaClient {
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
        fields.add_meta_field_with("__index", |lua| lua.named_registry_value::<Table>(CLIENT_METHODS));
        fields.add_meta_field("__name", "opencode.client");
    }

    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_meta_method("__tostring", |_, this, ()| {
            Ok(format!("opencode.client: {}", this.client.url()))
        });
    }
}

fn client_arg(args: &Args, position: usize) -> Result<UserDataRef<LuaClient>, ArgError> {
    match args.get(position) {
        Value::UserData(ud) => ud
            .borrow::<LuaClient>()
            .map_err(|_| args.expected(position, "opencode client")),
        _ => Err(args.expected(position, "opencode client")),
    }
}

fn to_lua<T: serde::Serialize>(lua: &Lua, value: &T) -> Raw {
    let json = serde_json::to_value(value).map_err(mlua::Error::external)?;
    Ok(json_to_lua(lua, &json)?)
}

fn error_metatable(lua: &Lua) -> mlua::Result<Table> {
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

fn connect(lua: &Lua, args: &Args) -> Raw {
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
    let client = Client::new(config).map_err(|e| args.error(1, e.to_string()))?;
    client.health()?;
    let client = lua.create_userdata(LuaClient { client, server: None })?;
    if let Some(handlers) = handlers {
        client.set_user_value(handlers)?;
    }
    Ok(Value::UserData(client))
}

fn new_session(lua: &Lua, args: &Args) -> Raw {
    let client = client_arg(args, 1)?;
    let mut request = NewSession::new();
    match args.get(2) {
        Value::String(_) => request.title = Some(args.string(2)?),
        _ => {
            let options = Options::new(args.opt_table(2)?, 2, &["title", "parentID", "permission"])?;
            request.title = options.string("title")?;
            request.parent_id = options.session("parentID")?;
            if let Some(rules) = options.table("permission")? {
                request.permission =
                    Some(permission_rules(lua, &rules).map_err(|detail| options.named_error("permission", detail))?);
            }
        }
    }
    let session = client.new_session(&request)?;
    to_lua(lua, &session)
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
const SEND_KEYS: &[&str] = &["model", "agent", "system", "variant", "tools", "no_reply"];

/// Reads `(client, session, prompt, options)` as send, send_async and prompt_async take them.
/// `extra` names further option keys the caller reads itself.
fn message_args<'a>(
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

fn prompt_async(lua: &Lua, args: &Args) -> Raw {
    let (client, session_id, prompt, options, _) = message_args(lua, args, SEND_KEYS)?;
    client.prompt_async(&session_id, prompt, &options)?;
    Ok(Value::Boolean(true))
}

fn tui_show_toast(_: &Lua, args: &Args) -> Raw {
    let client = client_arg(args, 1)?;
    let options = match args.get(2) {
        Value::Table(t) => Options::new(Some(t.clone()), 2, &["message", "title", "variant", "duration"])?,
        _ => return Err(args.expected(2, "table").into()),
    };
    let message = options
        .string("message")?
        .ok_or_else(|| options.named_error("message", "string expected, got nil"))?;
    let mut toast = Toast::new(message);
    toast.title = options.string("title")?;
    if let Some(variant) = options.string("variant")? {
        if !["info", "success", "warning", "error"].contains(&variant.as_str()) {
            return Err(options
                .named_error("variant", "'info', 'success', 'warning' or 'error' expected")
                .into());
        }
        toast.variant = variant;
    }
    toast.duration = options.seconds("duration")?.map(|d| d.as_millis().max(1) as u64);
    Ok(Value::Boolean(client.tui_show_toast(&toast)?))
}

/// A reply as Lua sees it: the server's `info` and `parts`, plus `text`, every
/// text part joined.
fn reply_to_lua(lua: &Lua, reply: &client::Reply) -> mlua::Result<Table> {
    let json = serde_json::to_value(reply).map_err(mlua::Error::external)?;
    let table = match &json {
        Json::Object(fields) => object_to_lua(lua, fields)?,
        _ => lua.create_table()?,
    };
    table.raw_set("text", reply.text())?;
    Ok(table)
}
