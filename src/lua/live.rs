//! Event streams and background sends, as Lua sees them.
//!
//! Work happens on background threads (see `client::stream`), but Lua is only
//! ever called here, on the thread that owns the Lua state: queued text,
//! events and permission requests are handed to the script's callbacks when
//! it calls `poll` or `wait`, in the order they happened.

use std::time::Duration;

use mlua::{Function, Lua, Table, UserData, UserDataFields, UserDataMethods, Value};

use super::args::{ArgError, Args, Options};
use super::convert::{json_to_lua, lua_type_name};
use super::{client_arg, message_args, raw, reply_to_lua, Failure, Raw, SEND_KEYS};
use crate::client::{
    self, Client, Error, ErrorKind, Event, EventOptions, EventStream, PermissionReply, SendHandle, SendUpdate,
};

const STREAM_METHODS: &str = "opencode.stream.methods";
const STREAM_CALL: &str = "opencode.stream.call";
const HANDLE_METHODS: &str = "opencode.handle.methods";
/// What a callback wrapped by the prelude returns when the script's function raised.
const CALLBACK_FAILED: &str = "opencode.callback_failed";

pub(super) fn install(lua: &Lua, core: &Table) -> mlua::Result<()> {
    core.set("events", raw(lua, events)?)?;
    core.set(
        "stream_next",
        raw(lua, |lua, args| {
            let timeout = args.seconds(2)?;
            let stream = stream_arg(args, 1)?;
            let next = stream.stream.next(timeout);
            event_result(lua, next)
        })?,
    )?;
    core.set(
        "stream_poll",
        raw(lua, |lua, args| {
            let stream = stream_arg(args, 1)?;
            let next = stream.stream.try_next();
            event_result(lua, next)
        })?,
    )?;
    core.set(
        "stream_close",
        raw(lua, |_, args| {
            let Value::UserData(ud) = args.get(1) else {
                return Err(args.expected(1, "opencode stream").into());
            };
            let mut stream = ud
                .borrow_mut::<LuaStream>()
                .map_err(|_| args.expected(1, "opencode stream"))?;
            stream.stream.close();
            Ok(Value::Boolean(true))
        })?,
    )?;
    core.set(
        "stream_fd",
        raw(lua, |_, args| {
            Ok(Value::Integer(stream_arg(args, 1)?.stream.fd() as mlua::Integer))
        })?,
    )?;

    core.set("send_async", raw(lua, send_async)?)?;
    core.set(
        "handle_poll",
        raw(lua, |lua, args| with_handle(args, |handle| handle.poll(lua)))?,
    )?;
    core.set(
        "handle_wait",
        raw(lua, |lua, args| {
            let timeout = args.seconds(2)?;
            with_handle(args, |handle| handle.wait(lua, timeout))
        })?,
    )?;
    core.set(
        "handle_cancel",
        raw(lua, |_, args| {
            with_handle(args, |handle| {
                handle.cancel("the send was cancelled");
                Ok(Value::Boolean(true))
            })
        })?,
    )?;
    core.set(
        "handle_fd",
        raw(lua, |_, args| {
            with_handle(args, |handle| Ok(Value::Integer(handle.handle.fd() as mlua::Integer)))
        })?,
    )?;

    core.set(
        "set_live_methods",
        lua.create_function(|lua, (stream, call, handle, failed): (Table, Function, Table, Table)| {
            lua.set_named_registry_value(STREAM_METHODS, stream)?;
            lua.set_named_registry_value(STREAM_CALL, call)?;
            lua.set_named_registry_value(HANDLE_METHODS, handle)?;
            lua.set_named_registry_value(CALLBACK_FAILED, failed)
        })?,
    )?;
    Ok(())
}

fn event_to_lua(lua: &Lua, event: &Event) -> mlua::Result<Value> {
    let json = serde_json::to_value(event).map_err(mlua::Error::external)?;
    json_to_lua(lua, &json)
}

fn event_result(lua: &Lua, next: Option<Result<Event, Error>>) -> Raw {
    match next {
        None => Ok(Value::Nil),
        Some(Ok(event)) => Ok(event_to_lua(lua, &event)?),
        Some(Err(error)) => Err(Failure::Call(error)),
    }
}

struct LuaStream {
    stream: EventStream,
}

impl UserData for LuaStream {
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
        fields.add_meta_field_with("__index", |lua| lua.named_registry_value::<Table>(STREAM_METHODS));
        fields.add_meta_field_with("__call", |lua| lua.named_registry_value::<Function>(STREAM_CALL));
        fields.add_meta_field("__name", "opencode.stream");
    }

    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_meta_method("__tostring", |_, this, ()| {
            Ok(format!(
                "opencode.stream ({})",
                if this.stream.is_closed() { "closed" } else { "open" }
            ))
        });
    }
}

fn stream_arg(args: &Args, position: usize) -> Result<mlua::UserDataRef<LuaStream>, ArgError> {
    match args.get(position) {
        Value::UserData(ud) => ud
            .borrow::<LuaStream>()
            .map_err(|_| args.expected(position, "opencode stream")),
        _ => Err(args.expected(position, "opencode stream")),
    }
}

fn events(lua: &Lua, args: &Args) -> Raw {
    let client = client_arg(args, 1)?;
    let options = Options::new(
        args.opt_table(2)?,
        2,
        &["session", "types", "directory", "heartbeat_timeout"],
    )?;
    let session_id = options.session("session")?;
    let types = match options.value("types") {
        Value::Nil => None,
        Value::String(s) => Some(vec![s.to_string_lossy()]),
        Value::Table(t) => Some(
            t.sequence_values::<String>()
                .collect::<mlua::Result<Vec<_>>>()
                .map_err(|_| options.named_error("types", "a list of event type strings expected"))?,
        ),
        other => {
            return Err(options
                .named_error(
                    "types",
                    format!("string or list expected, got {}", lua_type_name(&other)),
                )
                .into())
        }
    };
    let event_options = EventOptions {
        session_id,
        types,
        directory: options.string("directory")?,
        heartbeat_timeout: options
            .seconds("heartbeat_timeout")?
            .unwrap_or(EventOptions::default().heartbeat_timeout),
    };
    stream_to_lua(lua, client.events(event_options)?)
}

/// A stream as Lua holds it: `for event in stream do ... end`.
pub(super) fn stream_to_lua(lua: &Lua, stream: EventStream) -> Raw {
    Ok(Value::UserData(lua.create_userdata(LuaStream { stream })?))
}

/// A send in the background with the script's callbacks.
struct LuaHandle {
    handle: SendHandle,
    client: Client,
    on_text: Option<Function>,
    on_event: Option<Function>,
    on_permission: Option<Function>,
    /// The final result, kept so that later polls return it again.
    outcome: Option<Result<client::Reply, Error>>,
    /// A permission request that was refused because no handler was given.
    refused: Option<Event>,
}

impl UserData for LuaHandle {
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
        fields.add_meta_field_with("__index", |lua| lua.named_registry_value::<Table>(HANDLE_METHODS));
        fields.add_meta_field("__name", "opencode.handle");
    }

    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_meta_method("__tostring", |_, this, ()| {
            let state = match &this.outcome {
                None => "pending",
                Some(Ok(_)) => "done",
                Some(Err(_)) => "failed",
            };
            Ok(format!("opencode.handle ({} {state})", this.handle.session_id()))
        });
    }
}

fn with_handle(args: &Args, f: impl FnOnce(&mut LuaHandle) -> Raw) -> Raw {
    let Value::UserData(ud) = args.get(1) else {
        return Err(args.expected(1, "opencode handle").into());
    };
    let mut handle = ud
        .borrow_mut::<LuaHandle>()
        .map_err(|_| args.expected(1, "opencode handle (not busy)"))?;
    f(&mut handle)
}

fn callback(options: &Options, name: &str) -> Result<Option<Function>, Failure> {
    match options.value(name) {
        Value::Nil => Ok(None),
        Value::Function(f) => Ok(Some(f)),
        other => Err(options
            .named_error(name, format!("function expected, got {}", lua_type_name(&other)))
            .into()),
    }
}

fn send_async(lua: &Lua, args: &Args) -> Raw {
    let keys: Vec<&str> = SEND_KEYS
        .iter()
        .copied()
        .chain(["on_text", "on_event", "on_permission"])
        .collect();
    let (client, session_id, prompt, send_options, options) = message_args(lua, args, &keys)?;
    let on_text = callback(&options, "on_text")?;
    let on_event = callback(&options, "on_event")?;
    let on_permission = callback(&options, "on_permission")?;
    let handle = client.send_async(&session_id, prompt, &send_options)?;
    let handle = LuaHandle {
        handle,
        client: client.client.clone(),
        on_text,
        on_event,
        on_permission,
        outcome: None,
        refused: None,
    };
    Ok(Value::UserData(lua.create_userdata(handle)?))
}

/// The script's callback raised: the prelude holds its error and re-raises it.
struct CallbackFailed;

impl LuaHandle {
    fn poll(&mut self, lua: &Lua) -> Raw {
        while self.outcome.is_none() {
            let Some(update) = self.handle.try_next() else { break };
            if self.dispatch(lua, update)?.is_err() {
                return Ok(Value::Nil);
            }
        }
        self.result(lua)
    }

    fn wait(&mut self, lua: &Lua, timeout: Option<Duration>) -> Raw {
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        while self.outcome.is_none() {
            let left = deadline.map(|d| d.saturating_duration_since(std::time::Instant::now()));
            let Some(update) = self.handle.next(left) else {
                if self.outcome.is_none() {
                    let waited = timeout.unwrap_or_default().as_secs_f64();
                    let message =
                        format!("the reply was not complete within {waited}s (the send goes on; wait again or cancel)");
                    return Err(Failure::Call(Error::new(ErrorKind::Timeout, None, message)));
                }
                break;
            };
            if self.dispatch(lua, update)?.is_err() {
                return Ok(Value::Nil);
            }
        }
        self.result(lua)
    }

    fn result(&self, lua: &Lua) -> Raw {
        match &self.outcome {
            None => Ok(Value::Nil),
            Some(Ok(reply)) => Ok(Value::Table(reply_to_lua(lua, reply)?)),
            Some(Err(error)) => Err(Failure::Call(error.clone())),
        }
    }

    fn cancel(&mut self, why: &str) {
        self.handle.cancel();
        if self.outcome.is_none() {
            self.outcome = Some(Err(Error::new(ErrorKind::Closed, None, why)));
        }
    }

    /// Hands one update to the script. `Err(CallbackFailed)` when a callback
    /// raised: the generation has then been aborted and the handle is done.
    fn dispatch(&mut self, lua: &Lua, update: SendUpdate) -> Result<Result<(), CallbackFailed>, Failure> {
        let called = match update {
            SendUpdate::Text(delta) => match &self.on_text {
                Some(f) => {
                    let part = json_to_lua(lua, &delta.part)?;
                    Some(f.call::<Value>((delta.delta, part))?)
                }
                None => None,
            },
            SendUpdate::Event(event) => match &self.on_event {
                Some(f) => Some(f.call::<Value>(event_to_lua(lua, &event)?)?),
                None => None,
            },
            SendUpdate::Permission(event) => return self.answer_permission(lua, event),
            SendUpdate::Finished(result) => {
                self.outcome = Some(match (result, self.refused.take()) {
                    (Ok(_), Some(request)) => Err(refused_error(&request)),
                    (result, _) => result,
                });
                None
            }
        };
        match called {
            Some(value) if is_failure(lua, &value) => {
                self.cancel("a callback raised an error");
                Ok(Err(CallbackFailed))
            }
            _ => Ok(Ok(())),
        }
    }

    fn answer_permission(&mut self, lua: &Lua, event: Event) -> Result<Result<(), CallbackFailed>, Failure> {
        let request_id = event
            .properties
            .get("id")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let reply = match &self.on_permission {
            None => {
                // Nobody to ask: refuse rather than leave the session waiting forever.
                self.refused = Some(event);
                PermissionReply::Reject
            }
            Some(f) => {
                let answer = f.call::<Value>(json_to_lua(lua, &event.properties)?)?;
                if is_failure(lua, &answer) {
                    self.cancel("a callback raised an error");
                    return Ok(Err(CallbackFailed));
                }
                match &answer {
                    Value::Nil => PermissionReply::Reject,
                    Value::String(s) => match PermissionReply::parse(&s.to_string_lossy()) {
                        Some(reply) => reply,
                        None => {
                            self.cancel("on_permission returned an unknown answer");
                            return Err(Failure::Misuse(format!(
                                "on_permission returned {:?} ('once', 'always', 'reject' or nil expected)",
                                s.to_string_lossy()
                            )));
                        }
                    },
                    other => {
                        self.cancel("on_permission returned an unknown answer");
                        return Err(Failure::Misuse(format!(
                            "on_permission returned a {} ('once', 'always', 'reject' or nil expected)",
                            lua_type_name(other)
                        )));
                    }
                }
            }
        };
        // A request answered meanwhile (from the TUI, say) is gone: nothing to do.
        let _ = self.client.reply_permission(&request_id, reply, None);
        Ok(Ok(()))
    }
}

fn is_failure(lua: &Lua, value: &Value) -> bool {
    match (value, lua.named_registry_value::<Table>(CALLBACK_FAILED)) {
        (Value::Table(t), Ok(failed)) => *t == failed,
        _ => false,
    }
}

fn refused_error(request: &Event) -> Error {
    let props = &request.properties;
    let permission = props
        .get("permission")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("a tool");
    let patterns = props
        .get("patterns")
        .and_then(serde_json::Value::as_array)
        .map(|p| {
            p.iter()
                .filter_map(serde_json::Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    Error::new(
        ErrorKind::Permission,
        None,
        format!("the AI asked for permission to use {permission} ({patterns}) and was refused: pass on_permission to answer such requests"),
    )
}
