//! Property tests through the public API only.
//!
//! JSON -> Lua -> JSON: a fake server hands an arbitrary JSON value to Lua
//! inside a session (`session.echo`, as the module converts any server
//! answer), the script sends it straight back as the `permission` list of
//! another `new_session` (a list is passed through as it is), and the server
//! compares what it receives with what it sent. This runs the module's real
//! conversions both ways, in a Lua state hosted with `opencode::register`.
//!
//! Decoders fed arbitrary bytes never panic: the SSE parser, event frames,
//! every answer the client reads, and the event stream's reader.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opencode::client::sse::SseParser;
use opencode::client::{Client, Config, ErrorKind, Event, EventOptions, SendOptions};
use opencode::mlua::{Function, Lua};
use opencode_testing::fake_server::{connected_frame, sse_frame, End, FakeServer, Fault, Request};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{json, Map, Value};

fn health() -> Fault {
    Fault::json(200, json!({"healthy": true, "version": "1.18.33"}))
}

// ---- JSON -> Lua -> JSON ----

/// A fake whose first `new_session` answers with `echo` set to the value in
/// `outgoing`, and whose second one (with a `permission`) stores what came back.
struct Echo {
    server: FakeServer,
    outgoing: Arc<Mutex<Value>>,
    returned: Arc<Mutex<Option<Value>>>,
}

impl Echo {
    fn start() -> Echo {
        let outgoing = Arc::new(Mutex::new(Value::Null));
        let returned = Arc::new(Mutex::new(None));
        let server = {
            let (outgoing, returned) = (outgoing.clone(), returned.clone());
            FakeServer::start(
                move |request: &Request| match (request.method.as_str(), request.route()) {
                    ("GET", "/global/health") => health(),
                    ("POST", "/session") => {
                        let body = request.json();
                        match body.get("permission") {
                            Some(permission) => {
                                *returned.lock().unwrap() = Some(permission.clone());
                                Fault::json(200, json!({"id": "ses_back"}))
                            }
                            None => {
                                let echo = outgoing.lock().unwrap().clone();
                                Fault::json(200, json!({"id": "ses_echo", "echo": echo}))
                            }
                        }
                    }
                    _ => Fault::text(400, "unexpected request"),
                },
            )
        };
        Echo {
            server,
            outgoing,
            returned,
        }
    }
}

/// A Lua state with the module, and a function that fetches `session.echo`
/// and sends it back. It also checks, in Lua, how JSON nulls arrived.
fn lua_round_tripper(url: &str) -> (Lua, Function) {
    let lua = Lua::new();
    opencode::register(&lua).expect("register the module");
    let script = r#"
        local url = ...
        local opencode = require("opencode")
        local client = assert(opencode.connect{ url = url, timeout = 5 })
        -- JSON null inside arrays is opencode.null (positions are kept); null
        -- fields of objects are left out, so no table holds a nil-like field.
        local function check_nulls(value, depth)
          if type(value) ~= "table" or depth > 64 then return end
          for k, v in pairs(value) do
            if v == opencode.null then
              assert(math.type(k) == "integer", "opencode.null as the value of field " .. tostring(k))
            end
            check_nulls(v, depth + 1)
          end
        end
        return function()
          local session = assert(client:new_session())
          assert(session.id == "ses_echo")
          check_nulls(session.echo, 0)
          local back, err = client:new_session{ permission = session.echo }
          assert(back, err)
          return true
        end
    "#;
    let function: Function = lua
        .load(script)
        .set_name("=round_trip")
        .call(url.to_owned())
        .expect("connect from Lua");
    (lua, function)
}

/// What the value becomes after JSON -> Lua -> JSON: object fields that are
/// null are left out (documented), integers beyond i64 become floats (Lua
/// integers are 64-bit signed).
fn expected(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), expected(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(expected).collect()),
        Value::Number(n) if n.is_u64() && n.as_i64().is_none() => json!(n.as_f64().unwrap()),
        other => other.clone(),
    }
}

/// Equality with floats compared to within a couple of units in the last
/// place (serde_json's default float parsing may be off by one).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_f64() != y.is_f64() {
                return false; // an integer must stay an integer, a float a float
            }
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => {
                    let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                    x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn round_trip(echo: &Echo, function: &Function, value: &Value) -> Result<Value, String> {
    *echo.outgoing.lock().unwrap() = json!([value]);
    *echo.returned.lock().unwrap() = None;
    function.call::<bool>(()).map_err(|e| e.to_string())?;
    let returned = echo.returned.lock().unwrap().take().ok_or("nothing came back")?;
    match returned {
        Value::Array(mut items) if items.len() == 1 => Ok(items.remove(0)),
        other => Err(format!("expected a one-element list back, got {other}")),
    }
}

fn check_round_trip(echo: &Echo, function: &Function, value: &Value) -> Result<(), String> {
    let back = round_trip(echo, function, value)?;
    let want = expected(value);
    if same(&back, &want) {
        Ok(())
    } else {
        Err(format!("sent {value}\n  expected {want}\n  got back {back}"))
    }
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![
            Just(i64::MAX),
            Just(i64::MIN),
            Just((1i64 << 53) + 1),
            Just(-(1i64 << 53) - 1)
        ]
        .prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        (-1_000_000i32..1_000_000).prop_map(|i| Value::from(f64::from(i) / 64.0)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9 ]{0,8}",
        Just(String::new()),
        Just("ü 𝄞 日本 \u{0} \u{FFFF} \u{10FFFF} \"\\/\n\t".to_owned()),
        "[1-9][0-9]{0,2}", // keys that look like array indexes
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        3 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        3 => number(),
        3 => text().prop_map(Value::String),
        1 => Just(json!([])),
        1 => Just(json!({})),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(text(), inner, 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

#[test]
fn json_survives_lua_and_back() {
    let echo = Echo::start();
    let (_lua, function) = lua_round_tripper(&echo.server.url());
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&json_value(), |value| {
            check_round_trip(&echo, &function, &value).map_err(TestCaseError::fail)
        })
        .unwrap();
}

#[test]
fn chosen_json_survives_lua_and_back() {
    let echo = Echo::start();
    let (_lua, function) = lua_round_tripper(&echo.server.url());
    let samples = [
        // nested arrays with nulls
        json!([null]),
        json!([null, null, null]),
        json!([1, null, 3, null]),
        json!([[null], [], [[null, [null]]], {}]),
        json!({"a": [null, {"b": null, "c": [null]}], "d": null}),
        // large integers
        json!([i64::MAX, i64::MIN, 9007199254740993i64, -9007199254740993i64, 0, -1]),
        json!(u64::MAX),
        json!(1e300),
        json!(-2.5e-300),
        json!(0.1),
        json!(3.0),
        // unicode, in values and keys
        json!({"ü": "𝄞", "日本": ["\u{0}", "\u{10FFFF}"], "": "empty key", "emoji 🎉": "🎉"}),
        // empty objects versus empty arrays
        json!({}),
        json!([]),
        json!([{}, [], {"a": {}}, {"a": []}]),
        json!({"1": "one", "2": "two"}),
        json!({"1": [], "x": {}}),
        // deep, but within the module's limit
        (0..60).fold(json!("bottom"), |inner, _| json!([inner])),
        (0..60).fold(json!({}), |inner, i| json!({ format!("k{i}"): inner })),
    ];
    for sample in samples {
        check_round_trip(&echo, &function, &sample).unwrap();
    }
}

// ---- decoders never panic ----

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sse_parser_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..96), 0..24)) {
        let mut parser = SseParser::new();
        for chunk in &chunks {
            for event in parser.push(chunk) {
                // Whatever it hands out, its frames read without panicking too.
                let _ = Event::from_data(&event.data);
            }
        }
        let _ = parser.retry();
        let _ = parser.last_event_id();
    }

    #[test]
    fn sse_parser_never_panics_on_sse_like_bytes(
        lines in proptest::collection::vec(
            prop_oneof![
                "data:[ -~]{0,16}",
                "event:[ -~]{0,8}",
                "id:[ -~]{0,8}",
                "retry:[0-9]{0,24}",
                ":[ -~]{0,8}",
                "[ -~]{0,8}",
                Just(String::new()),
            ],
            0..40,
        ),
        endings in proptest::collection::vec(prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")], 40),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut stream = Vec::new();
        for (line, ending) in lines.iter().zip(&endings) {
            stream.extend_from_slice(line.as_bytes());
            stream.extend_from_slice(ending.as_bytes());
        }
        let at = cut.index(stream.len() + 1);
        let mut parser = SseParser::new();
        let mut events = parser.push(&stream[..at]);
        events.extend(parser.push(&stream[at..]));
        for event in events {
            let _ = Event::from_data(&event.data);
        }
    }

    /// However the stream is cut, empty pieces included, the events are the same.
    #[test]
    fn sse_parser_gives_the_same_events_however_the_stream_is_cut(
        lines in proptest::collection::vec(
            prop_oneof!["data:[a-z0-9 ]{0,6}", "event:[a-z]{0,4}", "id:[0-9]{0,2}", ":x", Just(String::new())],
            0..24,
        ),
        endings in proptest::collection::vec(prop_oneof![Just("\n"), Just("\r\n"), Just("\r")], 24),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let mut stream = Vec::new();
        for (line, ending) in lines.iter().zip(&endings) {
            stream.extend_from_slice(line.as_bytes());
            stream.extend_from_slice(ending.as_bytes());
        }
        let whole = SseParser::new().push(&stream);
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
        at.sort_unstable();
        let mut parser = SseParser::new();
        let mut pieces = Vec::new();
        let mut start = 0;
        for cut in at.into_iter().chain(std::iter::once(stream.len())) {
            pieces.extend(parser.push(&stream[start..cut]));
            // A read may also bring nothing.
            pieces.extend(parser.push(&[]));
            start = cut;
        }
        prop_assert_eq!(pieces, whole);
    }

    #[test]
    fn event_frames_never_panic(data in any::<String>()) {
        let _ = Event::from_data(&data);
    }

    #[test]
    fn event_frames_of_arbitrary_json_never_panic(value in json_value()) {
        let _ = Event::from_data(&value.to_string());
        let _ = Event::from_data(&json!({"payload": value.clone()}).to_string());
        let _ = Event::from_data(&json!({"directory": value.clone(), "payload": {"type": "x", "properties": value}}).to_string());
        if let Some(event) = Event::from_data(&json!({"type": "session.idle", "properties": value}).to_string()) {
            let _ = event.session_id();
        }
    }
}

/// A chunk that happens to be empty (a zero-length read) between the CR and
/// the LF of one line end does not turn that line end into two.
#[test]
fn an_empty_chunk_between_cr_and_lf_is_not_a_blank_line() {
    let mut parser = SseParser::new();
    let mut events = parser.push(b"data: a\r");
    events.extend(parser.push(b""));
    events.extend(parser.push(b"\ndata: b\n\n"));
    let whole = SseParser::new().push(b"data: a\r\ndata: b\n\n");
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].data, "a\nb");
    assert_eq!(events, whole);
}

/// The body every answer of `AnyBody` carries, whatever the request.
struct AnyBody {
    server: FakeServer,
    status: Arc<Mutex<u16>>,
    body: Arc<Mutex<Vec<u8>>>,
}

impl AnyBody {
    fn start() -> AnyBody {
        let status = Arc::new(Mutex::new(200));
        let body = Arc::new(Mutex::new(Vec::new()));
        let server = {
            let (status, body) = (status.clone(), body.clone());
            FakeServer::start(move |_| {
                Fault::respond(
                    *status.lock().unwrap(),
                    "application/json",
                    body.lock().unwrap().clone(),
                )
            })
        };
        AnyBody { server, status, body }
    }
}

fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        json_value().prop_map(|v| json!({"info": v.clone(), "parts": v}).to_string().into_bytes()),
        json_value().prop_map(|v| json!({"name": v.clone(), "data": {"message": v}})
            .to_string()
            .into_bytes()),
        "<html>[ -~]{0,64}<title>[ -~]{0,32}(</title>)?[ -~]{0,32}".prop_map(String::into_bytes),
    ]
}

#[test]
fn every_answer_decoder_survives_arbitrary_bodies() {
    let fake = AnyBody::start();
    let mut config = Config::with_url(fake.server.url());
    config.password = None;
    config.timeout = Duration::from_secs(5);
    config.send_timeout = Some(Duration::from_secs(5));
    let client = Client::new(config).unwrap();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let statuses = prop_oneof![Just(200u16), Just(404), Just(500), Just(502), Just(401)];
    runner
        .run(&(statuses, body_bytes()), |(status, body)| {
            *fake.status.lock().unwrap() = status;
            *fake.body.lock().unwrap() = body;
            let kinds = [
                client.health().err().map(|e| e.kind()),
                client.sessions().err().map(|e| e.kind()),
                client.session("ses_x").err().map(|e| e.kind()),
                client
                    .send("ses_x", "hi", &SendOptions::default())
                    .err()
                    .map(|e| e.kind()),
                client.delete("ses_x").err().map(|e| e.kind()),
            ];
            for kind in kinds.into_iter().flatten() {
                let allowed = match status {
                    200 => [ErrorKind::Decode, ErrorKind::Provider, ErrorKind::Aborted].contains(&kind),
                    401 => kind == ErrorKind::Auth,
                    404 => kind == ErrorKind::NotFound,
                    _ => kind == ErrorKind::Http,
                };
                prop_assert!(allowed, "status {} gave {:?}", status, kind);
            }
            Ok(())
        })
        .unwrap();
    // Still talking to the server afterwards.
    *fake.status.lock().unwrap() = 200;
    *fake.body.lock().unwrap() = br#"{"healthy": true}"#.to_vec();
    assert!(client.health().unwrap().healthy);
}

#[test]
fn the_event_stream_survives_arbitrary_bytes() {
    let garbage = Arc::new(Mutex::new(Vec::new()));
    let server = {
        let garbage = garbage.clone();
        FakeServer::start(move |request| match request.route() {
            "/global/event" => {
                let mut after = garbage.lock().unwrap().clone();
                // Whatever state the garbage left the parser in, three line
                // ends finish it, and the marker that follows is a frame of its own.
                after.extend_from_slice(b"\n\n\n");
                after.extend_from_slice(&sse_frame(
                    &json!({"payload": {"type": "test.marker", "properties": {}}}),
                ));
                Fault::sse(
                    vec![(Duration::ZERO, connected_frame()), (Duration::from_millis(150), after)],
                    End::Hold(Duration::from_secs(5)),
                )
            }
            _ => health(),
        })
    };
    let mut config = Config::with_url(server.url());
    config.password = None;
    config.timeout = Duration::from_secs(5);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..2048), |bytes| {
            *garbage.lock().unwrap() = bytes;
            // A client of its own: a client's streams share one connection,
            // which would still be reading the last case's bytes.
            let client = Client::new(config.clone()).unwrap();
            let stream = client
                .events(EventOptions::default().types(["test.marker"]))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let event = stream.next(Some(Duration::from_secs(5)));
            match event {
                Some(Ok(event)) => prop_assert_eq!(event.kind, "test.marker"),
                other => prop_assert!(false, "no marker: {:?}", other.map(|r| r.map(|e| e.kind))),
            }
            Ok(())
        })
        .unwrap();
}
