//! A tiny OpenAI-compatible chat-completions server that tests, examples and benchmarks
//! point opencode at instead of a real model.
//!
//! It answers `echo: <the user's prompt>`, so a test can assert on exact reply text, and it
//! understands a few markers inside the prompt to exercise the other paths of opencode:
//!
//! - `[[bash:COMMAND]]` calls opencode's `bash` tool; once the tool result comes back the
//!   reply is `tool said: <tool output>`.
//! - `[[question]]` calls opencode's `question` tool, asking "Which color?" with the options
//!   `red` and `blue`; once answered the reply is `tool said: <tool output>`, which names the
//!   chosen label (`"Which color?"="blue"`).
//! - `[[fail]]` answers HTTP 500 (`[[fail:STATUS]]` another status), which opencode reports as
//!   a provider error in the reply's `info.error`.
//! - `[[sleep:MS]]` waits MS milliseconds before answering (for abort and timeout tests).
//!
//! The tests run it in-process ([`EchoProvider::start`]); tools/demo.sh, tools/echo-server.sh
//! and the benchmarks run the `opencode-echo-provider` program of this crate, which serves
//! [`serve`] on a port. Set `OPENCODE_ECHO_LOG` to a file path to append every request body
//! there (one JSON document per line) for debugging.

use serde_json::{json, Value};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const MAX_HEADER_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// An idle keep-alive connection is dropped after this long, so threads cannot pile up.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// `[[sleep:MS]]` is capped so a typo cannot wedge a test run.
const MAX_SLEEP: Duration = Duration::from_secs(600);
/// opencode's bash tool requires a description; the value is arbitrary.
const BASH_DESCRIPTION: &str = "run command";
/// The arguments of the `question` tool call that `[[question]]` makes.
const QUESTION_ARGUMENTS: &str = r#"{"questions":[{"question":"Which color?","header":"Color","options":[{"label":"red","description":"warm"},{"label":"blue","description":"cold"}]}]}"#;

/// How the provider answers.
pub struct Settings {
    chunk_delay: Duration,
    log: Option<Mutex<std::fs::File>>,
    next_id: AtomicU64,
}

impl Settings {
    /// `chunk_delay` between streamed chunks; request bodies logged to the
    /// file `OPENCODE_ECHO_LOG` names, when it is set.
    pub fn new(chunk_delay: Duration) -> io::Result<Settings> {
        let log = match std::env::var_os("OPENCODE_ECHO_LOG") {
            Some(path) => {
                let file = std::fs::OpenOptions::new().create(true).append(true).open(&path);
                let file = file.map_err(|e| io::Error::new(e.kind(), format!("OPENCODE_ECHO_LOG {path:?}: {e}")))?;
                Some(Mutex::new(file))
            }
            None => None,
        };
        Ok(Settings {
            chunk_delay,
            log,
            next_id: AtomicU64::new(1),
        })
    }
}

/// Serves every connection `listener` accepts, each on a thread of its own,
/// until `stop` is set (checked as each connection arrives).
pub fn serve(listener: TcpListener, settings: Arc<Settings>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match stream {
            Ok(stream) => {
                let settings = Arc::clone(&settings);
                thread::spawn(move || {
                    if let Err(e) = serve_connection(stream, &settings) {
                        if !is_disconnect(&e) {
                            eprintln!("opencode-echo-provider: connection error: {e}");
                        }
                    }
                });
            }
            Err(e) => {
                eprintln!("opencode-echo-provider: accept failed: {e}");
                thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// The provider on a free port of 127.0.0.1, served by threads of this
/// process; stops accepting when dropped.
pub struct EchoProvider {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept_thread: Option<thread::JoinHandle<()>>,
}

impl EchoProvider {
    /// Starts the provider, pausing `chunk_delay_ms` between streamed chunks.
    pub fn start(chunk_delay_ms: u64) -> EchoProvider {
        let settings =
            Settings::new(Duration::from_millis(chunk_delay_ms)).unwrap_or_else(|e| panic!("echo provider: {e}"));
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the listener's address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let accept_thread = thread::spawn(move || serve(listener, Arc::new(settings), &stopped));
        EchoProvider {
            addr,
            stop,
            accept_thread: Some(accept_thread),
        }
    }

    /// The OpenAI-compatible base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for EchoProvider {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // The accept loop sees the flag with the next connection: this one.
        if TcpStream::connect(self.addr).is_ok() {
            if let Some(thread) = self.accept_thread.take() {
                let _ = thread.join();
            }
        }
    }
}

fn is_disconnect(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::WouldBlock
            | io::ErrorKind::TimedOut
    )
}

// ---------------------------------------------------------------------------------------------
// HTTP/1.1

struct Request {
    method: String,
    path: String,
    keep_alive: bool,
    body: Vec<u8>,
}

fn serve_connection(stream: TcpStream, settings: &Settings) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader, &mut writer)? {
        let keep_alive = request.keep_alive;
        handle(&request, &mut writer, settings)?;
        if !keep_alive {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
    Ok(())
}

/// Reads one request; `None` when the client closed the connection between requests.
fn read_request(reader: &mut impl BufRead, writer: &mut TcpStream) -> io::Result<Option<Request>> {
    let mut header_bytes = 0;
    let mut line = String::new();
    // Tolerate stray blank lines between keep-alive requests.
    loop {
        line.clear();
        if read_line(reader, &mut line, &mut header_bytes)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let target = words.next().unwrap_or_default().to_string();
    let version = words.next().unwrap_or("HTTP/1.1").to_string();
    let path = target.split('?').next().unwrap_or_default().to_string();

    let mut content_length: Option<usize> = None;
    let mut chunked = false;
    let mut connection = String::new();
    let mut expect_continue = false;
    loop {
        line.clear();
        if read_line(reader, &mut line, &mut header_bytes)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => content_length = value.parse().ok(),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => connection = value.to_ascii_lowercase(),
            "expect" => expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
    }
    if expect_continue {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }

    let body = if chunked {
        read_chunked_body(reader)?
    } else {
        let length = content_length.unwrap_or(0);
        if length > MAX_BODY_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    };
    let keep_alive = if version == "HTTP/1.0" {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    Ok(Some(Request {
        method,
        path,
        keep_alive,
        body,
    }))
}

fn read_line(reader: &mut impl BufRead, line: &mut String, total: &mut usize) -> io::Result<usize> {
    let n = reader
        .by_ref()
        .take((MAX_HEADER_BYTES - *total) as u64 + 1)
        .read_line(line)?;
    *total += n;
    if *total > MAX_HEADER_BYTES {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "headers too large"));
    }
    Ok(n)
}

fn read_chunked_body(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        let mut budget = 0;
        read_line(reader, &mut line, &mut budget)?;
        let size_text = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            // Skip trailers up to the blank line that ends the body.
            loop {
                line.clear();
                let mut budget = 0;
                if read_line(reader, &mut line, &mut budget)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn write_response(out: &mut TcpStream, status: u16, content_type: &str, body: &[u8]) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        reason(status),
        body.len()
    );
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_json(out: &mut TcpStream, status: u16, value: &Value) -> io::Result<()> {
    write_response(out, status, "application/json", value.to_string().as_bytes())
}

/// A `text/event-stream` response sent with chunked transfer encoding, one SSE frame per chunk.
struct EventStream<'a> {
    out: &'a mut TcpStream,
    delay: Duration,
    frames: usize,
}

impl<'a> EventStream<'a> {
    fn start(out: &'a mut TcpStream, delay: Duration) -> io::Result<Self> {
        out.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
              Transfer-Encoding: chunked\r\n\r\n",
        )?;
        out.flush()?;
        Ok(EventStream { out, delay, frames: 0 })
    }

    fn data(&mut self, data: &str) -> io::Result<()> {
        if self.frames > 0 && !self.delay.is_zero() {
            thread::sleep(self.delay);
        }
        self.frames += 1;
        let frame = format!("data: {data}\n\n");
        write!(self.out, "{:x}\r\n{frame}\r\n", frame.len())?;
        self.out.flush()
    }

    fn finish(self) -> io::Result<()> {
        self.out.write_all(b"0\r\n\r\n")?;
        self.out.flush()
    }
}

// ---------------------------------------------------------------------------------------------
// Chat completions

fn handle(request: &Request, out: &mut TcpStream, settings: &Settings) -> io::Result<()> {
    let path = request.path.trim_end_matches('/');
    match (request.method.as_str(), path) {
        ("POST", "/v1/chat/completions" | "/chat/completions") => {}
        ("GET", "/v1/models" | "/models") => {
            let models = json!({"object": "list", "data": [
                {"id": "echo", "object": "model", "created": 0, "owned_by": "opencode-echo-provider"}
            ]});
            return write_json(out, 200, &models);
        }
        ("GET" | "HEAD", "" | "/v1") => return write_response(out, 200, "text/plain", b"ok\n"),
        _ => {
            let error = error_body(&format!("no route for {} {}", request.method, request.path));
            return write_json(out, 404, &error);
        }
    }

    if let Some(log) = &settings.log {
        if let Ok(mut file) = log.lock() {
            let _ = file.write_all(&request.body);
            let _ = file.write_all(b"\n");
        }
    }
    let body: Value = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => return write_json(out, 400, &error_body(&format!("invalid JSON body: {e}"))),
    };
    let stream = body["stream"].as_bool().unwrap_or(false);
    let include_usage = body["stream_options"]["include_usage"].as_bool().unwrap_or(false);
    let model = body["model"].as_str().unwrap_or("echo").to_string();
    let id = format!("chatcmpl-echo-{}", settings.next_id.fetch_add(1, Ordering::Relaxed));
    let prompt_tokens = count_tokens(&body["messages"].to_string());

    let action = decide(&body["messages"]);
    let reply = match action {
        Action::Fail(status) => {
            // opencode retries 5xx answers up to five times with backoff of 2 s and more;
            // `retry-after-ms` makes those retries immediate so a failing prompt fails fast.
            let error = error_body("echo provider failure requested by [[fail]]");
            let body = error.to_string();
            let head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nretry-after-ms: 1\r\n\
                 Content-Length: {}\r\n\r\n",
                reason(status),
                body.len()
            );
            out.write_all(head.as_bytes())?;
            out.write_all(body.as_bytes())?;
            return out.flush();
        }
        Action::Reply { sleep, reply } => {
            if !sleep.is_zero() && !sleep_while_connected(out, sleep) {
                return Err(io::ErrorKind::ConnectionAborted.into());
            }
            reply
        }
    };

    let completion_tokens = match &reply {
        Reply::Text(text) => count_tokens(text),
        Reply::Tool { arguments, .. } => count_tokens(arguments) + 4,
    };
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    });
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);

    if !stream {
        let (message, finish_reason) = match &reply {
            Reply::Text(text) => (json!({"role": "assistant", "content": text}), "stop"),
            Reply::Tool { name, arguments } => (
                json!({"role": "assistant", "content": null, "tool_calls": [{
                    "id": format!("call_{id}"),
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }]}),
                "tool_calls",
            ),
        };
        let completion = json!({
            "id": id, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": usage,
        });
        return write_json(out, 200, &completion);
    }

    let chunk = |delta: Value, finish_reason: Option<&str>| {
        json!({
            "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        })
        .to_string()
    };
    let mut events = EventStream::start(out, settings.chunk_delay)?;
    let finish_reason = match &reply {
        Reply::Text(text) => {
            events.data(&chunk(json!({"role": "assistant", "content": ""}), None))?;
            for piece in split_words(text) {
                events.data(&chunk(json!({"content": piece}), None))?;
            }
            "stop"
        }
        Reply::Tool { name, arguments } => {
            // Name first, arguments in two pieces, as real providers stream them.
            let middle = arguments.len() / 2;
            let middle = (middle..arguments.len())
                .find(|&i| arguments.is_char_boundary(i))
                .unwrap_or(arguments.len());
            let call_id = format!("call_{id}");
            events.data(&chunk(
                json!({"role": "assistant", "content": null, "tool_calls": [{
                    "index": 0, "id": call_id, "type": "function",
                    "function": {"name": name, "arguments": ""},
                }]}),
                None,
            ))?;
            for piece in [&arguments[..middle], &arguments[middle..]] {
                events.data(&chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}),
                    None,
                ))?;
            }
            "tool_calls"
        }
    };
    events.data(&chunk(json!({}), Some(finish_reason)))?;
    if include_usage {
        let usage_chunk = json!({
            "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [], "usage": usage,
        });
        events.data(&usage_chunk.to_string())?;
    }
    events.data("[DONE]")?;
    events.finish()
}

fn error_body(message: &str) -> Value {
    json!({"error": {"message": message, "type": "echo_error", "code": "echo_error"}})
}

enum Action {
    /// Answer with this HTTP error status.
    Fail(u16),
    Reply {
        sleep: Duration,
        reply: Reply,
    },
}

enum Reply {
    Text(String),
    /// A call of one of opencode's tools, with its arguments as JSON text.
    Tool {
        name: &'static str,
        arguments: String,
    },
}

/// Chooses the answer from the conversation; markers only count in the user's latest prompt.
fn decide(messages: &Value) -> Action {
    let empty = Vec::new();
    let messages = messages.as_array().unwrap_or(&empty);
    let reply = |reply| Action::Reply {
        sleep: Duration::ZERO,
        reply,
    };

    if is_title_request(messages) {
        return reply(Reply::Text("Echo session".to_string()));
    }
    let last_user = messages.iter().rposition(|m| m["role"] == "user");
    // A tool result after the latest prompt means we are in the middle of a tool turn.
    let tool_results: Vec<String> = messages
        .iter()
        .skip(last_user.map_or(0, |i| i + 1))
        .filter(|m| m["role"] == "tool")
        .map(|m| content_text(&m["content"]))
        .collect();
    if let Some(output) = tool_results.last() {
        return reply(Reply::Text(format!("tool said: {}", output.trim())));
    }

    let prompt = last_user
        .map(|i| user_prompt(&messages[i]["content"]))
        .unwrap_or_default();
    if prompt.contains("[[fail]]") {
        return Action::Fail(500);
    }
    if let Some(status) = marker(&prompt, "fail").and_then(|s| s.trim().parse().ok()) {
        return Action::Fail(status);
    }
    let sleep = marker(&prompt, "sleep")
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .map(|ms| Duration::from_millis(ms).min(MAX_SLEEP))
        .unwrap_or(Duration::ZERO);
    let answer = match marker(&prompt, "bash") {
        Some(command) => Reply::Tool {
            name: "bash",
            arguments: bash_arguments(command),
        },
        None if prompt.contains("[[question]]") => Reply::Tool {
            name: "question",
            arguments: QUESTION_ARGUMENTS.to_string(),
        },
        None => Reply::Text(format!("echo: {prompt}")),
    };
    Action::Reply { sleep, reply: answer }
}

/// opencode's title agent asks the small model for a title with a dedicated system prompt.
fn is_title_request(messages: &[Value]) -> bool {
    messages
        .iter()
        .filter(|m| m["role"] == "system")
        .any(|m| content_text(&m["content"]).contains("You are a title generator"))
}

/// The user's own text: opencode may add synthetic parts (system reminders, file context)
/// around what was typed, so those parts are dropped.
fn user_prompt(content: &Value) -> String {
    match content {
        Value::String(text) => strip_reminders(text),
        Value::Array(parts) => parts
            .iter()
            .filter(|p| p["type"] == "text")
            .filter_map(|p| p["text"].as_str())
            .map(strip_reminders)
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn strip_reminders(text: &str) -> String {
    let mut rest = text;
    let mut kept = String::new();
    while let Some(start) = rest.find("<system-reminder>") {
        kept.push_str(&rest[..start]);
        match rest[start..].find("</system-reminder>") {
            Some(end) => rest = &rest[start + end + "</system-reminder>".len()..],
            None => rest = "",
        }
    }
    kept.push_str(rest);
    kept.trim().to_string()
}

fn content_text(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The argument of the first `[[name:ARG]]` marker in `text`.
fn marker<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let open = format!("[[{name}:");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find("]]")? + start;
    Some(&text[start..end])
}

fn bash_arguments(command: &str) -> String {
    json!({"command": command, "description": BASH_DESCRIPTION}).to_string()
}

/// Splits text into word-sized stream pieces (at least three, so clients see real streaming),
/// keeping the whitespace so the pieces concatenate back to the original.
fn split_words(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_whitespace() && !current.is_empty() && !current.ends_with(char::is_whitespace) {
            pieces.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    while pieces.len() < 3 {
        // Pad with empty pieces rather than splitting characters.
        pieces.push(String::new());
    }
    pieces
}

fn count_tokens(text: &str) -> u64 {
    (text.split_whitespace().count() as u64).max(1)
}

/// Sleeps in short slices; returns false as soon as the client has hung up.
fn sleep_while_connected(stream: &TcpStream, total: Duration) -> bool {
    let deadline = Instant::now() + total;
    loop {
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        thread::sleep((deadline - now).min(Duration::from_millis(50)));
        if !connected(stream) {
            return false;
        }
    }
}

fn connected(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut byte = [0; 1];
    let alive = match stream.peek(&mut byte) {
        Ok(0) => false,
        Ok(_) => true,
        Err(e) => e.kind() == io::ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).is_ok() && alive
}
