//! Every operation of the spec, from Rust and from Lua, against a recording
//! fake server: for all 188, the method, the path (values escaped), the query
//! and the body it sees are what the spec says, and the answer comes back as
//! its kind says. The expectations are worked out here from the spec itself,
//! not from the generated table, so a wrong row fails too.

#[path = "support/lua.rs"]
mod lua;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use lua::{run_bounded, Runner, STOCK};
use opencode::client::{operations, Client, Config, ErrorKind, EventOptions, RequestOptions, RequestPolicy};
use opencode_testing::fake_server::{FakeServer, Reply, Request};
use serde_json::{json, Map, Value};

const SPEC: &str = "spec/opencode-1.18.33-openapi.json";
/// Characters a path value must arrive escaped: space, slash, non-ASCII, `?`, `#`, `%`.
const AWKWARD: &str = " /ü?#%";

/// What the server answers an operation with, by the spec.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Answer {
    Json,
    Boolean,
    NoContent,
    Stream { greets: bool },
    Text,
    Bytes,
}

/// One operation: what to call it with and what the server must see.
#[derive(Clone, Debug)]
struct Case {
    id: String,
    /// The Lua method name, by the rule (worked out here, independently).
    name: String,
    method: String,
    params: Map<String, Value>,
    /// The request target's path, escaped as it must arrive.
    path: String,
    /// The query's pairs, decoded.
    query: Vec<(String, String)>,
    body: Option<Value>,
    answer: Answer,
}

fn spec() -> Value {
    let path = lua::manifest_dir().join(SPEC);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("read the spec")).expect("the spec is JSON")
}

fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        schema = &spec["components"]["schemas"][reference.rsplit('/').next().unwrap()];
    }
    schema
}

/// The first JSON type a schema allows (following unions), or None for anything.
fn first_type(spec: &Value, schema: &Value) -> Option<String> {
    let schema = resolve(spec, schema);
    if let Some(t) = schema.get("type") {
        return match t {
            Value::String(t) => Some(t.clone()),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .map(str::to_owned),
            _ => None,
        };
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(first) = schema.get(key).and_then(|b| b.get(0)) {
            return first_type(spec, first);
        }
    }
    match schema
        .get("const")
        .or_else(|| schema.get("enum").and_then(|e| e.get(0)))
    {
        Some(Value::String(_)) => Some("string".into()),
        Some(Value::Bool(_)) => Some("boolean".into()),
        _ => None,
    }
}

/// A value of the schema's type, recognisable by the parameter's name.
/// Numbers are not whole, so that Lua 5.1's doubles come back the same.
fn sample(spec: &Value, name: &str, schema: &Value) -> Value {
    match first_type(spec, schema).as_deref() {
        Some("string") => Value::String(format!("{name}-v{AWKWARD}")),
        Some("integer") => json!(7),
        Some("number") => json!(2.5),
        Some("boolean") => json!(true),
        Some("array") => json!(["a", "b"]),
        Some("object") => {
            let properties = resolve(spec, schema)["properties"].as_object();
            match properties
                .filter(|p| !p.is_empty() && p.values().all(|v| first_type(spec, v).as_deref() == Some("string")))
            {
                // deepObject `location`: its own fields.
                Some(properties) => properties
                    .keys()
                    .map(|k| (k.clone(), json!(format!("{k}-v"))))
                    .collect(),
                None => json!({"k": "v"}),
            }
        }
        _ => json!("any"),
    }
}

/// Escaped as a path segment must be: everything but unreserved characters.
fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// How a query value is spelled (decoded).
fn query_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            for (key, item) in fields {
                query_pairs(&format!("{name}[{key}]"), item, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| query_pairs(name, item, out)),
        Value::String(s) => out.push((name.into(), s.clone())),
        other => out.push((name.into(), other.to_string())),
    }
}

/// Whether `text` is a string anywhere in the schema, following references.
fn mentions(spec: &Value, schema: &Value, text: &str, seen: &mut Vec<String>) -> bool {
    match schema {
        Value::String(s) => s == text,
        Value::Array(items) => items.iter().any(|v| mentions(spec, v, text, seen)),
        Value::Object(map) => match map.get("$ref").and_then(Value::as_str) {
            Some(reference) if seen.iter().any(|r| r == reference) => false,
            Some(reference) => {
                seen.push(reference.to_owned());
                mentions(spec, resolve(spec, schema), text, seen)
            }
            None => map.values().any(|v| mentions(spec, v, text, seen)),
        },
        _ => false,
    }
}

fn lua_name(id: &str) -> String {
    let mut out = String::new();
    let mut previous = ' ';
    for ch in id.chars() {
        if ch == '.' {
            out.push('_');
        } else if ch.is_ascii_uppercase() {
            if previous.is_ascii_lowercase() || previous.is_ascii_digit() {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
        previous = ch;
    }
    out
}

fn cases() -> Vec<Case> {
    let spec = spec();
    let mut cases = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap().to_owned();
            let mut params = Map::new();
            let mut query = Vec::new();
            let mut path = template.trim_start_matches('/').to_owned();
            let declared = op["parameters"].as_array().cloned().unwrap_or_default();
            for param in &declared {
                let name = param["name"].as_str().unwrap();
                let value = sample(&spec, name, &param["schema"]);
                match param["in"].as_str().unwrap() {
                    "path" => {
                        let text = value.as_str().unwrap();
                        path = path.replace(&format!("{{{name}}}"), &escape(text));
                    }
                    _ => query_pairs(name, &value, &mut query),
                }
                params.insert(name.to_owned(), value);
            }
            if path.ends_with('*') {
                params.insert("path".into(), json!("dir/a b.txt"));
                path = path.replace('*', "dir/a%20b.txt");
            }
            let body = op.get("requestBody").map(|request| {
                let schema = &request["content"]["application/json"]["schema"];
                let resolved = resolve(&spec, schema);
                let fields = resolved["properties"].as_object().filter(|f| !f.is_empty());
                let clash = |fields: &Map<String, Value>| fields.keys().any(|k| params.contains_key(k));
                match fields {
                    Some(fields) if resolved["type"] == "object" && !clash(fields) => {
                        let body: Map<String, Value> = fields
                            .iter()
                            .map(|(name, schema)| (name.clone(), sample(&spec, name, schema)))
                            .collect();
                        body.iter().for_each(|(k, v)| {
                            params.insert(k.clone(), v.clone());
                        });
                        Value::Object(body)
                    }
                    _ => {
                        let whole = json!({"whole": [1, "two"]});
                        params.insert("body".into(), whole.clone());
                        whole
                    }
                }
            });
            let success = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .unwrap()
                .1;
            let answer = match success.get("content").and_then(Value::as_object) {
                None => Answer::NoContent,
                Some(content) => {
                    let (media, body) = content.iter().next().unwrap();
                    match media.as_str() {
                        "text/event-stream" => Answer::Stream {
                            greets: mentions(&spec, &body["schema"], "server.connected", &mut Vec::new()),
                        },
                        "application/json" if resolve(&spec, &body["schema"])["type"] == "boolean" => Answer::Boolean,
                        "application/json" => Answer::Json,
                        m if m.starts_with("text/") => Answer::Text,
                        _ => Answer::Bytes,
                    }
                }
            };
            cases.push(Case {
                name: lua_name(&id),
                id,
                method: method.to_ascii_uppercase(),
                params,
                path: format!("/{path}"),
                query,
                body,
                answer,
            });
        }
    }
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    cases
}

/// A fake that answers each case's request as its kind says, naming the operation.
fn fake(cases: &[Case]) -> FakeServer {
    let routes: HashMap<(String, String), (String, Answer)> = cases
        .iter()
        .map(|c| ((c.method.clone(), c.path.clone()), (c.id.clone(), c.answer)))
        .collect();
    FakeServer::start(move |request: &Request| {
        let path = request.path.split('?').next().unwrap().to_owned();
        let Some((id, answer)) = routes.get(&(request.method.clone(), path)) else {
            return Reply::json(200, json!({"healthy": true, "version": "1.18.33"}));
        };
        match answer {
            Answer::Json => Reply::json(200, json!({"op": id})),
            Answer::Boolean => Reply::json(200, json!(true)),
            Answer::NoContent => Reply::empty(204),
            Answer::Text => Reply::new(200, "text/x-diff; charset=utf-8", format!("diff of {id}")),
            Answer::Bytes => Reply::new(200, "application/octet-stream", vec![0u8, 1, 2, 255]),
            Answer::Stream { greets } => {
                let mut frames = Vec::new();
                if *greets {
                    frames.push(json!({"type": "server.connected", "properties": {}}));
                }
                frames.push(json!({"id": "evt_1", "type": "test.event", "data": {"op": id}}));
                Reply::sse(&frames, Duration::from_millis(20), Duration::from_secs(5))
            }
        }
    })
}

/// Asserts that `request` is what `case` must send.
fn assert_routed(case: &Case, request: &Request) {
    let id = &case.id;
    assert_eq!(request.method, case.method, "{id}: method");
    let (path, query) = request.path.split_once('?').unwrap_or((&request.path, ""));
    assert_eq!(path, case.path, "{id}: path");
    let url = reqwest::Url::parse(&format!("http://x/?{query}")).unwrap();
    let mut got: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut want = case.query.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{id}: query");
    match &case.body {
        Some(body) => {
            assert_eq!(&request.json(), body, "{id}: body");
            assert_eq!(
                request.header("content-type"),
                Some("application/json"),
                "{id}: content type"
            );
        }
        None => assert!(
            request.body.is_empty(),
            "{id}: no body expected, got {}",
            request.body_text()
        ),
    }
}

#[test]
fn the_table_has_every_operation_of_the_spec() {
    let from_spec: Vec<String> = cases().into_iter().map(|c| c.id).collect();
    let from_table: Vec<&str> = operations().iter().map(|op| op.id).collect();
    assert_eq!(from_spec.len(), 188);
    assert_eq!(from_table, from_spec);
    for (op, case) in operations().iter().zip(cases()) {
        assert_eq!(op.name, case.name, "the Lua name of {}", op.id);
        assert_eq!(op.method, case.method, "{}", op.id);
    }
}

#[test]
fn every_operation_routes_from_rust() {
    let cases = cases();
    let server = fake(&cases);
    // Routing only: the operations that wait for the AI would otherwise watch
    // their session from the background, with requests of their own.
    let config = Config::with_url(server.url())
        .timeout(Duration::from_secs(10))
        .permissions(RequestPolicy::Leave)
        .questions(RequestPolicy::Leave);
    let client = Client::new(config).unwrap();
    for case in &cases {
        let before = server.requests().len();
        let params = Value::Object(case.params.clone());
        let id = case.id.as_str();
        match case.answer {
            Answer::Stream { .. } => {
                let stream = client.open_stream(id, params, EventOptions::default()).expect(id);
                let event = stream.next(Some(Duration::from_secs(5))).expect(id).expect(id);
                assert_eq!(
                    (event.kind.as_str(), &event.properties["op"]),
                    ("test.event", &json!(id))
                );
            }
            Answer::Bytes => assert_eq!(client.call_bytes(id, params).expect(id), [0, 1, 2, 255]),
            answer => {
                let want = match answer {
                    Answer::Json => json!({"op": id}),
                    Answer::Boolean => json!(true),
                    Answer::NoContent => Value::Null,
                    _ => json!(format!("diff of {id}")),
                };
                assert_eq!(client.call(id, params).expect(id), want, "{id}: answer");
            }
        }
        let requests = server.requests();
        assert_eq!(requests.len(), before + 1, "{id}: one request");
        assert_routed(case, &requests[before]);
    }
}

/// A Lua literal for a JSON value.
fn lua_literal(value: &Value) -> String {
    match value {
        Value::Null => "opencode.null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let mut out = String::from("\"");
            for byte in s.bytes() {
                match byte {
                    b'"' | b'\\' => {
                        out.push('\\');
                        out.push(byte as char);
                    }
                    0x20..=0x7e => out.push(byte as char),
                    _ => {
                        let _ = write!(out, "\\{byte:03}");
                    }
                }
            }
            out.push('"');
            out
        }
        Value::Array(items) => format!("{{ {} }}", items.iter().map(lua_literal).collect::<Vec<_>>().join(", ")),
        Value::Object(fields) => format!(
            "{{ {} }}",
            fields
                .iter()
                .map(|(k, v)| format!("[{}] = {}", lua_literal(&json!(k)), lua_literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A script that performs every case in turn, each way of calling in turn:
/// the method, its function form, and client:call. A session table stands
/// for every other `sessionID`. It checks each answer itself.
fn lua_script(cases: &[Case]) -> String {
    let hand_written = [
        "tui_append_prompt",
        "tui_submit_prompt",
        "tui_clear_prompt",
        "tui_show_toast",
    ];
    let mut out = String::from(
        "local opencode = require(\"opencode\")\n\
         local client = assert(opencode.connect{ url = arg[1], timeout = 10, on_permission = \"leave\", on_question = \"leave\" })\n\
         local function check(id, answer, value, message)\n\
           assert(value ~= nil, id .. \": \" .. tostring(message))\n\
           if answer == \"json\" then assert(value.op == id, id .. \": answer\")\n\
           elseif answer == \"bytes\" then assert(value == \"\\0\\1\\2\\255\", id .. \": bytes\")\n\
           elseif answer == \"text\" then assert(value == \"diff of \" .. id, id .. \": text\")\n\
           elseif answer == \"stream\" then\n\
             local event = assert(value:next(5))\n\
             assert(event.type == \"test.event\" and event.properties.op == id, id .. \": event\")\n\
             value:close()\n\
           else assert(value == true, id .. \": true expected\") end\n\
         end\n",
    );
    for (i, case) in cases.iter().enumerate() {
        let mut fields: Vec<String> = Vec::new();
        for (name, value) in &case.params {
            let literal = if name == "sessionID" && i % 2 == 0 {
                format!("{{ id = {} }}", lua_literal(value))
            } else {
                lua_literal(value)
            };
            fields.push(format!("[{}] = {literal}", lua_literal(&json!(name))));
        }
        let params = format!("{{ {} }}", fields.join(", "));
        let call = if hand_written.contains(&case.name.as_str()) || i % 3 == 2 {
            format!("client:call({}, {params})", lua_literal(&json!(case.id)))
        } else if i % 3 == 1 {
            format!("opencode.{}(client, {params})", case.name)
        } else {
            format!("client:{}({params})", case.name)
        };
        let answer = match case.answer {
            Answer::Json => "json",
            Answer::Stream { .. } => "stream",
            Answer::Bytes => "bytes",
            Answer::Text => "text",
            _ => "true",
        };
        let _ = writeln!(out, "check({}, {:?}, {call})", lua_literal(&json!(case.id)), answer);
    }
    out.push_str("print(\"routed every operation\")\n");
    out
}

fn routes_from_lua(runner: &Runner) {
    let cases = cases();
    let server = fake(&cases);
    let script = std::env::temp_dir().join(format!(
        "opencode-operations-{}-{}.lua",
        std::process::id(),
        runner.name()
    ));
    std::fs::write(&script, lua_script(&cases)).unwrap();
    let output = run_bounded(runner.command(&script, &[&server.url()]), Duration::from_secs(120));
    let _ = std::fs::remove_file(&script);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("routed every operation"),
        "{}: {stdout}\n{}",
        runner.name(),
        String::from_utf8_lossy(&output.stderr)
    );
    // The first request is connect's health check.
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        cases.len() + 1,
        "{}: one request per operation",
        runner.name()
    );
    for (case, request) in cases.iter().zip(&requests[1..]) {
        assert_routed(case, request);
    }
}

#[test]
fn every_operation_routes_from_lua_in_the_host() {
    routes_from_lua(&Runner::Host);
}

#[test]
fn every_operation_routes_from_lua_in_stock_interpreters() {
    for (interpreter, lua) in STOCK.iter().filter(|(i, _)| ["lua5.1", "lua5.4", "luajit"].contains(i)) {
        routes_from_lua(&Runner::stock(interpreter, lua));
    }
}

#[test]
fn directory_workspace_and_location_default_from_the_client() {
    let server = FakeServer::start(|_| Reply::json(200, json!([])));
    let config = Config::with_url(server.url()).directory("/pro ject").workspace("ws_1");
    let client = Client::new(config).unwrap();
    client.call("session.list", json!({})).unwrap();
    client.call("session.list", json!({"directory": "/other"})).unwrap();
    client.call("v2.agent.list", Value::Null).unwrap();
    client.call("v2.session.list", json!({})).unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        targets,
        [
            "/session?directory=%2Fpro+ject&workspace=ws_1",
            "/session?directory=%2Fother&workspace=ws_1",
            "/api/agent?location%5Bdirectory%5D=%2Fpro+ject&location%5Bworkspace%5D=ws_1",
            "/api/session?workspace=ws_1&directory=%2Fpro+ject",
        ]
    );
}

#[test]
fn mistakes_in_a_call_are_config_errors_and_send_nothing() {
    let server = FakeServer::start(|_| Reply::json(200, json!(true)));
    let client = Client::new(Config::with_url(server.url())).unwrap();
    let cases = [
        ("no.such.op", json!({}), "unknown operation \"no.such.op\""),
        (
            "session_messages",
            json!({}),
            "the operationId of session_messages is \"session.messages\"",
        ),
        (
            "session.messages",
            json!({}),
            "session.messages: missing required parameter 'sessionID'",
        ),
        (
            "session.messages",
            json!({"sessionID": "s", "limt": 1}),
            "unknown parameter 'limt'",
        ),
        (
            "session.messages",
            json!({"sessionID": 1}),
            "parameter 'sessionID': string expected, got integer",
        ),
        ("session.messages", json!([]), "must be a JSON object"),
        ("global.event", json!({}), "use Client::open_stream"),
    ];
    for (id, params, want) in cases {
        let err = client.call(id, params).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        assert!(err.message().contains(want), "{id}: {err}");
    }
    let err = client
        .open_stream("session.list", json!({}), EventOptions::default())
        .unwrap_err();
    assert!(err.message().contains("use Client::call"), "{err}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn prompts_wait_like_send_and_the_rest_like_any_call() {
    let server =
        FakeServer::start(|_| Reply::json(200, json!({"info": {}, "parts": []})).after(Duration::from_millis(600)));
    let config = Config::with_url(server.url()).timeout(Duration::from_millis(200));
    let client = Client::new(config).unwrap();
    let prompt = json!({"sessionID": "ses_1", "parts": [{"type": "text", "text": "hi"}]});
    client
        .call("session.prompt", prompt.clone())
        .expect("no send_timeout: waits");
    let err = client
        .call("session.messages", json!({"sessionID": "ses_1"}))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    let config = Config::with_url(server.url()).send_timeout(Duration::from_millis(200));
    let err = Client::new(config).unwrap().call("session.prompt", prompt).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[test]
fn reads_are_retried_once_and_changes_never() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    // Every first request on a connection is cut off; the one after answers.
    let server = FakeServer::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
            Reply::Close
        } else {
            Reply::json(200, json!(true))
        }
    });
    let client = Client::new(Config::with_url(server.url())).unwrap();
    assert_eq!(client.call("session.status", json!({})).unwrap(), json!(true));
    assert_eq!(server.requests().len(), 2, "the GET was tried twice");
    let err = client
        .call(
            "session.summarize",
            json!({"sessionID": "s", "providerID": "p", "modelID": "m"}),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert_eq!(server.requests().len(), 3, "the POST was tried once");
}

#[test]
fn request_reaches_any_path_and_reads_the_answer_by_its_type() {
    let server = FakeServer::start(|request: &Request| match request.method.as_str() {
        "GET" => Reply::json(200, json!({"got": request.path})),
        "PUT" => Reply::text(200, "plain"),
        _ => Reply::empty(204),
    });
    let client = Client::new(Config::with_url(server.url())).unwrap();
    let options = RequestOptions::new()
        .path("id", "a b/c")
        .query("limit", "5")
        .query("tag", "x")
        .query("tag", "y");
    let answer = client.request("get", "/future/{id}/thing", options).unwrap();
    assert_eq!(answer, json!({"got": "/future/a%20b%2Fc/thing?limit=5&tag=x&tag=y"}));
    let answer = client
        .request("PUT", "/x", RequestOptions::new().body(json!({"a": 1})))
        .unwrap();
    assert_eq!(answer, json!("plain"));
    assert_eq!(server.requests()[1].json(), json!({"a": 1}));
    assert_eq!(
        client.request("POST", "/y", RequestOptions::new()).unwrap(),
        Value::Null
    );
    for (method, path, options, want) in [
        ("G E T", "/x", RequestOptions::new(), "is not an HTTP method"),
        (
            "GET",
            "/x/{id}",
            RequestOptions::new(),
            "missing required path value 'id'",
        ),
        (
            "GET",
            "/x",
            RequestOptions::new().path("id", "1"),
            "path value 'id' has no {id}",
        ),
    ] {
        let err = client.request(method, path, options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains(want), "{err}");
    }
}
