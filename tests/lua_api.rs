//! The Lua API, end to end through real HTTP against a fake opencode server:
//! tests/lua/api_test.lua run in the host and in each stock interpreter.

#[path = "support/lua.rs"]
mod lua;

use std::time::Duration;

use lua::{run_lua_test, Runner, STOCK};
use opencode_testing::fake_server::{FakeServer, Reply, Request};
use serde_json::{json, Value};

/// A fake that answers like opencode 1.18.33; session ids pick the behaviour.
fn fake_opencode(password: Option<&'static str>) -> FakeServer {
    FakeServer::start(move |request: &Request| {
        if let Some(password) = password {
            let expected = format!("Basic {}", base64_encode(&format!("opencode:{password}")));
            if request.header("authorization") != Some(expected.as_str()) {
                return Reply::empty(401);
            }
        }
        route(request)
    })
}

fn route(request: &Request) -> Reply {
    let path = request.path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let not_found = |id: &str| {
        Reply::json(
            404,
            json!({"name": "NotFoundError", "data": {"message": format!("Session not found: {id}")}}),
        )
    };
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["global", "health"]) => Reply::json(200, json!({"healthy": true, "version": "1.18.33"})),
        ("GET", ["session"]) => Reply::json(
            200,
            json!([{"id": "ses_1", "title": "one", "parentID": null}, {"id": "ses_2", "title": "two"}]),
        ),
        ("POST", ["session"]) => {
            let body = request.json();
            Reply::json(
                200,
                json!({
                    "id": "ses_new",
                    "title": body.get("title").cloned().unwrap_or(json!("New session")),
                    "parentID": body.get("parentID").cloned().unwrap_or(Value::Null),
                    "permission": body.get("permission").cloned().unwrap_or(Value::Null),
                    "share": null,
                    "time": {"created": 1700000000000i64, "updated": 1700000000000i64}
                }),
            )
        }
        (_, ["session", id, ..]) if id.starts_with("ses_missing") => not_found(id),
        ("GET", ["session", "ses_slow"]) => Reply::json(200, json!({"id": "ses_slow"})).after(Duration::from_secs(1)),
        ("GET", ["session", id]) => Reply::json(200, json!({"id": id, "title": "t"})),
        ("DELETE", ["session", _]) => Reply::json(200, json!(true)),
        ("POST", ["session", _, "abort"]) => Reply::json(200, json!(true)),
        ("POST", ["session", id, "message"]) => message(id, request),
        _ => Reply::text(400, "unexpected request"),
    }
}

fn message(id: &str, request: &Request) -> Reply {
    let body = request.json();
    let info = |error: Value| {
        json!({
            "id": "msg_1", "sessionID": id, "role": "assistant", "error": error,
            "request": body, "list": [1, null, 3], "empty": []
        })
    };
    match id {
        "ses_fail" => Reply::json(
            200,
            json!({"info": info(json!({"name": "APIError", "data": {"message": "provider exploded", "statusCode": 500}})), "parts": []}),
        ),
        "ses_abort" => Reply::json(
            200,
            json!({"info": info(json!({"name": "MessageAbortedError", "data": {"message": "Aborted"}})), "parts": []}),
        ),
        "ses_proxy" => Reply::html(
            502,
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
        ),
        "ses_garbage" => Reply::text(200, "this is not json"),
        _ => {
            let text = request.prompt_text();
            let reply = Reply::json(
                200,
                json!({
                    "info": info(Value::Null),
                    "parts": [
                        {"type": "step-start", "snapshot": null},
                        {"type": "text", "text": "echo: "},
                        {"type": "text", "text": text},
                        {"type": "step-finish", "reason": "stop"}
                    ]
                }),
            );
            if id == "ses_slow" {
                reply.after(Duration::from_secs(1))
            } else {
                reply
            }
        }
    }
}

fn base64_encode(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A port nothing listens on.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

fn run_api_test(runner: Runner) {
    let open = fake_opencode(None);
    let locked = fake_opencode(Some("secret"));
    let dead = dead_url();
    run_lua_test(&runner, "api_test.lua", &[&open.url(), &locked.url(), &dead]);
}

#[test]
fn lua_api_in_the_host() {
    run_api_test(Runner::Host);
}

#[test]
fn lua_api_in_stock_lua54() {
    run_api_test(Runner::stock(STOCK[0].0, STOCK[0].1));
}

#[test]
fn lua_api_in_stock_lua51() {
    run_api_test(Runner::stock(STOCK[1].0, STOCK[1].1));
}

#[test]
fn lua_api_in_stock_luajit() {
    run_api_test(Runner::stock(STOCK[2].0, STOCK[2].1));
}

#[test]
fn lua_api_in_stock_lua52() {
    run_api_test(Runner::stock(STOCK[3].0, STOCK[3].1));
}

#[test]
fn lua_api_in_stock_lua53() {
    run_api_test(Runner::stock(STOCK[4].0, STOCK[4].1));
}

#[test]
fn settings_in_every_lua() {
    let settings = lua::manifest_dir().join("lua/settings.lua");
    let settings = settings.to_str().unwrap();
    run_lua_test(&Runner::Host, "settings_test.lua", &[settings]);
    for (interpreter, lua) in STOCK {
        run_lua_test(&Runner::stock(interpreter, lua), "settings_test.lua", &[settings]);
    }
}
