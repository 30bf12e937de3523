//! An in-process fake of `opencode serve` for the client's tests: HTTP/1.1
//! with keep-alive, std only. It records every request and answers each with
//! whatever the test's handler returns.
//!
//! Every loop is bounded: the accept thread stops when the server is dropped
//! (or after `MAX_CONNECTIONS`), connection threads give up after
//! `READ_TIMEOUT` of silence, and delays end early once the server is dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const MAX_CONNECTIONS: usize = 2000;
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HEADERS: usize = 100;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The request target: path and query, as sent.
    pub path: String,
    /// Names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
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

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Wait, then do the inner reply.
    Delay(Duration, Box<Reply>),
    /// Close the connection without answering (the client sees a reset).
    Close,
    /// Do the inner reply, then close the connection (without announcing it).
    ThenClose(Box<Reply>),
    /// A streamed body (no length; the connection closes after it): each
    /// chunk is written after its pause. `hold` keeps the connection open,
    /// silent, after the last chunk.
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
            chunks: frames
                .iter()
                .map(|frame| (pause, format!("data: {frame}\n\n").into_bytes()))
                .collect(),
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

type Handler = dyn Fn(&Request) -> Reply + Send + Sync + 'static;

pub struct FakeServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let addr = listener.local_addr().unwrap();
        let handler: Arc<Handler> = Arc::new(handler);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Shared {
            handler,
            requests: requests.clone(),
            stop: stop.clone(),
        };
        let (count, stopped) = (connections.clone(), stop.clone());
        let accept_thread = thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) && count.load(Ordering::SeqCst) < MAX_CONNECTIONS {
                match listener.accept() {
                    Ok((stream, _)) => {
                        count.fetch_add(1, Ordering::SeqCst);
                        let shared = shared.clone();
                        thread::spawn(move || shared.serve(stream));
                    }
                    // WouldBlock: nobody is connecting; look again shortly.
                    Err(_) => thread::sleep(Duration::from_millis(2)),
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

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
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
}

impl Shared {
    /// Serves requests on one connection until the client closes it, it goes
    /// quiet for `READ_TIMEOUT`, or a reply closes it.
    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
        let Ok(read_half) = stream.try_clone() else { return };
        let mut reader = BufReader::new(read_half);
        let mut writer = stream;
        while let Some(request) = read_request(&mut reader) {
            self.requests.lock().unwrap().push(request.clone());
            let reply = (self.handler)(&request);
            if !self.perform(&mut writer, reply) {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        }
    }

    /// Carries out a reply; false when the connection must be closed.
    fn perform(&self, stream: &mut TcpStream, reply: Reply) -> bool {
        match reply {
            Reply::Respond { status, headers, body } => write_response(stream, status, &headers, &body).is_ok(),
            Reply::Delay(delay, inner) => self.pause(delay) && self.perform(stream, *inner),
            Reply::Close => false,
            Reply::Stream {
                status,
                content_type,
                chunks,
                hold,
            } => {
                let head = format!(
                    "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n",
                    reason(status)
                );
                if stream.write_all(head.as_bytes()).is_err() {
                    return false;
                }
                for (pause, chunk) in chunks {
                    if !self.pause(pause) || stream.write_all(&chunk).and_then(|_| stream.flush()).is_err() {
                        return false;
                    }
                }
                self.pause(hold);
                false
            }
            Reply::ThenClose(inner) => {
                self.perform(stream, *inner);
                false
            }
        }
    }
}

impl Shared {
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

/// Reads one request with a `Content-Length` body (or none); `None` at EOF,
/// on a timeout, or on anything malformed.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut words = line.split_whitespace();
    let (method, path) = (words.next()?.to_owned(), words.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || headers.len() > MAX_HEADERS {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(Some(0), |(_, v)| v.parse::<usize>().ok())?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
