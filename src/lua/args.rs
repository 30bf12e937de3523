//! Checking what a Lua caller passed.
//!
//! A caller's mistake is reported as an [`ArgError`] (position and detail);
//! src/lua/checked.rs turns it into the familiar
//! `bad argument #2 to 'send' (string expected, got nil)` raised at the
//! caller's line.

use std::time::Duration;

use mlua::{MultiValue, Table, Value};

use super::convert::lua_type_name;
use crate::client::operation::shorten;

/// A mistake in the argument at `position` (1-based, counting every Lua argument).
#[derive(Debug)]
pub(crate) struct ArgError {
    pub position: usize,
    pub detail: String,
}

pub(crate) type ArgResult<T> = Result<T, ArgError>;

/// The arguments of one call, read by position.
pub(crate) struct Args {
    values: Vec<Value>,
}

impl Args {
    pub(crate) fn new(values: MultiValue) -> Self {
        Args {
            values: values.into_vec(),
        }
    }

    pub(crate) fn get(&self, position: usize) -> &Value {
        self.values.get(position - 1).unwrap_or(&Value::Nil)
    }

    /// The type name as stock Lua prints it, with "no value" past the last argument.
    fn got(&self, position: usize) -> &'static str {
        if position > self.values.len() {
            "no value"
        } else {
            lua_type_name(self.get(position))
        }
    }

    pub(crate) fn error(&self, position: usize, detail: impl Into<String>) -> ArgError {
        ArgError {
            position,
            detail: detail.into(),
        }
    }

    pub(crate) fn expected(&self, position: usize, what: &str) -> ArgError {
        self.error(position, format!("{what} expected, got {}", self.got(position)))
    }

    pub(crate) fn string(&self, position: usize) -> ArgResult<String> {
        match self.get(position) {
            Value::String(s) => s
                .to_str()
                .map(|s| s.to_owned())
                .map_err(|_| self.error(position, "string is not valid UTF-8")),
            _ => Err(self.expected(position, "string")),
        }
    }

    pub(crate) fn opt_table(&self, position: usize) -> ArgResult<Option<Table>> {
        match self.get(position) {
            Value::Nil => Ok(None),
            Value::Table(t) => Ok(Some(t.clone())),
            _ => Err(self.expected(position, "table or nil")),
        }
    }

    /// A session id, or a session table (as `new_session` returns) in its place.
    pub(crate) fn session_id(&self, position: usize) -> ArgResult<String> {
        match self.get(position) {
            value @ (Value::String(_) | Value::Table(_)) => session_ref(value).map_err(|d| self.error(position, d)),
            _ => Err(self.expected(position, SESSION_EXPECTED)),
        }
    }

    /// A number of seconds, or nil (see [`seconds`]).
    pub(crate) fn seconds(&self, position: usize) -> ArgResult<Option<Duration>> {
        match self.get(position) {
            value @ (Value::Nil | Value::Integer(_) | Value::Number(_)) => {
                seconds(value).map_err(|d| self.error(position, d))
            }
            _ => Err(self.expected(position, "number of seconds or nil")),
        }
    }
}

const SESSION_EXPECTED: &str = "session id (string or session table)";

/// The one rule for whatever names a session (an argument, an option, a
/// `sessionID` parameter): its id, or a session table (anything with a
/// non-empty string `id`) in its place.
pub(crate) fn session_ref(value: &Value) -> Result<String, String> {
    let id = match value {
        Value::String(s) => s.clone(),
        Value::Table(t) => match t.get::<Value>("id") {
            Ok(Value::String(s)) if !s.as_bytes().is_empty() => s,
            _ => return Err("session table has no string 'id'".into()),
        },
        other => return Err(format!("{SESSION_EXPECTED} expected, got {}", lua_type_name(other))),
    };
    match id.to_str() {
        Ok(id) if id.is_empty() => Err("session id is empty".into()),
        Ok(id) => Ok(id.to_owned()),
        Err(_) => Err("session id is not valid UTF-8".into()),
    }
}

/// The one rule for durations: a number of seconds, fractions allowed,
/// finite and not negative. 0 means no waiting at all. Nil: none given.
pub(crate) fn seconds(value: &Value) -> Result<Option<Duration>, String> {
    let seconds = match value {
        Value::Nil => return Ok(None),
        Value::Integer(i) => *i as f64,
        Value::Number(n) => *n,
        other => return Err(format!("number of seconds expected, got {}", lua_type_name(other))),
    };
    if !(0.0..1e9).contains(&seconds) {
        return Err(format!("seconds must be a finite number, 0 or more, got {seconds}"));
    }
    Ok(Some(Duration::from_secs_f64(seconds)))
}

/// The fields of an option table, each read once, with unknown keys refused
/// so that a typo (`pasword = ...`) is reported instead of silently ignored.
pub(crate) struct Options<'a> {
    table: Option<Table>,
    position: usize,
    known: &'a [&'a str],
}

impl<'a> Options<'a> {
    pub(crate) fn new(table: Option<Table>, position: usize, known: &'a [&'a str]) -> ArgResult<Self> {
        let options = Options { table, position, known };
        options.check_keys()?;
        Ok(options)
    }

    fn check_keys(&self) -> ArgResult<()> {
        let Some(table) = &self.table else { return Ok(()) };
        for pair in table.pairs::<Value, Value>() {
            let (key, _) = pair.map_err(|e| self.error(e.to_string()))?;
            match &key {
                Value::String(name) if self.known.iter().any(|k| name.as_bytes() == k.as_bytes()) => {}
                Value::String(name) => {
                    return Err(self.error(format!(
                        "unknown option '{}' (known: {})",
                        shorten(&name.to_string_lossy()),
                        self.known.join(", ")
                    )))
                }
                other => {
                    return Err(self.error(format!("option names are strings, got a {} key", lua_type_name(other))))
                }
            }
        }
        Ok(())
    }

    fn error(&self, detail: String) -> ArgError {
        ArgError {
            position: self.position,
            detail,
        }
    }

    pub(crate) fn value(&self, name: &str) -> Value {
        debug_assert!(self.known.contains(&name), "option {name} not declared");
        match &self.table {
            Some(table) => table.raw_get(name).unwrap_or(Value::Nil),
            None => Value::Nil,
        }
    }

    fn type_error(&self, name: &str, expected: &str, got: &Value) -> ArgError {
        self.error(format!(
            "option '{name}': {expected} expected, got {}",
            lua_type_name(got)
        ))
    }

    pub(crate) fn string(&self, name: &str) -> ArgResult<Option<String>> {
        match self.value(name) {
            Value::Nil => Ok(None),
            Value::String(s) => s
                .to_str()
                .map(|s| Some(s.to_owned()))
                .map_err(|_| self.error(format!("option '{name}': string is not valid UTF-8"))),
            other => Err(self.type_error(name, "string", &other)),
        }
    }

    pub(crate) fn boolean(&self, name: &str) -> ArgResult<Option<bool>> {
        match self.value(name) {
            Value::Nil => Ok(None),
            Value::Boolean(b) => Ok(Some(b)),
            other => Err(self.type_error(name, "boolean", &other)),
        }
    }

    /// A duration in seconds (see [`seconds`]).
    pub(crate) fn seconds(&self, name: &str) -> ArgResult<Option<Duration>> {
        seconds(&self.value(name)).map_err(|detail| self.named_error(name, detail))
    }

    /// A session id or session table (see [`session_ref`]).
    pub(crate) fn session(&self, name: &str) -> ArgResult<Option<String>> {
        match self.value(name) {
            Value::Nil => Ok(None),
            value => session_ref(&value)
                .map(Some)
                .map_err(|detail| self.named_error(name, detail)),
        }
    }

    /// A size in bytes: a positive whole number.
    pub(crate) fn bytes(&self, name: &str) -> ArgResult<Option<usize>> {
        let bytes = match self.value(name) {
            Value::Nil => return Ok(None),
            Value::Integer(i) => i as f64,
            // Lua 5.1 and LuaJIT have no integers; 5.3+ gives floats for 1e9.
            Value::Number(n) => n,
            other => return Err(self.type_error(name, "number of bytes", &other)),
        };
        if !(bytes >= 1.0 && bytes.fract() == 0.0 && bytes <= usize::MAX as f64) {
            return Err(self.error(format!(
                "option '{name}': bytes must be a positive whole number, got {bytes}"
            )));
        }
        Ok(Some(bytes as usize))
    }

    pub(crate) fn table(&self, name: &str) -> ArgResult<Option<Table>> {
        match self.value(name) {
            Value::Nil => Ok(None),
            Value::Table(t) => Ok(Some(t)),
            other => Err(self.type_error(name, "table", &other)),
        }
    }

    pub(crate) fn named_error(&self, name: &str, detail: impl std::fmt::Display) -> ArgError {
        self.error(format!("option '{name}': {detail}"))
    }
}
