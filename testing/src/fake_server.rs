//! The fake HTTP/1.1 server of the tests and benchmarks, std only: it records
//! every request and answers each with whatever the handler returns.
//!
//! A handler returns either a [`Reply`] (a well-formed response, possibly
//! delayed, streamed or followed by a close: what a fake `opencode serve`
//! needs) or a [`Fault`], a script of raw writes and pauses followed by how
//! the connection ends (kept alive, closed, reset, or held open in silence).
//! A `Reply` is only a shorthand for the `Fault` that writes it. Nothing is
//! HTTP-aware beyond reading the request, so a response can be cut at any
//! byte, stall anywhere, or be garbage.
//!
//! A reset is a real TCP RST: the server keeps the last byte of the request
//! unread and closes the socket, which makes the kernel abort the connection.
//!
//! Every loop is bounded: the accept thread stops when the server is dropped
//! (or after [`MAX_CONNECTIONS`]), a connection serves at most
//! [`MAX_REQUESTS_PER_CONNECTION`] requests and gives up after
//! [`READ_TIMEOUT`] of silence, and every pause ends early once the server is
//! dropped.
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

pub const MAX_CONNECTIONS: usize = 5000;
pub const MAX_REQUESTS_PER_CONNECTION: usize = 100_000;
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The request line and headers must fit in this many bytes.
pub const MAX_HEAD: usize = 64 * 1024;
/// Larger request bodies are refused (the connection is reset).
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The request target: path and query, as sent.
    pub path: String,
    /// Names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which TCP connection (0-based, in accept order) carried it.
    pub connection: usize,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The body length its `Content-Length` announced (0 without one).
    pub fn announced_length(&self) -> usize {
        self.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    /// The path without its query.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON; panics (failing the test) when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {:?}", self.body_text()))
    }

    /// The text of a message request's prompt: its text parts, joined.
    pub fn prompt_text(&self) -> String {
        self.json()["parts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|part| part["text"].as_str())
            .collect()
    }
}

/// One thing the server does on the wire.
#[derive(Clone, Debug)]
pub enum Step {
    /// Write these bytes and flush.
    Write(Vec<u8>),
    /// Write `chunk` `times` times (large bodies without holding them in memory).
    Repeat { chunk: Vec<u8>, times: usize },
    /// Write the bytes a piece at a time, pausing before each piece.
    Trickle {
        bytes: Vec<u8>,
        piece: usize,
        pause: Duration,
    },
    /// Wait (ends early when the server is dropped).
    Pause(Duration),
}

/// How the connection ends once the steps are done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Read the next request on the same connection (HTTP keep-alive).
    KeepAlive,
    /// Close cleanly (FIN).
    Close,
    /// Abort the connection: the kernel sends a TCP RST.
    Reset,
    /// Stay open and silent this long, then close.
    Hold(Duration),
    /// Keep the connection, and close it as soon as the next request starts
    /// to arrive, without reading it: a server whose keep-alive timeout fired
    /// just as the client reused the connection. The server's FIN comes
    /// first, then (the request unread) a reset.
    CloseWhenReused,
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub struct Fault {
    pub steps: Vec<Step>,
    pub end: End,
}

impl Fault {
    /// A complete, well-formed response with a `Content-Length`; the connection stays open.
    pub fn respond(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Fault {
        let headers = [("Content-Type", content_type)];
        Fault::raw(response(status, &headers, &body.into()), End::KeepAlive)
    }

    pub fn json(status: u16, value: serde_json::Value) -> Fault {
        Fault::respond(status, "application/json", value.to_string())
    }

    pub fn text(status: u16, body: &str) -> Fault {
        Fault::respond(status, "text/plain; charset=utf-8", body)
    }

    pub fn html(status: u16, body: &str) -> Fault {
        Fault::respond(status, "text/html", body)
    }

    /// These exact bytes, then `end`.
    pub fn raw(bytes: impl Into<Vec<u8>>, end: End) -> Fault {
        Fault {
            steps: vec![Step::Write(bytes.into())],
            end,
        }
    }

    /// Nothing written: the connection is reset once the request has arrived.
    pub fn reset() -> Fault {
        Fault {
            steps: Vec::new(),
            end: End::Reset,
        }
    }

    /// Nothing written: the connection is closed once the request has arrived.
    pub fn close() -> Fault {
        Fault {
            steps: Vec::new(),
            end: End::Close,
        }
    }

    /// Nothing written: the connection stays open and silent for `hold`.
    pub fn silence(hold: Duration) -> Fault {
        Fault {
            steps: Vec::new(),
            end: End::Hold(hold),
        }
    }

    /// The first `at` bytes of `bytes` (all of them if `at` is past the end), then `end`.
    pub fn cut(bytes: &[u8], at: usize, end: End) -> Fault {
        Fault::raw(bytes[..at.min(bytes.len())].to_vec(), end)
    }

    /// A response head announcing a `Content-Length` body, then `steps`, then `end`.
    pub fn head(status: u16, content_type: &str, content_length: usize, steps: Vec<Step>, end: End) -> Fault {
        let head = head(
            status,
            &[
                ("Content-Type", content_type),
                ("Content-Length", &content_length.to_string()),
            ],
        );
        let mut all = vec![Step::Write(head)];
        all.extend(steps);
        Fault { steps: all, end }
    }

    /// An event stream (`text/event-stream`, no length, `Connection: close`):
    /// the head, then each chunk after its pause, then `end`.
    pub fn sse(chunks: Vec<(Duration, Vec<u8>)>, end: End) -> Fault {
        let head = head(200, &[("Content-Type", "text/event-stream"), ("Connection", "close")]);
        let mut steps = vec![Step::Write(head)];
        for (pause, chunk) in chunks {
            if !pause.is_zero() {
                steps.push(Step::Pause(pause));
            }
            steps.push(Step::Write(chunk));
        }
        Fault { steps, end }
    }

    /// Waits before doing anything.
    pub fn after(mut self, delay: Duration) -> Fault {
        self.steps.insert(0, Step::Pause(delay));
        self
    }

    pub fn then(mut self, end: End) -> Fault {
        self.end = end;
        self
    }
}

/// A status line and headers, ending with the blank line.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// A whole response with a `Content-Length` header added.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let length = body.len().to_string();
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    all.push(("Content-Length", &length));
    let mut bytes = head(status, &all);
    bytes.extend_from_slice(body);
    bytes
}

/// One SSE frame carrying `data`.
pub fn sse_frame(data: &serde_json::Value) -> Vec<u8> {
    format!("data: {data}\n\n").into_bytes()
}

/// The event opencode sends first on `/global/event`.
pub fn connected_event() -> serde_json::Value {
    serde_json::json!({"payload": {"type": "server.connected", "properties": {}}})
}

/// The frame opencode sends first on `/global/event`.
pub fn connected_frame() -> Vec<u8> {
    sse_frame(&connected_event())
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Payload Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

type Handler = dyn Fn(&Request) -> Fault + Send + Sync + 'static;

/// What the server does with one request, said as a well-formed response;
/// converted to the [`Fault`] that writes it.
#[derive(Clone, Debug)]
pub enum Reply {
    /// The response, with a `Content-Length`; the connection stays open.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Wait, then do the inner reply.
    Delay(Duration, Box<Reply>),
    /// Close the connection without answering.
    Close,
    /// Do the inner reply, then close the connection (without announcing it).
    ThenClose(Box<Reply>),
    /// A streamed body (no length, `Connection: close`): each chunk is
    /// written after its pause. `hold` keeps the connection open, silent,
    /// after the last chunk; then it closes.
    Stream {
        status: u16,
        content_type: String,
        chunks: Vec<(Duration, Vec<u8>)>,
        hold: Duration,
    },
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn json(status: u16, value: serde_json::Value) -> Reply {
        Reply::new(status, "application/json", value.to_string())
    }

    pub fn text(status: u16, body: &str) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", body)
    }

    pub fn html(status: u16, body: &str) -> Reply {
        Reply::new(status, "text/html", body)
    }

    /// No body and no `Content-Type`.
    pub fn empty(status: u16) -> Reply {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// An SSE stream of `data:` frames, `pause` apart, then silence for `hold`.
    pub fn sse(frames: &[serde_json::Value], pause: Duration, hold: Duration) -> Reply {
        Reply::Stream {
            status: 200,
            content_type: "text/event-stream".into(),
            chunks: frames.iter().map(|frame| (pause, sse_frame(frame))).collect(),
            hold,
        }
    }

    /// The event stream of an idle opencode: the `server.connected` frame,
    /// then silence for `hold`.
    pub fn connected(hold: Duration) -> Reply {
        Reply::Stream {
            status: 200,
            content_type: "text/event-stream".into(),
            chunks: vec![(Duration::ZERO, connected_frame())],
            hold,
        }
    }

    pub fn after(self, delay: Duration) -> Reply {
        Reply::Delay(delay, Box::new(self))
    }

    pub fn then_close(self) -> Reply {
        Reply::ThenClose(Box::new(self))
    }
}

impl From<Reply> for Fault {
    fn from(reply: Reply) -> Fault {
        match reply {
            Reply::Respond { status, headers, body } => {
                let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
                Fault::raw(response(status, &headers, &body), End::KeepAlive)
            }
            Reply::Delay(delay, inner) => Fault::from(*inner).after(delay),
            Reply::Close => Fault::close(),
            Reply::ThenClose(inner) => Fault::from(*inner).then(End::Close),
            Reply::Stream {
                status,
                content_type,
                chunks,
                hold,
            } => {
                let head = head(status, &[("Content-Type", &content_type), ("Connection", "close")]);
                let mut steps = vec![Step::Write(head)];
                for (pause, chunk) in chunks {
                    steps.push(Step::Pause(pause));
                    steps.push(Step::Write(chunk));
                }
                Fault {
                    steps,
                    end: End::Hold(hold),
                }
            }
        }
    }
}

/// A handler as the server keeps it: whatever it returns, as a [`Fault`].
fn boxed<R: Into<Fault>>(handler: impl Fn(&Request) -> R + Send + Sync + 'static) -> Arc<Handler> {
    Arc::new(move |request: &Request| handler(request).into())
}

pub struct FakeServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Listens on a free port of 127.0.0.1.
    pub fn start<R: Into<Fault>>(handler: impl Fn(&Request) -> R + Send + Sync + 'static) -> FakeServer {
        FakeServer::start_on("127.0.0.1", handler)
    }

    /// Listens on a free port of `ip` (any 127.x.y.z works on Linux).
    pub fn start_on<R: Into<Fault>>(ip: &str, handler: impl Fn(&Request) -> R + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind((ip, 0)).unwrap_or_else(|e| panic!("bind {ip}:0: {e}"));
        FakeServer::serve_on(listener, handler)
    }

    /// Listens on exactly `addr` (say, a port that was refusing connections a moment ago).
    pub fn start_at<R: Into<Fault>>(
        addr: SocketAddr,
        handler: impl Fn(&Request) -> R + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        FakeServer::serve_on(listener, handler)
    }

    /// Like [`FakeServer::start`], but a request announcing a body of more
    /// than `cap` bytes is read only up to its head and `cap` bytes of body,
    /// recorded with that much body, and its connection closed with the rest
    /// unread (a reset), the handler not asked: a server or proxy refusing a
    /// large upload while the client is still sending it.
    pub fn start_refusing_bodies_over<R: Into<Fault>>(
        cap: usize,
        handler: impl Fn(&Request) -> R + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind 127.0.0.1:0");
        FakeServer::serve_capped(listener, Some(cap), handler)
    }

    fn serve_on<R: Into<Fault>>(
        listener: TcpListener,
        handler: impl Fn(&Request) -> R + Send + Sync + 'static,
    ) -> FakeServer {
        FakeServer::serve_capped(listener, None, handler)
    }

    fn serve_capped<R: Into<Fault>>(
        listener: TcpListener,
        body_cap: Option<usize>,
        handler: impl Fn(&Request) -> R + Send + Sync + 'static,
    ) -> FakeServer {
        listener.set_nonblocking(true).expect("non-blocking listener");
        let addr = listener.local_addr().unwrap();
        let handler = boxed(handler);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Shared {
            handler,
            requests: requests.clone(),
            stop: stop.clone(),
            body_cap,
        };
        let (count, stopped) = (connections.clone(), stop.clone());
        let accept_thread = thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) && count.load(Ordering::SeqCst) < MAX_CONNECTIONS {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let number = count.fetch_add(1, Ordering::SeqCst);
                        let shared = shared.clone();
                        thread::spawn(move || shared.serve(stream, number));
                    }
                    // WouldBlock: nobody is connecting; look again shortly.
                    Err(_) => thread::sleep(Duration::from_millis(1)),
                }
            }
        });
        FakeServer {
            addr,
            requests,
            connections,
            stop,
            accept_thread: Some(accept_thread),
        }
    }

    /// Base URL, such as `http://127.0.0.1:38211`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests with this method went to this path (query ignored).
    pub fn count(&self, method: &str, route: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == method && r.route() == route)
            .count()
    }

    /// The requests whose target is exactly `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Request> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    /// The only request received; panics when there were none or several.
    pub fn single_request(&self) -> Request {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
        requests.into_iter().next().unwrap()
    }

    /// The requests the test's calls made: left out are those a client makes
    /// in the background to watch a send (the event stream, and the pending
    /// permission requests and questions it asks for after connecting).
    pub fn calls(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| {
                !(r.method == "GET" && ["/global/event", "/permission", "/question"].contains(&r.path.as_str()))
            })
            .collect()
    }

    /// The only call received (see [`FakeServer::calls`]); panics when there were none or several.
    pub fn single_call(&self) -> Request {
        let calls = self.calls();
        assert_eq!(calls.len(), 1, "expected exactly one call, got {calls:#?}");
        calls.into_iter().next().unwrap()
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

#[derive(Clone)]
struct Shared {
    handler: Arc<Handler>,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    /// See [`FakeServer::start_refusing_bodies_over`].
    body_cap: Option<usize>,
}

impl Shared {
    fn serve(&self, mut stream: TcpStream, connection: usize) {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
        let _ = stream.set_nodelay(true);
        for _ in 0..MAX_REQUESTS_PER_CONNECTION {
            // The request is read except for its last byte, which stays in
            // the socket until the fault says how the connection ends.
            let Some(request) = read_request_but_last_byte(&mut stream, connection, &self.stop, self.body_cap) else {
                // EOF, silence, or a request too large or malformed: dropping
                // the socket (possibly with unread bytes) ends it.
                return;
            };
            self.requests.lock().unwrap().push(request.clone());
            if self.body_cap.is_some_and(|cap| request.announced_length() > cap) {
                return; // the rest of the body is unread: a reset
            }
            let fault = (self.handler)(&request);
            let written = self.perform(&mut stream, &fault.steps);
            if !written {
                return;
            }
            match fault.end {
                End::Reset => return, // closing with an unread byte: RST
                End::Close => {
                    let _ = consume_last_byte(&mut stream);
                    let _ = stream.shutdown(Shutdown::Write);
                    // Let the client see the FIN before the socket goes away.
                    self.pause(Duration::from_millis(20));
                    return;
                }
                End::Hold(hold) => {
                    let _ = consume_last_byte(&mut stream);
                    self.hold(&stream, hold);
                    let _ = stream.shutdown(Shutdown::Both);
                    return;
                }
                End::KeepAlive => {
                    if consume_last_byte(&mut stream).is_err() {
                        return;
                    }
                }
                End::CloseWhenReused => {
                    let _ = consume_last_byte(&mut stream);
                    // Blocks (up to READ_TIMEOUT) until the next request's
                    // first bytes are in; returning leaves them unread.
                    let mut byte = [0u8; 1];
                    let _ = stream.peek(&mut byte);
                    let _ = stream.shutdown(Shutdown::Write);
                    self.pause(Duration::from_millis(100));
                    return;
                }
            }
        }
    }

    /// Carries out the steps; false when writing failed or the server is stopping.
    fn perform(&self, stream: &mut TcpStream, steps: &[Step]) -> bool {
        for step in steps {
            let ok = match step {
                Step::Write(bytes) => write(stream, bytes),
                Step::Repeat { chunk, times } => {
                    (0..*times).all(|_| !self.stop.load(Ordering::Relaxed) && stream.write_all(chunk).is_ok())
                        && stream.flush().is_ok()
                }
                Step::Trickle { bytes, piece, pause } => bytes
                    .chunks((*piece).max(1))
                    .all(|piece| self.pause(*pause) && write(stream, piece)),
                Step::Pause(delay) => self.pause(*delay),
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// Keeps the connection open and silent for `hold`, or until the client
    /// closes it or the server is dropped.
    fn hold(&self, stream: &TcpStream, hold: Duration) {
        let deadline = Instant::now() + hold;
        let _ = stream.set_read_timeout(Some(Duration::from_millis(5)));
        let mut byte = [0u8; 1];
        while Instant::now() < deadline && !self.stop.load(Ordering::SeqCst) {
            match stream.peek(&mut byte) {
                Ok(0) => return,                                  // the client closed its end
                Ok(_) => thread::sleep(Duration::from_millis(5)), // it sent something: ignored
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(_) => return, // reset by the client
            }
        }
    }

    /// Waits, ending early (false) when the server is being dropped.
    fn pause(&self, delay: Duration) -> bool {
        let deadline = Instant::now() + delay;
        while Instant::now() < deadline {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            thread::sleep(Duration::from_millis(5).min(deadline.saturating_duration_since(Instant::now())));
        }
        !self.stop.load(Ordering::SeqCst)
    }
}

fn write(stream: &mut TcpStream, bytes: &[u8]) -> bool {
    stream.write_all(bytes).and_then(|_| stream.flush()).is_ok()
}

fn consume_last_byte(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut byte = [0u8; 1];
    stream.read_exact(&mut byte)
}

/// Reads one request with a `Content-Length` body (or none), leaving its last
/// byte unread (but arrived). `None` at EOF, after `READ_TIMEOUT`, or on
/// anything malformed or too large.
///
/// With a `cap` below the announced length, reads the head and `cap` bytes of
/// body only, all of them (the rest stays unread).
fn read_request_but_last_byte(
    stream: &mut TcpStream,
    connection: usize,
    stop: &AtomicBool,
    cap: Option<usize>,
) -> Option<Request> {
    // Find the end of the head by peeking, so nothing past it is consumed.
    let deadline = Instant::now() + READ_TIMEOUT;
    let mut buffer = vec![0u8; MAX_HEAD];
    let head_len = loop {
        let available = stream.peek(&mut buffer).ok()?;
        if available == 0 {
            return None; // EOF
        }
        if let Some(end) = find(&buffer[..available], b"\r\n\r\n") {
            break end + 4;
        }
        if available == buffer.len() || Instant::now() > deadline || stop.load(Ordering::Relaxed) {
            return None;
        }
        // Part of the head has arrived: peek returns at once, so wait a little.
        thread::sleep(Duration::from_millis(1));
    };
    let head = String::from_utf8_lossy(&buffer[..head_len]).into_owned();
    let mut lines = head.split("\r\n");
    let mut words = lines.next()?.split_whitespace();
    let (method, path) = (words.next()?.to_owned(), words.next()?.to_owned());
    let mut headers = Vec::new();
    for line in lines.filter(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    if headers.iter().any(|(n, _)| n == "transfer-encoding") {
        return None; // chunked request bodies are not needed by any test
    }
    let length = match headers.iter().find(|(n, _)| n == "content-length") {
        Some((_, value)) => value.parse::<usize>().ok()?,
        None => 0,
    };
    if let Some(cap) = cap.filter(|&cap| length > cap) {
        let mut all = vec![0u8; head_len + cap];
        stream.read_exact(&mut all).ok()?;
        let body = all.split_off(head_len);
        return Some(Request {
            method,
            path,
            headers,
            body,
            connection,
        });
    }
    if length > MAX_BODY {
        return None;
    }
    let total = head_len + length;
    let mut all = vec![0u8; total - 1];
    stream.read_exact(&mut all).ok()?;
    // The last byte must have arrived (so the whole request was sent) before
    // the fault runs; peek blocks until it has.
    let mut last = [0u8; 1];
    if stream.peek(&mut last).ok()? != 1 {
        return None;
    }
    all.push(last[0]);
    let body = all.split_off(head_len);
    Some(Request {
        method,
        path,
        headers,
        body,
        connection,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http;

    #[test]
    fn a_reply_is_written_as_its_fault_and_requests_are_recorded() {
        let server = FakeServer::start(|request: &Request| match request.route() {
            "/json" => Reply::json(201, serde_json::json!({"ok": true})),
            _ => Reply::empty(404),
        });
        let created = http::request(&server.url(), "POST", "/json?x=1", Some(&serde_json::json!([1])), None);
        assert_eq!(created.status, 201);
        assert_eq!(created.header("content-type"), Some("application/json"));
        assert_eq!(created.json(), serde_json::json!({"ok": true}));
        let missing = http::request(&server.url(), "GET", "/nothing", None, Some(("opencode", "pw")));
        assert_eq!(missing.status, 404);
        assert_eq!(missing.body, "");
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].json(), serde_json::json!([1]));
        assert_eq!(requests[1].header("authorization"), Some("Basic b3BlbmNvZGU6cHc="));
        assert_eq!(server.count("POST", "/json"), 1);
    }

    #[test]
    fn a_stream_reply_sends_its_chunks_then_closes() {
        let server = FakeServer::start(|_: &Request| Reply::connected(Duration::ZERO));
        let events = http::request(&server.url(), "GET", "/global/event", None, None);
        assert_eq!(events.status, 200);
        assert_eq!(events.body.as_bytes(), connected_frame());
    }
}
