//! The generator of the operation table, and the test that keeps it honest.
//!
//! From `spec/opencode-1.18.33-openapi.json` it writes three things, all
//! checked in: the table the client runs on (`src/client/operations.rs`), the
//! LuaLS types of the generated methods (a marked section of
//! `types/opencode.lua`) and the reference page (`docs/operations.md`). The
//! test fails when any of them differs from what the spec gives; run
//! `tools/gen-operations.sh` (this test with `OPENCODE_REGENERATE=1`) to
//! write them anew.
//!
//! The rules that are policy rather than spec live here, once: which
//! operations wait like `send`, what is retried, how ids become Lua names.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

const SPEC: &str = "spec/opencode-1.18.33-openapi.json";
const TABLE: &str = "src/client/operations.rs";
const TYPES: &str = "types/opencode.lua";
const DOCS: &str = "docs/operations.md";
const TYPES_BEGIN: &str = "-- BEGIN GENERATED OPERATIONS";
const TYPES_END: &str = "-- END GENERATED OPERATIONS";

/// Operations that wait for the AI (a prompt, a command, a shell run): bounded
/// by `send_timeout`, like `client:send`. Everything else is bounded by `timeout`.
const WAIT_LIKE_SEND: &[&str] = &[
    "session.prompt",
    "session.command",
    "session.shell",
    "v2.session.prompt",
    "v2.session.wait",
];

/// Lua methods written by hand whose names the rule also gives an operation:
/// the hand-written one keeps the name; the operation stays reachable with
/// `client:call(operationId, params)`.
const FRIENDLY: &[&str] = &[
    "health",
    "sessions",
    "session",
    "new_session",
    "send",
    "send_async",
    "prompt_async",
    "delete",
    "abort",
    "events",
    "reply_permission",
    "tui_append_prompt",
    "tui_submit_prompt",
    "tui_clear_prompt",
    "tui_show_toast",
    "url",
    "close",
    "server",
    "call",
    "request",
];

#[derive(Debug)]
struct Op {
    id: String,
    name: String,
    method: String,
    path: String,
    summary: String,
    params: Vec<Param>,
    body: &'static str,
    response: Response,
    deprecated: bool,
    timeout: &'static str,
}

#[derive(Debug)]
struct Param {
    name: String,
    place: &'static str,
    required: bool,
    types: Vec<&'static str>,
    description: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Response {
    Json,
    Boolean,
    NoContent,
    EventStream { greets: bool },
    Text,
    Binary,
}

impl Op {
    fn retry_safe(&self) -> bool {
        self.method == "GET" && !matches!(self.response, Response::EventStream { .. })
    }

    /// The Lua method, unless a hand-written one has its name.
    fn has_method(&self) -> bool {
        !FRIENDLY.contains(&self.name.as_str())
    }
}

/// `session.messages` -> `session_messages`, `tui.showToast` -> `tui_show_toast`.
fn lua_name(id: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for ch in id.chars() {
        match ch {
            '.' => out.push('_'),
            c if c.is_ascii_uppercase() => {
                if previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            }
            c => out.push(c),
        }
        previous = Some(ch);
    }
    out
}

struct Spec {
    root: Value,
}

impl Spec {
    fn load() -> Spec {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SPEC);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        Spec {
            root: serde_json::from_str(&text).expect("the spec is JSON"),
        }
    }

    /// A schema with `$ref`s followed.
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap();
            schema = &self.root["components"]["schemas"][name];
        }
        schema
    }

    /// The JSON types a schema allows; empty for anything.
    fn types(&self, schema: &Value) -> Vec<&'static str> {
        let mut found = BTreeSet::new();
        if !self.collect_types(schema, &mut found, 0) {
            return Vec::new();
        }
        if found.contains("number") {
            found.remove("integer");
        }
        let order = ["string", "number", "integer", "boolean", "array", "object"];
        order.into_iter().filter(|t| found.contains(t)).collect()
    }

    /// False when the schema allows anything.
    fn collect_types(&self, schema: &Value, found: &mut BTreeSet<&'static str>, depth: usize) -> bool {
        let schema = self.resolve(schema);
        let simple = |name: &str| -> Option<&'static str> {
            ["string", "number", "integer", "boolean", "array", "object"]
                .into_iter()
                .find(|t| *t == name)
        };
        if let Some(t) = schema.get("type") {
            let names: Vec<&str> = match t {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            for name in names {
                if let Some(t) = simple(name) {
                    found.insert(t);
                } else if name != "null" {
                    return false;
                }
            }
            return true;
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                if depth > 20 {
                    return false;
                }
                return branches.iter().all(|b| self.collect_types(b, found, depth + 1));
            }
        }
        let constant = schema
            .get("const")
            .or_else(|| schema.get("enum").and_then(|e| e.get(0)));
        match constant {
            Some(Value::String(_)) => found.insert("string"),
            Some(Value::Bool(_)) => found.insert("boolean"),
            Some(Value::Number(_)) => found.insert("number"),
            Some(Value::Null) => true,
            _ => return false,
        };
        true
    }

    /// Whether a schema (or any it refers to) lists the event `server.connected`.
    fn mentions_greeting(&self, schema: &Value, seen: &mut BTreeSet<String>) -> bool {
        match schema {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if !seen.insert(reference.to_owned()) {
                        return false;
                    }
                    return self.mentions_greeting(self.resolve(schema), seen);
                }
                let greeting = Value::String("server.connected".into());
                if let Some(t) = map.get("properties").and_then(|p| p.get("type")) {
                    let listed = t.get("const") == Some(&greeting)
                        || t.get("enum")
                            .and_then(Value::as_array)
                            .is_some_and(|e| e.contains(&greeting));
                    if listed {
                        return true;
                    }
                }
                map.values().any(|v| self.mentions_greeting(v, seen))
            }
            Value::Array(items) => items.iter().any(|v| self.mentions_greeting(v, seen)),
            _ => false,
        }
    }

    fn operations(&self) -> Vec<Op> {
        let mut ops = Vec::new();
        for (path, item) in self.root["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                ops.push(self.operation(path, &method.to_ascii_uppercase(), op));
            }
        }
        ops.sort_by(|a, b| a.id.cmp(&b.id));
        ops
    }

    fn operation(&self, path: &str, method: &str, op: &Value) -> Op {
        let id = op["operationId"].as_str().expect("operationId").to_owned();
        let mut params = Vec::new();
        for param in op["parameters"].as_array().into_iter().flatten() {
            let place = match param["in"].as_str() {
                Some("path") => "Path",
                Some("query") => "Query",
                other => panic!("{id}: parameters in {other:?} are not supported"),
            };
            params.push(Param {
                name: param["name"].as_str().expect("parameter name").to_owned(),
                place,
                required: param["required"].as_bool().unwrap_or(false) || place == "Path",
                types: self.types(&param["schema"]),
                description: one_line(
                    param["description"]
                        .as_str()
                        .or_else(|| param["schema"]["description"].as_str())
                        .unwrap_or(""),
                ),
            });
        }
        if path.ends_with("/*") {
            assert!(params.iter().all(|p| p.name != "path"), "{id}: `path` is taken");
            params.push(Param {
                name: "path".into(),
                place: "Path",
                required: true,
                types: vec!["string"],
                description: "the rest of the path (slashes kept)".into(),
            });
        }
        // Path parameters first, in the order the template names them.
        params.sort_by_key(|p| match p.place {
            "Path" => path.find(&format!("{{{}}}", p.name)).unwrap_or(usize::MAX),
            _ => usize::MAX,
        });
        let body = self.body(&id, op, &mut params);
        Op {
            name: lua_name(&id),
            method: method.to_owned(),
            path: path.to_owned(),
            summary: one_line(
                op["summary"]
                    .as_str()
                    .or_else(|| op["description"].as_str())
                    .unwrap_or(""),
            ),
            params,
            body,
            response: self.response(&id, op),
            deprecated: op["deprecated"].as_bool().unwrap_or(false),
            timeout: if WAIT_LIKE_SEND.contains(&id.as_str()) {
                "Send"
            } else {
                "Call"
            },
            id,
        }
    }

    /// Adds the body's parameters: its fields when it is an object of named
    /// fields none of which is also a path or query parameter; else `body`.
    fn body(&self, id: &str, op: &Value, params: &mut Vec<Param>) -> &'static str {
        let Some(request) = op.get("requestBody") else {
            return "None";
        };
        let content = request["content"].as_object().expect("requestBody content");
        let schema = content
            .get("application/json")
            .unwrap_or_else(|| panic!("{id}: only JSON bodies are supported"))
            .get("schema")
            .unwrap_or(&Value::Null);
        let resolved = self.resolve(schema);
        let fields = resolved["properties"].as_object().filter(|p| !p.is_empty());
        let clash = |fields: &serde_json::Map<String, Value>| {
            fields
                .keys()
                .any(|name| name == "body" || params.iter().any(|p| &p.name == name))
        };
        match fields {
            Some(fields) if resolved["type"] == "object" && !clash(fields) => {
                let required: Vec<&str> = resolved["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut names: Vec<&String> = fields.keys().collect();
                // Required fields first (in the spec's order), then the rest by name.
                names.sort_by_key(|name| (required.iter().position(|r| r == name).unwrap_or(usize::MAX), *name));
                for name in names {
                    let schema = &fields[name];
                    params.push(Param {
                        name: name.clone(),
                        place: "Field",
                        required: required.contains(&name.as_str()),
                        types: self.types(schema),
                        description: one_line(self.resolve(schema)["description"].as_str().unwrap_or("")),
                    });
                }
                "Fields"
            }
            _ => {
                params.push(Param {
                    name: "body".into(),
                    place: "Body",
                    required: request["required"].as_bool().unwrap_or(false),
                    types: self.types(schema),
                    description: "the whole request body".into(),
                });
                "Whole"
            }
        }
    }

    fn response(&self, id: &str, op: &Value) -> Response {
        let responses = op["responses"].as_object().expect("responses");
        let success: Vec<&Value> = responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .map(|(_, r)| r)
            .collect();
        assert_eq!(success.len(), 1, "{id}: one success response expected");
        let Some(content) = success[0].get("content").and_then(Value::as_object) else {
            return Response::NoContent;
        };
        let (media, body) = content.iter().next().expect("a media type");
        let schema = &body["schema"];
        if media == "text/event-stream" {
            return Response::EventStream {
                greets: self.mentions_greeting(schema, &mut BTreeSet::new()),
            };
        }
        if media == "application/json" {
            return if self.resolve(schema)["type"] == "boolean" {
                Response::Boolean
            } else {
                Response::Json
            };
        }
        if media.starts_with("text/") {
            return Response::Text;
        }
        Response::Binary
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// src/client/operations.rs

fn table_source(ops: &[Op]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "//! Every operation of opencode's HTTP API, generated from `{SPEC}` by\n\
         //! `tests/operations_table.rs` (run `tools/gen-operations.sh`); do not edit.\n\
         //! What each field means is in `operation.rs`.\n\n\
         use super::operation::{{Body, Operation, Param, Place, Response, Timeout, Types}};\n\n\
         /// Sorted by id, for binary search.\n\
         #[rustfmt::skip]\n\
         pub(crate) static OPERATIONS: &[Operation] = &[\n"
    ));
    for op in ops {
        let _ = writeln!(out, "    Operation {{");
        let _ = writeln!(out, "        id: {:?},", op.id);
        let _ = writeln!(out, "        name: {:?},", op.name);
        let _ = writeln!(out, "        method: {:?},", op.method);
        let _ = writeln!(out, "        path: {:?},", op.path);
        let _ = writeln!(out, "        summary: {:?},", op.summary);
        if op.params.is_empty() {
            let _ = writeln!(out, "        params: &[],");
        } else {
            let _ = writeln!(out, "        params: &[");
            for p in &op.params {
                let types = match p.types.split_first() {
                    None => "Types::ANY".to_owned(),
                    Some((first, rest)) => rest.iter().fold(format!("Types::{}", rust_type(first)), |all, t| {
                        format!("{all}.or(Types::{})", rust_type(t))
                    }),
                };
                let _ = writeln!(
                    out,
                    "            Param {{ name: {:?}, place: Place::{}, required: {}, types: {types} }},",
                    p.name, p.place, p.required
                );
            }
            let _ = writeln!(out, "        ],");
        }
        let _ = writeln!(out, "        body: Body::{},", op.body);
        let response = match op.response {
            Response::Json => "Json".to_owned(),
            Response::Boolean => "Boolean".to_owned(),
            Response::NoContent => "NoContent".to_owned(),
            Response::EventStream { greets } => format!("EventStream {{ greets: {greets} }}"),
            Response::Text => "Text".to_owned(),
            Response::Binary => "Binary".to_owned(),
        };
        let _ = writeln!(out, "        response: Response::{response},");
        let _ = writeln!(out, "        deprecated: {},", op.deprecated);
        let _ = writeln!(out, "        retry_safe: {},", op.retry_safe());
        let _ = writeln!(out, "        timeout: Timeout::{},", op.timeout);
        let _ = writeln!(out, "    }},");
    }
    out.push_str("];\n");
    out
}

fn rust_type(t: &str) -> &'static str {
    match t {
        "string" => "STRING",
        "number" => "NUMBER",
        "integer" => "INTEGER",
        "boolean" => "BOOLEAN",
        "array" => "ARRAY",
        "object" => "OBJECT",
        other => panic!("unknown type {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// types/opencode.lua

/// `session_messages` -> `opencode.SessionMessagesParams`.
fn params_class(op: &Op) -> String {
    let camel: String = op
        .name
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    format!("opencode.{camel}Params")
}

fn lua_type(param: &Param) -> String {
    if param.name == "sessionID" {
        return "opencode.SessionRef".into();
    }
    if param.types.is_empty() {
        return "any".into();
    }
    let names: Vec<&str> = param
        .types
        .iter()
        .map(|t| match *t {
            "array" => "any[]",
            "object" => "table",
            other => other,
        })
        .collect();
    names.join("|")
}

fn lua_result(op: &Op) -> (&'static str, &'static str) {
    match op.response {
        Response::Json => ("table", "result the server's JSON answer"),
        Response::Boolean => ("boolean", "result the server's answer"),
        Response::NoContent => ("true", "ok"),
        Response::EventStream { .. } => ("opencode.Stream", "stream"),
        Response::Text | Response::Binary => ("string", "body"),
    }
}

fn request_line(op: &Op) -> String {
    let mut notes = Vec::new();
    if op.timeout == "Send" {
        notes.push("waits for the AI: bounded by `send_timeout`, like `send`".to_owned());
    }
    if let Response::EventStream { greets } = op.response {
        notes.push(if greets {
            "an event stream, like `client:events()`".to_owned()
        } else {
            "an event stream, like `client:events()`; it opens in the background (the server is silent until its first event) and a failure to open comes from `next`".to_owned()
        });
    }
    let mut line = format!("`{} {}`", op.method, op.path);
    if !notes.is_empty() {
        line = format!("{line}; {}", notes.join("; "));
    }
    line
}

fn types_section(ops: &[Op]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{TYPES_BEGIN}: written by tests/operations_table.rs from {SPEC}; do not edit.\n\
         -- One method per operation of the API (and its function form); see docs/operations.md.\n"
    );
    for op in ops {
        let _ = writeln!(out, "---Parameters of `{}` ({}).", op.id, request_line(op));
        let _ = writeln!(out, "---@class {}", params_class(op));
        for p in &op.params {
            let optional = if p.required { "" } else { "?" };
            let description = if p.description.is_empty() {
                String::new()
            } else {
                format!(" {}", p.description)
            };
            let _ = writeln!(
                out,
                "---@field {} {}{}{}",
                lua_field(&p.name),
                lua_type(p),
                optional,
                description
            );
        }
        out.push('\n');
    }
    for op in ops.iter().filter(|op| op.has_method()) {
        method_doc(&mut out, op, false);
        let _ = writeln!(out, "function Client:{}(params) end\n", op.name);
    }
    for op in ops.iter().filter(|op| op.has_method()) {
        method_doc(&mut out, op, true);
        let _ = writeln!(out, "function opencode.{}(client, params) end\n", op.name);
    }
    let _ = writeln!(out, "{TYPES_END}");
    out
}

/// A field name as LuaLS takes it: `["$schema"]` for one that is not a Lua name.
fn lua_field(name: &str) -> String {
    let identifier = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        name.to_owned()
    } else {
        format!("[{name:?}]")
    }
}

fn method_doc(out: &mut String, op: &Op, function_form: bool) {
    let optional = if op.params.iter().any(|p| p.required) { "" } else { "?" };
    if !op.summary.is_empty() {
        let _ = writeln!(out, "---{} (`{}`)", op.summary, op.id);
    } else {
        let _ = writeln!(out, "---`{}`", op.id);
    }
    let _ = writeln!(out, "---{}", request_line(op));
    if op.deprecated {
        let _ = writeln!(out, "---@deprecated");
    }
    let (result, name) = lua_result(op);
    if function_form {
        let _ = writeln!(out, "---@param client opencode.Client");
    }
    let _ = writeln!(out, "---@param params{optional} {}", params_class(op));
    let _ = writeln!(out, "---@return {result}? {name}");
    let _ = writeln!(out, "---@return string? message");
    let _ = writeln!(out, "---@return opencode.ErrorKind? kind");
    let _ = writeln!(out, "---@return opencode.Error? err");
}

/// types/opencode.lua with its generated section replaced (or added before
/// the final `return opencode`).
fn types_file(current: &str, section: &str) -> String {
    if let (Some(begin), Some(end)) = (current.find(TYPES_BEGIN), current.find(TYPES_END)) {
        let end = end + current[end..].find('\n').map_or(current.len() - end, |i| i + 1);
        return format!("{}{}{}", &current[..begin], section, &current[end..]);
    }
    let tail = current
        .rfind("return opencode")
        .expect("types/opencode.lua ends with `return opencode`");
    format!("{}{}\n{}", &current[..tail], section, &current[tail..])
}

// ---------------------------------------------------------------------------------------------
// docs/operations.md

fn docs_page(ops: &[Op]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Operations\n\n\
         <!-- Written by tests/operations_table.rs from {SPEC}; do not edit (run tools/gen-operations.sh). -->\n\n\
         Every operation of the opencode 1.18.33 HTTP API, as the module reaches it. Each one is\n\
         `client:call(\"operationId\", params)` in Lua and `Client::call(\"operationId\", params)` in\n\
         Rust, and a Lua method named by one rule: the operationId with dots turned to `_` and\n\
         camelCase to snake_case (`tui.showToast` is `client:tui_show_toast`), also in function form\n\
         (`opencode.session_messages(client, params)`).\n\n\
         `params` is one table with the spec's own names, path, query and body fields alike:\n\
         `client:session_update{{ sessionID = s.id, title = \"renamed\" }}`. **Bold** parameters are\n\
         required. A session table works wherever `sessionID` is expected, and `directory`,\n\
         `workspace` and `location` default from the client's `directory` and `workspace`. An\n\
         operation whose body is not an object of named fields takes it whole as `body`.\n\n\
         Answers: *JSON* is the decoded answer (a table), *boolean* the server's `true` or `false`,\n\
         *no content* is `true`, *text* and *bytes* a string, and an *event stream* is a stream like\n\
         `client:events()`'s. Operations marked *send* wait for the AI and are bounded by\n\
         `send_timeout` instead of `timeout`. Only reads (GET) are retried, once, after a broken\n\
         connection.\n\n\
         Where a method of the same name was written by hand, that one keeps the name\n\
         ({}); the operation is still `client:call(operationId, params)`.\n\n\
         | method | operation | request | parameters | answer | |\n\
         |---|---|---|---|---|---|",
        ops.iter()
            .filter(|op| !op.has_method())
            .map(|op| format!("`{}`", op.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for op in ops {
        let method = if op.has_method() {
            format!("`{}`", op.name)
        } else {
            format!("(`{}`, hand-written)", op.name)
        };
        let params: Vec<String> = op
            .params
            .iter()
            .map(|p| {
                let types = if p.name == "sessionID" {
                    "string or session".to_owned()
                } else if p.types.is_empty() {
                    "any".to_owned()
                } else {
                    p.types.join(" or ")
                };
                let name = if p.required {
                    format!("**{}**", p.name)
                } else {
                    p.name.clone()
                };
                format!("{name} <sub>{types}</sub>")
            })
            .collect();
        let answer = match op.response {
            Response::Json => "JSON",
            Response::Boolean => "boolean",
            Response::NoContent => "no content",
            Response::EventStream { .. } => "event stream",
            Response::Text => "text",
            Response::Binary => "bytes",
        };
        let mut notes = Vec::new();
        if op.timeout == "Send" {
            notes.push("*send*".to_owned());
        }
        if op.deprecated {
            notes.push("*deprecated*".to_owned());
        }
        if !op.summary.is_empty() {
            notes.push(op.summary.replace('|', "\\|"));
        }
        let _ = writeln!(
            out,
            "| {method} | `{}` | `{} {}` | {} | {answer} | {} |",
            op.id,
            op.method,
            op.path,
            if params.is_empty() {
                "–".to_owned()
            } else {
                params.join(", ")
            },
            notes.join(" ")
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------

/// What each generated file should hold: (path, content).
fn generated() -> Vec<(&'static str, String)> {
    let spec = Spec::load();
    let ops = spec.operations();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let types_now = std::fs::read_to_string(root.join(TYPES)).expect("read types/opencode.lua");
    vec![
        (TABLE, table_source(&ops)),
        (TYPES, types_file(&types_now, &types_section(&ops))),
        (DOCS, docs_page(&ops)),
    ]
}

#[test]
fn the_checked_in_table_types_and_docs_match_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let regenerate = std::env::var_os("OPENCODE_REGENERATE").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (path, want) in generated() {
        let file = root.join(path);
        let have = std::fs::read_to_string(&file).unwrap_or_default();
        if have == want {
            continue;
        }
        if regenerate {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, want).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
            eprintln!("wrote {path}");
        } else {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} differ from what {SPEC} gives: run tools/gen-operations.sh"
    );
}

#[test]
fn the_spec_gives_188_operations_with_188_lua_names() {
    let ops = Spec::load().operations();
    assert_eq!(ops.len(), 188);
    let names: BTreeMap<&str, &str> = ops.iter().map(|op| (op.name.as_str(), op.id.as_str())).collect();
    assert_eq!(names.len(), 188, "two operations share a Lua name");
    for (id, name) in [
        ("session.messages", "session_messages"),
        ("tui.showToast", "tui_show_toast"),
        ("vcs.diff.raw", "vcs_diff_raw"),
        ("v2.session.list", "v2_session_list"),
        (
            "experimental.controlPlane.moveSession",
            "experimental_control_plane_move_session",
        ),
        ("session.prompt_async", "session_prompt_async"),
    ] {
        assert_eq!(lua_name(id), name);
    }
    let colliding: Vec<&str> = ops
        .iter()
        .filter(|op| !op.has_method())
        .map(|op| op.id.as_str())
        .collect();
    assert_eq!(
        colliding,
        [
            "tui.appendPrompt",
            "tui.clearPrompt",
            "tui.showToast",
            "tui.submitPrompt"
        ],
        "hand-written methods that take an operation's name"
    );
}

#[test]
fn streams_that_greet_are_the_bus_streams() {
    let ops = Spec::load().operations();
    let streams: Vec<(&str, Response)> = ops
        .iter()
        .filter(|op| matches!(op.response, Response::EventStream { .. }))
        .map(|op| (op.id.as_str(), op.response))
        .collect();
    assert_eq!(
        streams,
        [
            ("event.subscribe", Response::EventStream { greets: true }),
            ("global.event", Response::EventStream { greets: true }),
            ("v2.event.subscribe", Response::EventStream { greets: true }),
            ("v2.session.events", Response::EventStream { greets: false }),
        ]
    );
}
