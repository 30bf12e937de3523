//! The Rust client against an in-process fake of `opencode serve`: what goes
//! on the wire, and how every kind of failure is reported.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use opencode::client::{Client, Config, Error, ErrorKind, ModelRef, NewSession, Prompt, SendOptions};
use opencode_testing::fake_server::{FakeServer, Reply as Answer, Request};
use serde_json::{json, Value};

const PASSWORD: &str = "hunter2-s3cret";

/// A config for `url` that does not depend on the environment's
/// `OPENCODE_SERVER_*` variables (except the username, see the auth tests).
fn config(url: &str) -> Config {
    let mut config = Config::with_url(url);
    config.password = None;
    config.directory = None;
    config.timeout = Duration::from_secs(5);
    config.send_timeout = None;
    config
}

fn client(server: &FakeServer) -> Client {
    Client::new(config(&server.url())).expect("client")
}

fn health() -> Answer {
    Answer::json(200, json!({"healthy": true, "version": "1.18.33"}))
}

fn session_json(id: &str) -> Value {
    json!({"id": id, "title": "a title", "version": "1.18.33", "time": {"created": 1, "updated": 2}})
}

fn reply_json(parts: Value) -> Value {
    json!({
        "info": {"id": "msg_1", "sessionID": "ses_x", "role": "assistant", "modelID": "echo"},
        "parts": parts
    })
}

fn hello_reply() -> Answer {
    Answer::json(200, reply_json(json!([{"type": "text", "text": "hi there"}])))
}

/// A server that answers every request the same way.
fn always(answer: Answer) -> FakeServer {
    FakeServer::start(move |_| answer.clone())
}

fn send_text(client: &Client, text: &str) -> Result<opencode::client::Reply, Error> {
    client.send("ses_x", Prompt::from(text), &SendOptions::default())
}

/// A port nothing listens on: bound, then released.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

fn assert_one_line(err: &Error) {
    let text = err.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "not one line: {text:?}");
    assert_eq!(text, err.message());
}

// ---- connecting and health ----

#[test]
fn connect_succeeds_when_health_answers() {
    let server = always(health());
    let client = Client::connect(config(&server.url())).expect("connect");
    let request = server.single_call();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/global/health")
    );
    assert_eq!(client.url(), server.url());
}

#[test]
fn health_returns_the_server_version() {
    let server = always(health());
    let health = client(&server).health().unwrap();
    assert!(health.healthy);
    assert_eq!(health.version.as_deref(), Some("1.18.33"));
}

#[test]
fn connect_fails_with_auth_when_health_is_rejected() {
    let server = always(Answer::empty(401));
    let err = Client::connect(config(&server.url())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(401));
}

// ---- headers ----

#[test]
fn basic_auth_header_is_sent_when_a_password_is_set() {
    let server = always(health());
    let mut config = config(&server.url());
    config.username = "alice".into();
    config.password = Some("secret".into());
    Client::new(config).unwrap().health().unwrap();
    // base64("alice:secret")
    assert_eq!(
        server.single_call().header("authorization"),
        Some("Basic YWxpY2U6c2VjcmV0")
    );
}

#[test]
fn basic_auth_username_defaults_to_opencode() {
    assert_eq!(opencode::client::DEFAULT_USERNAME, "opencode");
    if std::env::var_os("OPENCODE_SERVER_USERNAME").is_some() {
        return; // the environment chose another username on purpose
    }
    let server = always(health());
    let mut config = config(&server.url());
    assert_eq!(config.username, "opencode");
    config.password = Some("secret".into());
    Client::new(config).unwrap().health().unwrap();
    // base64("opencode:secret")
    assert_eq!(
        server.single_call().header("authorization"),
        Some("Basic b3BlbmNvZGU6c2VjcmV0")
    );
}

#[test]
fn no_authorization_header_without_a_password() {
    let server = always(health());
    client(&server).health().unwrap();
    assert_eq!(server.single_call().header("authorization"), None);
}

#[test]
fn credentials_in_the_url_are_sent_as_basic_auth() {
    let server = always(health());
    let url = format!("http://bob:pw@{}", server.addr());
    let client = Client::new(config(&url)).unwrap();
    client.health().unwrap();
    // base64("bob:pw")
    assert_eq!(server.single_call().header("authorization"), Some("Basic Ym9iOnB3"));
    assert_eq!(client.url(), server.url());
}

#[test]
fn directory_header_is_sent_when_directory_is_set() {
    let server = always(health());
    let mut config = config(&server.url());
    config.directory = Some("/home/me/my project/ü".into());
    Client::new(config).unwrap().health().unwrap();
    assert_eq!(
        server.single_call().header("x-opencode-directory"),
        Some("/home/me/my%20project/%C3%BC")
    );
}

#[test]
fn no_directory_header_when_directory_is_unset() {
    let server = always(health());
    client(&server).health().unwrap();
    assert_eq!(server.single_call().header("x-opencode-directory"), None);
}

#[test]
fn user_agent_names_the_client() {
    let server = always(health());
    client(&server).health().unwrap();
    let request = server.single_call();
    let agent = request.header("user-agent").unwrap();
    assert!(agent.starts_with("opencode-lua/"), "{agent}");
}

#[test]
fn base_url_path_is_kept_as_a_prefix() {
    let server = always(health());
    let client = Client::new(config(&format!("{}/opencode", server.url()))).unwrap();
    client.health().unwrap();
    assert_eq!(server.single_call().path, "/opencode/global/health");
}

// ---- sessions ----

#[test]
fn sessions_lists_every_session_with_unknown_fields_kept() {
    let server = always(Answer::json(200, json!([session_json("ses_a"), session_json("ses_b")])));
    let sessions = client(&server).sessions().unwrap();
    let request = server.single_call();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/session"));
    let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["ses_a", "ses_b"]);
    assert_eq!(sessions[0].title.as_deref(), Some("a title"));
    assert_eq!(sessions[0].extra["time"]["created"], 1);
}

#[test]
fn session_gets_one_session_by_id() {
    let server = always(Answer::json(200, session_json("ses_x")));
    let session = client(&server).session("ses_x").unwrap();
    let request = server.single_call();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/session/ses_x")
    );
    assert_eq!(session.id, "ses_x");
}

#[test]
fn session_id_is_escaped_so_it_cannot_reach_another_endpoint() {
    let server = always(Answer::json(200, session_json("x")));
    let _ = client(&server).session("../global/health?x=1");
    assert_eq!(server.single_call().path, "/session/..%2Fglobal%2Fhealth%3Fx%3D1");
}

#[test]
fn new_session_posts_title_parent_and_permission() {
    let server = always(Answer::json(
        200,
        json!({"id": "ses_new", "title": "t", "parentID": "ses_parent"}),
    ));
    let rules = json!([{"permission": "bash", "pattern": "*", "action": "deny"}]);
    let request = NewSession::new()
        .title("t")
        .parent_id("ses_parent")
        .permission(rules.clone());
    let session = client(&server).new_session(&request).unwrap();
    let sent = server.single_call();
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("POST", "/session"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({"title": "t", "parentID": "ses_parent", "permission": rules})
    );
    assert_eq!(session.id, "ses_new");
    assert_eq!(session.parent_id.as_deref(), Some("ses_parent"));
}

#[test]
fn new_session_without_options_posts_an_empty_object() {
    let server = always(Answer::json(200, json!({"id": "ses_new"})));
    client(&server).new_session(&NewSession::new()).unwrap();
    assert_eq!(server.single_call().body_text(), "{}");
}

#[test]
fn delete_sends_delete_and_returns_true() {
    let server = always(Answer::json(200, json!(true)));
    assert!(client(&server).delete("ses_x").unwrap());
    let request = server.single_call();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("DELETE", "/session/ses_x")
    );
}

#[test]
fn abort_posts_to_the_abort_endpoint() {
    let server = always(Answer::json(200, json!(true)));
    assert!(client(&server).abort("ses_x").unwrap());
    let request = server.single_call();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/session/ses_x/abort")
    );
    assert!(request.body.is_empty());
}

// ---- send ----

#[test]
fn send_posts_a_text_part() {
    let server = always(hello_reply());
    send_text(&client(&server), "hello").unwrap();
    let request = server.single_call();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/session/ses_x/message")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), json!({"parts": [{"type": "text", "text": "hello"}]}));
}

#[test]
fn send_includes_model_agent_and_system_when_given() {
    let server = always(hello_reply());
    let mut options = SendOptions::default();
    options.model = Some(ModelRef::new("anthropic", "claude-sonnet"));
    options.agent = Some("build".into());
    options.system = Some("be brief".into());
    client(&server).send("ses_x", "hello", &options).unwrap();
    assert_eq!(
        server.single_call().json(),
        json!({
            "parts": [{"type": "text", "text": "hello"}],
            "model": {"providerID": "anthropic", "modelID": "claude-sonnet"},
            "agent": "build",
            "system": "be brief"
        })
    );
}

#[test]
fn send_passes_parts_through_unchanged() {
    let server = always(hello_reply());
    let parts = vec![
        json!({"type": "text", "text": "look at this"}),
        json!({"type": "file", "mime": "text/plain", "url": "file:///tmp/a.txt", "filename": "a.txt"}),
    ];
    client(&server)
        .send("ses_x", Prompt::Parts(parts.clone()), &SendOptions::default())
        .unwrap();
    assert_eq!(server.single_call().json(), json!({ "parts": parts }));
}

#[test]
fn send_reply_text_joins_the_text_parts() {
    let server = always(Answer::json(
        200,
        reply_json(json!([
            {"type": "step-start"},
            {"type": "text", "text": "hello "},
            {"type": "tool", "tool": "bash", "state": {"status": "completed"}},
            {"type": "text", "text": "world"},
            {"type": "step-finish"}
        ])),
    ));
    let reply = send_text(&client(&server), "hi").unwrap();
    assert_eq!(reply.text(), "hello world");
    assert_eq!(reply.info.id, "msg_1");
    assert_eq!(reply.info.role, "assistant");
    assert_eq!(reply.parts.len(), 5);
    assert_eq!(reply.info.extra["modelID"], "echo");
}

#[test]
fn send_returns_not_found_for_unknown_session() {
    let server = always(Answer::json(
        404,
        json!({"name": "NotFoundError", "data": {"message": "Session not found: ses_x"}}),
    ));
    let err = send_text(&client(&server), "hello").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.status(), Some(404));
    assert!(err.message().contains("Session not found: ses_x"), "{err}");
}

#[test]
fn send_returns_provider_error_with_the_reply_when_info_error_is_set() {
    let mut body = reply_json(json!([{"type": "text", "text": "partial"}]));
    body["info"]["error"] =
        json!({"name": "APIError", "data": {"message": "rate limited by upstream", "statusCode": 429}});
    let server = always(Answer::json(200, body));
    let err = send_text(&client(&server), "hello").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Provider);
    assert_eq!(err.status(), Some(200));
    assert!(
        err.message().contains("APIError") && err.message().contains("rate limited by upstream"),
        "{err}"
    );
    let reply = err.reply().expect("the reply travels with the error");
    assert_eq!(reply.info.id, "msg_1");
    assert_eq!(reply.text(), "partial");
}

#[test]
fn send_returns_aborted_when_the_generation_was_aborted() {
    let mut body = reply_json(json!([]));
    body["info"]["error"] = json!({"name": "MessageAbortedError", "data": {"message": "The operation was aborted."}});
    let server = always(Answer::json(200, body));
    let err = send_text(&client(&server), "hello").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Aborted);
    assert!(err.message().contains("aborted"), "{err}");
    assert!(err.reply().is_some());
}

// ---- error kinds ----

#[test]
fn connection_refused_is_a_connect_error() {
    let url = closed_port_url();
    let err = Client::connect(config(&url)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.status(), None);
    assert!(err.message().contains(&url), "{err}");
    assert_one_line(&err);
}

#[test]
fn unauthorized_with_empty_body_is_an_auth_error() {
    let server = always(Answer::empty(401));
    let err = client(&server).sessions().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(401));
    assert!(err.message().contains("401"), "{err}");
}

#[test]
fn forbidden_is_an_auth_error() {
    let server = always(Answer::text(403, "forbidden here"));
    let err = client(&server).sessions().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(403));
    assert!(err.message().contains("forbidden here"), "{err}");
}

#[test]
fn not_found_carries_the_server_message() {
    let server = always(Answer::json(
        404,
        json!({"name": "NotFoundError", "data": {"message": "Session not found: ses_missing"}}),
    ));
    let err = client(&server).session("ses_missing").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.status(), Some(404));
    assert!(err.message().contains("Session not found: ses_missing"), "{err}");
}

#[test]
fn server_error_with_plain_text_is_http_with_status_and_body() {
    let server = always(Answer::text(500, "internal meltdown\nstack: at foo()"));
    let err = client(&server).sessions().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status(), Some(500));
    assert!(err.message().contains("HTTP 500"), "{err}");
    assert!(err.message().contains("internal meltdown stack: at foo()"), "{err}");
    assert_one_line(&err);
}

#[test]
fn bad_gateway_html_is_http_with_the_page_title() {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let server = always(Answer::html(502, page));
    let err = send_text(&client(&server), "hello").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status(), Some(502));
    assert!(err.message().contains("502 Bad Gateway"), "{err}");
    assert!(!err.message().contains('<'), "HTML tags leaked: {err}");
    assert_one_line(&err);
}

#[test]
fn gateway_timeout_html_is_http_with_the_page_title() {
    let page = "<!DOCTYPE html>\n<html>\n<head>\n<title>504 Gateway Time-out</title>\n</head>\n<body><h1>Gateway Time-out</h1></body>\n</html>";
    let server = always(Answer::html(504, page));
    let err = send_text(&client(&server), "hello").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status(), Some(504));
    assert!(err.message().contains("504 Gateway Time-out"), "{err}");
    assert!(!err.message().contains('<'), "HTML tags leaked: {err}");
    assert_one_line(&err);
}

#[test]
fn invalid_json_on_success_is_a_decode_error() {
    let server = always(Answer::new(200, "application/json", "{\"id\": \"ses_x\", oops"));
    let err = client(&server).session("ses_x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status(), Some(200));
    assert_one_line(&err);
}

#[test]
fn wrong_json_shape_on_success_is_a_decode_error() {
    let server = always(Answer::json(200, json!({"sessions": []})));
    let err = client(&server).sessions().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

// ---- timeouts ----

fn quick_config(server: &FakeServer) -> Config {
    let mut config = config(&server.url());
    config.timeout = Duration::from_millis(300);
    config
}

#[test]
fn get_that_never_answers_times_out() {
    let server = always(health().after(Duration::from_secs(5)));
    let client = Client::new(quick_config(&server)).unwrap();
    let started = Instant::now();
    let err = client.health().unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.status(), None);
    assert!(
        elapsed >= Duration::from_millis(250) && elapsed < Duration::from_secs(2),
        "took {elapsed:?}"
    );
    assert!(err.message().contains("0.3s"), "{err}");
}

#[test]
fn send_waits_past_the_call_timeout_without_a_send_timeout() {
    let server = always(hello_reply().after(Duration::from_millis(800)));
    let client = Client::new(quick_config(&server)).unwrap();
    let started = Instant::now();
    let reply = send_text(&client, "hello").expect("send is not bounded by Config.timeout");
    assert!(started.elapsed() >= Duration::from_millis(800));
    assert_eq!(reply.text(), "hi there");
}

#[test]
fn send_times_out_after_send_timeout_and_aborts_the_generation() {
    // The reply would take 20 s; everything else answers at once.
    let server = FakeServer::start(|request: &Request| match request.path.as_str() {
        "/global/health" => health(),
        "/global/event" => Answer::connected(Duration::from_secs(30)),
        "/session/ses_x/message" => hello_reply().after(Duration::from_secs(20)),
        "/session/ses_x/abort" => Answer::json(200, json!(true)),
        _ => Answer::json(200, json!([])),
    });
    let mut config = quick_config(&server);
    config.timeout = Duration::from_secs(5);
    config.send_timeout = Some(Duration::from_millis(300));
    let client = Client::new(config).unwrap();
    let started = Instant::now();
    let err = send_text(&client, "hello").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.message().contains("the generation was aborted"), "{err}");
    // Bounded by send_timeout, not by the reply (20 s) nor Config.timeout (5 s).
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        server.requests_to("/session/ses_x/message").len(),
        1,
        "a timed-out send is not retried"
    );
    assert_eq!(
        server.requests_to("/session/ses_x/abort").len(),
        1,
        "and its generation is aborted"
    );
}

// ---- retries and connections ----

/// Health always answers; the first message request is dropped without a reply.
fn drops_first_message() -> FakeServer {
    let messages = Arc::new(AtomicUsize::new(0));
    FakeServer::start(move |request: &Request| match request.path.as_str() {
        "/global/health" => health(),
        "/session/ses_x/message" if messages.fetch_add(1, Ordering::SeqCst) == 0 => Answer::Close,
        _ => hello_reply(),
    })
}

#[test]
fn dropped_message_request_is_not_retried() {
    let server = drops_first_message();
    let client = client(&server);
    client.health().unwrap(); // so the message goes over a reused connection
    let err = send_text(&client, "hello").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert_eq!(err.status(), None);
    assert_eq!(server.requests_to("/session/ses_x/message").len(), 1);
}

#[test]
fn dropped_message_request_on_a_fresh_connection_is_not_retried() {
    let server = drops_first_message();
    let err = send_text(&client(&server), "hello").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert_eq!(server.requests_to("/session/ses_x/message").len(), 1);
}

#[test]
fn client_still_works_after_a_dropped_connection() {
    let server = drops_first_message();
    let client = client(&server);
    send_text(&client, "hello").unwrap_err();
    assert_eq!(client.health().unwrap().version.as_deref(), Some("1.18.33"));
    assert_eq!(send_text(&client, "again").unwrap().text(), "hi there");
    assert_eq!(server.requests_to("/session/ses_x/message").len(), 2);
}

#[test]
fn server_closing_an_idle_connection_does_not_break_the_next_send() {
    let server = FakeServer::start(|request: &Request| match request.path.as_str() {
        "/global/health" => health().then_close(),
        _ => hello_reply(),
    });
    let client = client(&server);
    client.health().unwrap();
    // The case under test: the server's FIN has reached the client's socket
    // before the send picks a connection.
    let deadline = Instant::now() + Duration::from_secs(10);
    while open_on_our_end(server.addr().port()) {
        assert!(Instant::now() < deadline, "the fake never closed the connection");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(send_text(&client, "hello").unwrap().text(), "hi there");
    assert_eq!(server.requests_to("/session/ses_x/message").len(), 1);
}

/// True while a connection to 127.0.0.1:`server_port` is established on our
/// end (from /proc/net/tcp). Once the server has closed it, our end is in
/// CLOSE_WAIT (our kernel has the FIN), or gone if the client saw it already.
fn open_on_our_end(server_port: u16) -> bool {
    const ESTABLISHED: &str = "01";
    let remote = format!("0100007F:{server_port:04X}");
    let table = std::fs::read_to_string("/proc/net/tcp").expect("read /proc/net/tcp");
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.get(2) == Some(&remote.as_str()) && fields.get(3) == Some(&ESTABLISHED)
    })
}

#[test]
fn sequential_calls_reuse_one_connection() {
    let server = FakeServer::start(|request: &Request| match request.path.as_str() {
        "/global/health" => health(),
        "/global/event" => Answer::connected(Duration::from_secs(30)),
        "/session" | "/permission" | "/question" => Answer::json(200, json!([])),
        _ => hello_reply(),
    });
    let client = client(&server);
    client.health().unwrap();
    client.sessions().unwrap();
    send_text(&client, "one").unwrap();
    client.health().unwrap();
    send_text(&client, "two").unwrap();
    send_text(&client, "three").unwrap();
    assert_eq!(server.calls().len(), 6);
    // The calls made on this thread share one connection; the sends travel
    // on the client's background one, beside its event stream (and, if a
    // send was still running then, a request for pending permissions).
    assert!(server.connections() <= 4, "{} connections", server.connections());
}

// ---- what errors and debug output show ----

#[test]
fn password_never_appears_in_errors_or_the_client() {
    let unauthorized = always(Answer::empty(401));
    let slow = always(health().after(Duration::from_secs(5)));
    let garbage = always(Answer::text(200, "not json"));
    let bad_gateway = always(Answer::html(502, "<html><title>502 Bad Gateway</title></html>"));
    let mut urls = vec![
        closed_port_url(),
        unauthorized.url(),
        slow.url(),
        garbage.url(),
        bad_gateway.url(),
    ];
    // The password may also come inside the URL.
    urls.push(format!("http://opencode:{PASSWORD}@{}", unauthorized.addr()));
    urls.push(format!(
        "http://opencode:{PASSWORD}@{}",
        closed_port_url().trim_start_matches("http://")
    ));
    for url in urls {
        let mut config = config(&url);
        config.password = Some(PASSWORD.into());
        config.timeout = Duration::from_millis(300);
        if !url.contains(PASSWORD) {
            // (a password inside the URL: see config_debug_hides_a_password_in_the_url)
            assert!(
                !format!("{config:?}").contains(PASSWORD),
                "Config debug shows the password"
            );
        }
        let client = Client::new(config).unwrap();
        assert!(
            !format!("{client:?}").contains(PASSWORD),
            "Client debug shows the password"
        );
        let err = client.health().unwrap_err();
        for shown in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(
                !shown.contains(PASSWORD),
                "password shown for {:?}: {shown}",
                err.kind()
            );
        }
    }
    let err = Client::new(config(&format!("ftp://opencode:{PASSWORD}@host"))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(!format!("{err} {err:?}").contains(PASSWORD), "{err:?}");
}

#[test]
fn config_debug_hides_the_password() {
    let mut config = config("http://127.0.0.1:4096");
    config.password = Some(PASSWORD.into());
    let shown = format!("{config:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(shown.contains("127.0.0.1:4096"), "{shown}");
}

#[test]
fn config_debug_hides_a_password_in_the_url() {
    let config = config(&format!("http://opencode:{PASSWORD}@127.0.0.1:4096"));
    let shown = format!("{config:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[test]
fn error_display_is_one_line_for_every_kind() {
    let html = always(Answer::html(
        502,
        "<html>\n<body>\n<h1>Bad\n\nGateway</h1>\n</body>\n</html>\n",
    ));
    let text = always(Answer::text(500, "line one\nline two\r\nline three"));
    let not_found = always(Answer::json(
        404,
        json!({"name": "NotFoundError", "data": {"message": "Session\nnot found"}}),
    ));
    let mut provider_body = reply_json(json!([]));
    provider_body["info"]["error"] = json!({"name": "APIError", "data": {"message": "upstream said:\n  no"}});
    let provider = always(Answer::json(200, provider_body));
    let decode = always(Answer::text(200, "{\n oops"));
    let errors = [
        send_text(&client(&html), "x").unwrap_err(),
        send_text(&client(&text), "x").unwrap_err(),
        send_text(&client(&not_found), "x").unwrap_err(),
        send_text(&client(&provider), "x").unwrap_err(),
        send_text(&client(&decode), "x").unwrap_err(),
        Client::connect(config(&closed_port_url())).unwrap_err(),
    ];
    let kinds: Vec<ErrorKind> = errors.iter().map(Error::kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::Http,
            ErrorKind::Http,
            ErrorKind::NotFound,
            ErrorKind::Provider,
            ErrorKind::Decode,
            ErrorKind::Connect
        ]
    );
    for err in &errors {
        assert_one_line(err);
    }
    assert!(errors[0].message().contains("Bad Gateway"), "{}", errors[0]);
    assert!(errors[3].message().contains("upstream said: no"), "{}", errors[3]);
}
