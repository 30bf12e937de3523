//! Event streams and background sends, as Lua sees them.
//!
//! Work happens on the client's hub thread (see `client::hub`), but Lua is only
//! ever called here, on the thread that owns the Lua state: queued text,
//! events and permission requests are handed to the script's callbacks when
//! it calls `poll` or `wait`, in the order they happened.

use std::ffi::c_void;
use std::time::Duration;

use mlua::{Function, Lua, Table, UserData, UserDataFields, UserDataMethods, Value};

use super::args::{ArgError, Args, Options};
use super::client::client_arg;
use super::convert::{json_to_lua, lua_to_json, lua_type_name};
use super::options::{message_args, SEND_KEYS};
use super::returns::{raw, reply_to_lua, Failure, Raw};
use crate::client::interrupt::Probe;
use crate::client::{
    self, Error, ErrorKind, Event, EventOptions, EventStream, PermissionReply, RequestPolicy, SendHandle, SendUpdate,
};
use serde_json::Value as Json;

const STREAM_METHODS: &str = "opencode.stream.methods";
const STREAM_CALL: &str = "opencode.stream.call";
const HANDLE_METHODS: &str = "opencode.handle.methods";
/// What a callback wrapped by methods.lua returns when the script's function raised.
const CALLBACK_FAILED: &str = "opencode.callback_failed";

pub(super) fn install(lua: &Lua, core: &Table) -> mlua::Result<()> {
    core.set("events", raw(lua, events)?)
}

/// The raw functions behind the methods of streams and handles, and send_async:
/// made when methods.lua first runs, since only its methods call them.
pub(super) fn install_methods(lua: &Lua, core: &Table) -> mlua::Result<()> {
    core.set(
        "stream_next",
        raw(lua, |lua, args| {
            let timeout = args.seconds(2)?;
            let stream = stream_arg(args, 1)?;
            let interrupt = Interrupt::watch(lua);
            let next = in_slices(timeout, |slice| {
                let item = stream.stream.next(Some(slice));
                match item {
                    _ if interrupt.happened(lua) => Sliced::Done(None),
                    Some(item) => Sliced::Done(Some(item)),
                    None if stream.stream.is_closed() => Sliced::Done(None),
                    None => Sliced::Again,
                }
            })
            .flatten();
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

    Ok(())
}

/// Keeps methods.lua's tables for the streams and handles made from now on:
/// their methods, what `for event in stream` calls, and what a guarded
/// callback returns when the script's function raised.
pub(super) fn set_methods(lua: &Lua, stream: Table, call: Function, handle: Table, failed: Table) -> mlua::Result<()> {
    lua.set_named_registry_value(STREAM_METHODS, stream)?;
    lua.set_named_registry_value(STREAM_CALL, call)?;
    lua.set_named_registry_value(HANDLE_METHODS, handle)?;
    lua.set_named_registry_value(CALLBACK_FAILED, failed)
}

/// Ctrl-C in stock interpreters: on SIGINT, lua.c and luajit.c set a hook on
/// the state that raises "interrupted!" at the next Lua instruction, which
/// never comes while a call blocks. So blocking calls wait in slices and, when
/// a hook has appeared since they began, give up at once (aborting what they
/// waited for) and return, letting the interpreter raise its error.
pub(super) struct Interrupt {
    hook_at_start: Option<usize>,
}

/// How often a blocking call looks for an interrupt.
const SLICE: Duration = Duration::from_millis(50);
/// How long an interrupted send waits for the server to take its abort.
const INTERRUPT_ABORT_WAIT: Duration = Duration::from_millis(150);

impl Interrupt {
    pub(super) fn watch(lua: &Lua) -> Interrupt {
        Interrupt {
            hook_at_start: current_hook(lua),
        }
    }

    fn happened(&self, lua: &Lua) -> bool {
        let hook = current_hook(lua);
        hook.is_some() && hook != self.hook_at_start
    }

    /// The question the client asks while a plain call waits on the network
    /// (see crate::client::interrupt): the running Lua thread and its hook
    /// now, read once at the call's start; the hook is read again only while
    /// the call waits.
    pub(super) fn probe(lua: &Lua) -> Probe {
        let (state, hook) = lua.exec_raw_lua(|raw| {
            let state = raw.state();
            // SAFETY: as in current_hook.
            (state, unsafe { mlua::ffi::lua_gethook(state) })
        });
        // SAFETY: the probe is installed only while the raw function that
        // read `state` runs, so the Lua thread is alive, blocked in that call,
        // and owned by this thread.
        unsafe { Probe::new(hook_appeared, state.cast(), hook.map_or(0, |f| f as usize)) }
    }
}

/// Whether the Lua thread `state` has a hook other than `hook_at_start` (an
/// address, 0 for none): [`Interrupt::happened`] without the `Lua` handle.
fn hook_appeared(state: *mut c_void, hook_at_start: usize) -> bool {
    // SAFETY: only called through the probe Interrupt::probe made, whose
    // contract keeps `state` alive and on this thread.
    let hook = unsafe { mlua::ffi::lua_gethook(state.cast()) }.map_or(0, |f| f as usize);
    hook != 0 && hook != hook_at_start
}

/// The debug hook of the running Lua thread, as an address. Read without
/// calling into Lua: a call would run the hook, which clears itself.
fn current_hook(lua: &Lua) -> Option<usize> {
    // SAFETY: lua_gethook only reads a field of the running state, on the
    // thread that owns it.
    lua.exec_raw_lua(|raw| unsafe { mlua::ffi::lua_gethook(raw.state()) })
        .map(|f| f as usize)
}

/// One slice of a wait: done with a result, or wait another slice.
enum Sliced<T> {
    Done(T),
    Again,
}

/// Calls `step` with slices of at most [`SLICE`] until it is done or
/// `timeout` (`None`: no limit) has passed; `None` when the time ran out.
fn in_slices<T>(timeout: Option<Duration>, mut step: impl FnMut(Duration) -> Sliced<T>) -> Option<T> {
    let deadline = timeout.map(|t| std::time::Instant::now() + t);
    loop {
        let left = deadline.map(|d| d.saturating_duration_since(std::time::Instant::now()));
        let slice = left.map_or(SLICE, |left| left.min(SLICE));
        if let Sliced::Done(value) = step(slice) {
            return Some(value);
        }
        if left.is_some_and(|left| left <= slice) {
            return None;
        }
    }
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
    on_text: Option<Function>,
    on_event: Option<Function>,
    on_permission: Option<Function>,
    on_question: Option<Function>,
    /// The final result, kept so that later polls return it again.
    outcome: Option<Result<client::Reply, Error>>,
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

/// Who answers one kind of request, as `on_permission` / `on_question` say
/// (on a send, or as the client's default): a function, or "leave".
pub(super) enum Handler {
    Function(Function),
    Leave,
}

pub(super) fn handler(options: &Options, name: &str) -> Result<Option<Handler>, Failure> {
    match options.value(name) {
        Value::Nil => Ok(None),
        Value::Function(f) => Ok(Some(Handler::Function(f))),
        Value::String(s) if s.to_string_lossy() == "leave" => Ok(Some(Handler::Leave)),
        other => Err(options
            .named_error(
                name,
                format!("function or \"leave\" expected, got {}", describe_value(&other)),
            )
            .into()),
    }
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{:?}", s.to_string_lossy()),
        other => lua_type_name(other).to_owned(),
    }
}

/// Reads a client's defaults (`on_permission`, `on_question` of connect and
/// serve) into `config`; returns the functions, to keep in the client's user value.
pub(super) fn client_handlers(lua: &Lua, options: &Options, config: &mut client::Config) -> Result<Table, Failure> {
    let functions = lua.create_table()?;
    for name in ["on_permission", "on_question"] {
        let policy = match handler(options, name)? {
            None => RequestPolicy::Refuse,
            Some(Handler::Leave) => RequestPolicy::Leave,
            Some(Handler::Function(f)) => {
                functions.raw_set(name, f)?;
                RequestPolicy::HandOver
            }
        };
        match name {
            "on_permission" => config.permissions = policy,
            _ => config.questions = policy,
        }
    }
    Ok(functions)
}

/// The policy and the function of one kind of request for a send: the send's
/// own handler, else the client's default function, else the client's policy.
fn resolve(own: Option<Handler>, default: Option<Function>) -> (Option<RequestPolicy>, Option<Function>) {
    match (own, default) {
        (Some(Handler::Function(f)), _) => (Some(RequestPolicy::HandOver), Some(f)),
        (Some(Handler::Leave), _) => (Some(RequestPolicy::Leave), None),
        (None, Some(f)) => (Some(RequestPolicy::HandOver), Some(f)),
        (None, None) => (None, None),
    }
}

/// The client's default handler functions, kept in its user value (where the
/// garbage collector sees them, so a handler may refer to its client).
fn default_handler(args: &Args, name: &str) -> Option<Function> {
    let Value::UserData(ud) = args.get(1) else { return None };
    let defaults = ud.user_value::<Option<Table>>().ok().flatten()?;
    defaults.raw_get::<Option<Function>>(name).ok().flatten()
}

fn send_async(lua: &Lua, args: &Args) -> Raw {
    let keys: Vec<&str> = SEND_KEYS
        .iter()
        .copied()
        .chain(["on_text", "on_event", "on_permission", "on_question"])
        .collect();
    let (client, session_id, prompt, mut send_options, options) = message_args(lua, args, &keys)?;
    let on_text = callback(&options, "on_text")?;
    let on_event = callback(&options, "on_event")?;
    let (permissions, on_permission) = resolve(
        handler(&options, "on_permission")?,
        default_handler(args, "on_permission"),
    );
    let (questions, on_question) = resolve(handler(&options, "on_question")?, default_handler(args, "on_question"));
    send_options.permissions = permissions;
    send_options.questions = questions;
    let handle = client.send_async(&session_id, prompt, &send_options)?;
    let handle = LuaHandle {
        handle,
        on_text,
        on_event,
        on_permission,
        on_question,
        outcome: None,
    };
    Ok(Value::UserData(lua.create_userdata(handle)?))
}

/// The script's callback raised: methods.lua holds its error and re-raises it.
struct CallbackFailed;

type Dispatched = Result<Result<(), CallbackFailed>, Failure>;

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
        let interrupt = Interrupt::watch(lua);
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        while self.outcome.is_none() {
            let left = deadline.map(|d| d.saturating_duration_since(std::time::Instant::now()));
            let next = in_slices(left, |slice| {
                let update = self.handle.next(Some(slice));
                match update {
                    _ if interrupt.happened(lua) => Sliced::Done(None),
                    Some(update) => Sliced::Done(Some(update)),
                    None => Sliced::Again,
                }
            });
            let update = match next {
                Some(Some(update)) => update,
                Some(None) => {
                    // The interpreter raises "interrupted!" at its next
                    // instruction, and usually exits: abort now, briefly. Then
                    // return a bare nil: making anything more calls into Lua,
                    // where the hook would fire and its error could be lost.
                    self.handle.cancel_within(INTERRUPT_ABORT_WAIT);
                    self.outcome = Some(Err(Error::new(ErrorKind::Closed, None, "interrupted")));
                    return Ok(Value::Nil);
                }
                None => {
                    let waited = timeout.unwrap_or_default().as_secs_f64();
                    let message =
                        format!("the reply was not complete within {waited}s (the send goes on; wait again or cancel)");
                    return Err(Failure::Call(Error::new(ErrorKind::Timeout, None, message)));
                }
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
        if self.outcome.is_none() {
            self.handle.cancel();
            self.outcome = Some(Err(Error::new(ErrorKind::Closed, None, why)));
        }
    }

    /// Hands one update to the script. `Err(CallbackFailed)` when a callback
    /// raised: the generation has then been aborted and the handle is done.
    fn dispatch(&mut self, lua: &Lua, update: SendUpdate) -> Dispatched {
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
            SendUpdate::Question(event) => return self.answer_question(lua, event),
            SendUpdate::Finished(result) => {
                self.outcome = Some(result);
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

    /// Calls `handler` with a request; `Ok(None)` when it raised (the handle is then done).
    fn ask(&mut self, lua: &Lua, handler: Option<Function>, event: &Event) -> Result<Option<Value>, Failure> {
        let Some(f) = handler else {
            return Ok(Some(Value::Nil));
        };
        let answer = f.call::<Value>(json_to_lua(lua, &event.properties)?)?;
        if is_failure(lua, &answer) {
            self.cancel("a callback raised an error");
            return Ok(None);
        }
        Ok(Some(answer))
    }

    fn misuse(&mut self, detail: String) -> Dispatched {
        self.cancel("a callback returned an unknown answer");
        Err(Failure::Misuse(detail))
    }

    fn answer_permission(&mut self, lua: &Lua, event: Event) -> Dispatched {
        let id = event
            .properties
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(answer) = self.ask(lua, self.on_permission.clone(), &event)? else {
            return Ok(Err(CallbackFailed));
        };
        let reply = match &answer {
            Value::Nil => PermissionReply::Reject,
            Value::String(s) => match PermissionReply::parse(&s.to_string_lossy()) {
                Some(reply) => reply,
                None => {
                    return self.misuse(format!(
                        "on_permission returned {:?} ('once', 'always', 'reject' or nil expected)",
                        s.to_string_lossy()
                    ))
                }
            },
            other => {
                return self.misuse(format!(
                    "on_permission returned a {} ('once', 'always', 'reject' or nil expected)",
                    lua_type_name(other)
                ))
            }
        };
        self.handle.answer_permission(&id, reply);
        Ok(Ok(()))
    }

    fn answer_question(&mut self, lua: &Lua, event: Event) -> Dispatched {
        let id = event
            .properties
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(answer) = self.ask(lua, self.on_question.clone(), &event)? else {
            return Ok(Err(CallbackFailed));
        };
        let expected = "a list with one list of chosen labels per question, or nil";
        let answers = match &answer {
            Value::Nil => None,
            Value::Table(_) => match lua_to_json(lua, &answer) {
                Ok(Json::Array(list)) => {
                    let mut answers = Vec::with_capacity(list.len());
                    for chosen in list {
                        let labels = match chosen {
                            Json::Array(labels) if labels.iter().all(Json::is_string) => labels
                                .into_iter()
                                .filter_map(|l| l.as_str().map(str::to_owned))
                                .collect(),
                            Json::String(label) => vec![label],
                            _ => return self.misuse(format!("on_question returned a table that is not {expected}")),
                        };
                        answers.push(labels);
                    }
                    Some(answers)
                }
                _ => return self.misuse(format!("on_question returned a table that is not {expected}")),
            },
            other => {
                return self.misuse(format!(
                    "on_question returned a {} ({expected} expected)",
                    lua_type_name(other)
                ))
            }
        };
        self.handle.answer_question(&id, answers);
        Ok(Ok(()))
    }
}

fn is_failure(lua: &Lua, value: &Value) -> bool {
    match (value, lua.named_registry_value::<Table>(CALLBACK_FAILED)) {
        (Value::Table(t), Ok(failed)) => *t == failed,
        _ => false,
    }
}
