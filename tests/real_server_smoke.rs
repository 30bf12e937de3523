//! Proves the real-server harness: a real `opencode serve` starts against the echo provider
//! and behaves the way the client tests rely on.

use opencode_testing::http::request as http_request;
use opencode_testing::real_server::{OpencodeServer, ServerOptions};
use serde_json::{json, Value};

fn create_session(server: &OpencodeServer) -> String {
    let response = server.request("POST", "/session", Some(&json!({})));
    assert_eq!(response.status, 200, "POST /session: {}", response.body);
    let id = response.json()["id"].as_str().expect("session id").to_string();
    assert!(id.starts_with("ses_"), "unexpected session id {id}");
    id
}

fn send(server: &OpencodeServer, session: &str, text: &str) -> Value {
    let body = json!({"parts": [{"type": "text", "text": text}]});
    let response = server.request("POST", &format!("/session/{session}/message"), Some(&body));
    assert_eq!(response.status, 200, "send: {}", response.body);
    response.json()
}

fn reply_text(reply: &Value) -> String {
    reply["parts"]
        .as_array()
        .expect("parts array")
        .iter()
        .filter(|part| part["type"] == "text")
        .filter_map(|part| part["text"].as_str())
        .collect()
}

#[test]
fn server_starts_and_reports_health() {
    let server = OpencodeServer::start(ServerOptions::default());
    let health = server.request("GET", "/global/health", None);
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["healthy"], true);
    assert!(server.project_dir().join("opencode.json").is_file());
    assert!(server.provider().url().starts_with("http://127.0.0.1:"));
}

#[test]
fn send_returns_echo_of_the_prompt() {
    let server = OpencodeServer::start(ServerOptions::default());
    let session = create_session(&server);
    let reply = send(&server, &session, "hello world");
    assert_eq!(reply_text(&reply), "echo: hello world");
    assert_eq!(reply["info"]["role"], "assistant");
    assert_eq!(reply["info"]["sessionID"], session.as_str());
    assert_eq!(reply["info"]["providerID"], "echo");
    assert!(reply["info"]["error"].is_null(), "{}", reply["info"]);
}

#[test]
fn bash_marker_runs_the_tool_and_reports_its_output() {
    let server = OpencodeServer::start(ServerOptions {
        chunk_delay_ms: 5,
        ..ServerOptions::default()
    });
    let session = create_session(&server);
    let reply = send(&server, &session, "[[bash:echo hi]]");
    assert_eq!(reply_text(&reply), "tool said: hi");

    // The tool call lives in the previous assistant message of the same turn.
    let messages = server.request("GET", &format!("/session/{session}/message"), None);
    assert_eq!(messages.status, 200);
    let messages = messages.json();
    let tool = messages
        .as_array()
        .expect("message list")
        .iter()
        .flat_map(|message| message["parts"].as_array().cloned().unwrap_or_default())
        .find(|part| part["type"] == "tool")
        .expect("a tool part");
    assert_eq!(tool["tool"], "bash");
    assert_eq!(tool["state"]["status"], "completed");
    assert_eq!(tool["state"]["input"]["command"], "echo hi");
    assert_eq!(tool["state"]["output"].as_str().map(str::trim), Some("hi"));
}

#[test]
fn fail_marker_reports_a_provider_error() {
    let server = OpencodeServer::start(ServerOptions::default());
    let session = create_session(&server);
    let reply = send(&server, &session, "[[fail]]");
    assert_eq!(reply["info"]["error"]["name"], "APIError");
    assert_eq!(reply["info"]["error"]["data"]["statusCode"], 500);
    assert_eq!(reply_text(&reply), "");
}

#[test]
fn password_protected_server_rejects_a_wrong_password() {
    let server = OpencodeServer::start(ServerOptions {
        password: Some("s3cret".to_string()),
        ..ServerOptions::default()
    });
    let wrong = http_request(server.url(), "GET", "/global/health", None, Some(("opencode", "nope")));
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("www-authenticate").is_some_and(|v| v.starts_with("Basic")));
    let missing = http_request(server.url(), "GET", "/session", None, None);
    assert_eq!(missing.status, 401);
    let right = server.request("GET", "/global/health", None);
    assert_eq!(right.status, 200, "{}", right.body);
}
