//! The operations of opencode's HTTP API as data, and the one function that
//! turns an operation and its flat parameters into a request.
//!
//! The table itself ([`operations`]) is generated from the server's OpenAPI
//! spec (`spec/`, by `tests/operations_table.rs`); this module is the
//! hand-written half: what a row means, and the rules every operation shares.
//! No sockets here, so each rule can be tested on its own.
//!
//! Parameters are one flat JSON object with the spec's own names, path, query
//! and body fields alike, as opencode's JavaScript SDK takes them:
//! `{"sessionID": "ses_1", "limit": 10}`. An operation whose body is not an
//! object of named fields (a union of shapes, or an object whose fields share
//! a name with a path or query parameter) takes its whole body as `body`.

use serde_json::{Map, Value};

use super::encode_segment;

/// One operation of the API, as the spec describes it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's `operationId`, e.g. `session.messages`.
    pub id: &'static str,
    /// The id as a Lua method name: dots to `_`, camelCase to snake_case
    /// (`tui.showToast` is `tui_show_toast`).
    pub name: &'static str,
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The path template, e.g. `/session/{sessionID}/message`.
    pub path: &'static str,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// Every parameter, path first, then query, then body.
    pub params: &'static [Param],
    pub body: Body,
    pub response: Response,
    pub deprecated: bool,
    /// Whether one more try after a broken connection is harmless: only for
    /// reads (GET). Nothing that carries a prompt is ever retried.
    pub retry_safe: bool,
    pub timeout: Timeout,
}

/// One parameter of an operation.
#[derive(Debug)]
#[non_exhaustive]
pub struct Param {
    pub name: &'static str,
    pub place: Place,
    pub required: bool,
    /// The JSON types the spec allows; none when it allows anything (or
    /// something this table does not describe).
    pub types: Types,
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A `{name}` segment of the path (escaped). A template ending in `/*`
    /// takes the rest of the path from the parameter `path`, slashes kept.
    Path,
    /// The query string. Arrays repeat the name (`a=1&a=2`); objects are
    /// spelled `name[key]=value` (the spec's deepObject style).
    Query,
    /// A field of the JSON body object.
    Field,
    /// The whole JSON body (the parameter `body`).
    Body,
}

/// A set of [`Type`]s, as bits: the table holds no pointers it does not
/// need, so that loading the library has fewer addresses to fix up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Types(u8);

impl Types {
    /// Anything: the spec gives no simple type.
    pub const ANY: Types = Types(0);
    pub const STRING: Types = Types::of(Type::String);
    pub const NUMBER: Types = Types::of(Type::Number);
    pub const INTEGER: Types = Types::of(Type::Integer);
    pub const BOOLEAN: Types = Types::of(Type::Boolean);
    pub const ARRAY: Types = Types::of(Type::Array);
    pub const OBJECT: Types = Types::of(Type::Object);

    const fn of(t: Type) -> Types {
        Types(1 << t as u8)
    }

    /// Both sets.
    pub const fn or(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    pub fn contains(self, t: Type) -> bool {
        self.0 & Types::of(t).0 != 0
    }

    /// True for [`Types::ANY`].
    pub fn is_any(self) -> bool {
        self.0 == 0
    }

    /// The types in the set, in the order of [`Type`].
    pub fn iter(self) -> impl Iterator<Item = Type> {
        Type::ALL.into_iter().filter(move |t| self.contains(*t))
    }
}

impl std::fmt::Debug for Types {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The JSON types a parameter may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    String,
    /// Any number, integers included.
    Number,
    /// A number without a fraction.
    Integer,
    Boolean,
    Array,
    Object,
}

/// What an operation sends as its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    None,
    /// A JSON object made of the [`Place::Field`] parameters (`{}` when none is given).
    Fields,
    /// The [`Place::Body`] parameter, as given.
    Whole,
}

/// What an operation answers with, when it succeeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response {
    /// A JSON object or array.
    Json,
    /// A JSON `true` or `false`.
    Boolean,
    /// Nothing (204).
    NoContent,
    /// Server-sent events. `greets`: the stream opens with `server.connected`
    /// (the spec lists it among its events) and sends heartbeats, so opening
    /// waits for that greeting and silence means a dead connection. A stream
    /// that does not greet sends nothing, not even its headers, until its
    /// first event.
    EventStream { greets: bool },
    /// Text, such as a diff.
    Text,
    /// Bytes, such as a file.
    Binary,
}

/// Which bound of [`Config`](super::Config) limits the wait for the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// [`Config::timeout`](super::Config::timeout), like any call.
    Call,
    /// [`Config::send_timeout`](super::Config::send_timeout): the operation
    /// waits for the AI (a prompt, a command, a shell run), which can take minutes.
    Send,
}

/// The path, query and body of one request, made from an operation's parameters.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Parts {
    /// Relative to the server's base URL: no leading `/`, values escaped.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

/// Every operation of the spec, sorted by id.
///
/// ```
/// use opencode::client::operation::{Place, Timeout};
/// use opencode::client::{operations, Operation};
///
/// assert_eq!(operations().len(), 188);
/// let op = Operation::find("session.messages").unwrap();
/// assert_eq!((op.method, op.path, op.name), ("GET", "/session/{sessionID}/message", "session_messages"));
/// let limit = op.param("limit").unwrap();
/// assert_eq!((limit.place, limit.required), (Place::Query, false));
/// assert_eq!(Operation::find("session.prompt").unwrap().timeout, Timeout::Send);
/// ```
pub fn operations() -> &'static [Operation] {
    super::operations::OPERATIONS
}

impl Operation {
    /// The operation with this `operationId`.
    pub fn find(id: &str) -> Option<&'static Operation> {
        let all = operations();
        all.binary_search_by(|op| op.id.cmp(id)).ok().map(|i| &all[i])
    }

    /// The operation whose Lua name ([`Operation::name`]) this is.
    pub fn find_by_name(name: &str) -> Option<&'static Operation> {
        operations().iter().find(|op| op.name == name)
    }

    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The names of the parameters, for messages: `sessionID, limit, ...`.
    pub(crate) fn param_names(&self) -> String {
        let names: Vec<&str> = self.params.iter().map(|p| p.name).collect();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    }

    /// Splits flat parameters into path, query and body, checking each
    /// against the spec. The error says what is wrong, for a person.
    pub(crate) fn parts(&self, params: &Map<String, Value>) -> Result<Parts, String> {
        for (name, value) in params {
            let Some(param) = self.param(name) else {
                return Err(format!(
                    "unknown parameter '{}' (known: {})",
                    shorten(name),
                    self.param_names()
                ));
            };
            check_type(param, value)?;
        }
        for param in self.params.iter().filter(|p| p.required) {
            if params.get(param.name).is_none_or(Value::is_null) {
                return Err(format!("missing required parameter '{}'", param.name));
            }
        }
        let value = |param: &Param| params.get(param.name).filter(|v| !v.is_null());

        let path = fill_template(self.path, |name| {
            let param = self.params.iter().find(|p| p.place == Place::Path && p.name == name)?;
            value(param).map(|v| scalar_text(v).unwrap_or_default())
        })?;

        let mut query = Vec::new();
        for param in self.params.iter().filter(|p| p.place == Place::Query) {
            if let Some(value) = value(param) {
                push_query(&mut query, param.name, value);
            }
        }

        let body = match self.body {
            Body::None => None,
            Body::Whole => self
                .params
                .iter()
                .find(|p| p.place == Place::Body)
                .and_then(|p| value(p).map(|v| normalized(p, v))),
            Body::Fields => {
                let mut fields = Map::new();
                for param in self.params.iter().filter(|p| p.place == Place::Field) {
                    if let Some(value) = params.get(param.name) {
                        fields.insert(param.name.to_owned(), normalized(param, value));
                    }
                }
                Some(Value::Object(fields))
            }
        };
        Ok(Parts { path, query, body })
    }
}

/// Fills a path template's `{name}` segments (and a trailing `/*`, from
/// `path`) with escaped values. Returns the path relative to the base URL.
pub(crate) fn fill_template<F>(template: &str, mut value: F) -> Result<String, String>
where
    F: FnMut(&str) -> Option<String>,
{
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template.trim_start_matches('/');
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .ok_or_else(|| format!("unclosed '{{' in the path {template:?}"))?;
        let name = &rest[open + 1..close];
        let text = value(name).ok_or_else(|| format!("missing required parameter '{name}'"))?;
        if text.is_empty() {
            return Err(format!("parameter '{name}' is empty"));
        }
        out.push_str(&encode_segment(&text));
        rest = &rest[close + 1..];
    }
    if let Some(head) = rest.strip_suffix('*') {
        out.push_str(head);
        let text = value("path").ok_or_else(|| "missing required parameter 'path'".to_owned())?;
        let segments: Vec<String> = text.trim_start_matches('/').split('/').map(encode_segment).collect();
        out.push_str(&segments.join("/"));
    } else {
        out.push_str(rest);
    }
    Ok(out)
}

/// Adds one query parameter: arrays repeat the name, objects use `name[key]`.
pub(crate) fn push_query(query: &mut Vec<(String, String)>, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                push_query(query, name, item);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                push_query(query, &format!("{name}[{key}]"), item);
            }
        }
        scalar => query.push((name.to_owned(), scalar_text(scalar).unwrap_or_default())),
    }
}

/// How a string, number or boolean is written in a URL.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match integral(n) {
            Some(i) => i.to_string(),
            None => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number's integer value, when it has no fraction (Lua 5.1 has only doubles).
fn integral(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15)
            .map(|f| f as i64)
    })
}

/// The value as the server wants it: whole numbers where integers are
/// expected, `[]` for an empty Lua table where an array is expected.
fn normalized(param: &Param, value: &Value) -> Value {
    match value {
        Value::Number(n) if param.types.contains(Type::Integer) && !param.types.contains(Type::Number) => {
            integral(n).map(Value::from).unwrap_or_else(|| value.clone())
        }
        Value::Object(map)
            if map.is_empty() && param.types.contains(Type::Array) && !param.types.contains(Type::Object) =>
        {
            Value::Array(Vec::new())
        }
        _ => value.clone(),
    }
}

fn check_type(param: &Param, value: &Value) -> Result<(), String> {
    if param.types.is_any() || value.is_null() {
        return Ok(());
    }
    let fits = param.types.iter().any(|t| match (&t, value) {
        (Type::String, Value::String(_)) => true,
        (Type::Number, Value::Number(_)) => true,
        (Type::Integer, Value::Number(n)) => integral(n).is_some(),
        (Type::Boolean, Value::Bool(_)) => true,
        (Type::Array, Value::Array(_)) => true,
        // An empty Lua table cannot say whether it is a list.
        (Type::Array, Value::Object(map)) => map.is_empty(),
        (Type::Object, Value::Object(_)) => true,
        _ => false,
    });
    if fits {
        return Ok(());
    }
    let expected: Vec<&str> = param.types.iter().map(|t| t.as_str()).collect();
    Err(format!(
        "parameter '{}': {} expected, got {}",
        param.name,
        expected.join(" or "),
        json_type(value)
    ))
}

impl Type {
    const ALL: [Type; 6] = [
        Type::String,
        Type::Number,
        Type::Integer,
        Type::Boolean,
        Type::Array,
        Type::Object,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Number => "number",
            Type::Integer => "integer",
            Type::Boolean => "boolean",
            Type::Array => "array",
            Type::Object => "object",
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if integral(n).is_some() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A name as it may appear in a message: a 10 MB key is cut short.
pub(crate) fn shorten(name: &str) -> String {
    const LIMIT: usize = 60;
    if name.len() <= LIMIT {
        return name.to_owned();
    }
    let mut end = LIMIT;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &name[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parts(id: &str, params: Value) -> Result<Parts, String> {
        let Value::Object(map) = params else {
            panic!("params must be an object")
        };
        Operation::find(id).expect(id).parts(&map)
    }

    #[test]
    fn the_table_is_sorted_and_names_are_unique() {
        let all = operations();
        assert_eq!(all.len(), 188);
        assert!(all.windows(2).all(|w| w[0].id < w[1].id));
        let mut names: Vec<&str> = all.iter().map(|op| op.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        assert_eq!(Operation::find_by_name("tui_show_toast").unwrap().id, "tui.showToast");
        assert_eq!(Operation::find_by_name("vcs_diff_raw").unwrap().id, "vcs.diff.raw");
    }

    #[test]
    fn path_query_and_body_are_split_by_name() {
        let got = parts(
            "session.messages",
            json!({"sessionID": "ses 1/x", "limit": 10.0, "before": "msg_9"}),
        )
        .unwrap();
        assert_eq!(got.path, "session/ses%201%2Fx/message");
        assert_eq!(
            got.query,
            [("limit".into(), "10".into()), ("before".into(), "msg_9".into())]
        );
        assert_eq!(got.body, None);

        let got = parts("session.update", json!({"sessionID": "ses_1", "title": "renamed"})).unwrap();
        assert_eq!(got.path, "session/ses_1");
        assert_eq!(got.body, Some(json!({"title": "renamed"})));

        let got = parts("session.fork", json!({"sessionID": "ses_1"})).unwrap();
        assert_eq!(got.body, Some(json!({})), "a body of fields is always an object");
    }

    #[test]
    fn mistakes_are_named() {
        let err = parts("session.messages", json!({})).unwrap_err();
        assert_eq!(err, "missing required parameter 'sessionID'");
        let err = parts("session.messages", json!({"sessionID": "s", "limt": 1})).unwrap_err();
        assert!(err.starts_with("unknown parameter 'limt' (known: sessionID, "), "{err}");
        let err = parts("session.messages", json!({"sessionID": "s", "limit": "10"})).unwrap_err();
        assert_eq!(err, "parameter 'limit': integer expected, got string");
        let err = parts("session.messages", json!({"sessionID": "s", "limit": 1.5})).unwrap_err();
        assert_eq!(err, "parameter 'limit': integer expected, got number");
        let err = parts("session.get", json!({"sessionID": ""})).unwrap_err();
        assert_eq!(err, "parameter 'sessionID' is empty");
        let long = "x".repeat(10_000);
        let err = parts("session.list", json!({ long: 1 })).unwrap_err();
        assert!(err.len() < 300, "{err}");
    }

    #[test]
    fn query_arrays_repeat_and_objects_are_deep() {
        let mut query = Vec::new();
        push_query(&mut query, "location", &json!({"directory": "/p", "workspace": "w"}));
        push_query(&mut query, "a", &json!([1, true, "x"]));
        assert_eq!(
            query,
            [
                ("location[directory]".into(), "/p".into()),
                ("location[workspace]".into(), "w".into()),
                ("a".into(), "1".into()),
                ("a".into(), "true".into()),
                ("a".into(), "x".into()),
            ]
        );
    }

    #[test]
    fn a_trailing_star_takes_the_rest_of_the_path() {
        let got = parts("v2.fs.read", json!({"path": "src/a b.rs"})).unwrap();
        assert_eq!(got.path, "api/fs/read/src/a%20b.rs");
    }

    #[test]
    fn a_body_that_is_not_fields_is_passed_whole() {
        let op = Operation::find("worktree.remove").unwrap();
        assert_eq!(
            op.body,
            Body::Whole,
            "its body's `directory` would clash with the query's"
        );
        let got = parts(
            "worktree.remove",
            json!({"directory": "/p", "body": {"directory": "/p/wt"}}),
        )
        .unwrap();
        assert_eq!(got.query, [("directory".into(), "/p".into())]);
        assert_eq!(got.body, Some(json!({"directory": "/p/wt"})));
    }

    #[test]
    fn an_empty_table_is_an_empty_array_where_an_array_is_expected() {
        let got = parts("question.reply", json!({"requestID": "q", "answers": {}})).unwrap();
        assert_eq!(got.body, Some(json!({"answers": []})));
    }

    #[test]
    fn prompts_wait_like_send_and_only_reads_are_retried() {
        for id in [
            "session.prompt",
            "session.command",
            "session.shell",
            "v2.session.prompt",
            "v2.session.wait",
        ] {
            assert_eq!(Operation::find(id).unwrap().timeout, Timeout::Send, "{id}");
        }
        assert_eq!(Operation::find("session.messages").unwrap().timeout, Timeout::Call);
        for op in operations() {
            assert_eq!(
                op.retry_safe,
                op.method == "GET" && !matches!(op.response, Response::EventStream { .. }),
                "{}",
                op.id
            );
        }
    }
}
