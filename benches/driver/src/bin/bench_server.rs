//! The minimal server of the benchmarks (see BENCHMARKS.md): a tiny keep-alive
//! HTTP/1.1 server that answers the endpoints the benchmarks call with fixed
//! JSON, so that what is timed against it is the client, not the server.
//!
//!   (cd benches/driver && cargo run --release --bin bench_server -- [--port N])
//!
//! It prints `listening on http://127.0.0.1:PORT` and serves until killed, one
//! thread per connection, on 127.0.0.1 only.
//!
//! - `GET /global/health`, `POST /session`, `GET /session`, `GET /session/ID`,
//!   `DELETE /session/ID`, `POST /session/ID/abort`: fixed JSON.
//! - `POST /session/ID/message`: the reply `echo: PROMPT`, after publishing the
//!   events opencode publishes for it (message and part updates, text deltas,
//!   `session.idle`) to every `GET /global/event` subscriber.
//! - `POST /session/ID/prompt_async`: 204, then the same events.
//! - A prompt that starts with `[[stream:MS]]` is streamed word by word, MS
//!   milliseconds apart, and every word is stamped with the wall-clock time at
//!   which it was written to the subscriber's socket: the word `tk123q` goes out
//!   as the delta ` tk123q@NANOSECONDS` (nanoseconds since the Unix epoch, 19 digits).
//! - A prompt that starts with `[[hold]]` is held: its request waits, its
//!   connection open, until `POST /bench/release` (or at most `HOLD_LIMIT`),
//!   then it is answered as the rest of the prompt would be. `GET /bench/held`
//!   says how many are waiting (`{"held":N}`), so a benchmark knows when all of
//!   its requests have reached the server; `POST /bench/release` answers
//!   `{"released":N}`.
//!
//! Not opencode-testing's fake server, which the tests use: that one records
//! every request, finds a request's end by peeking (sleeping a millisecond when
//! a head arrives in parts), polls for new connections every millisecond and
//! caps connections (5,000) and idle time (10 s), and its replies are scripts
//! fixed when the request arrives, where `GET /global/event` here is a live
//! subscription stamped at the moment of writing. Each of those would add to
//! what is timed against the floor (the memory benchmark alone opens 10,000
//! connections) or could not express the streaming benchmark.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opencode_bench::http1::{read_chunked, read_framing};

/// Written in place of this placeholder when a frame reaches a socket.
const STAMP: &str = "%%STAMP%%";
const HEARTBEAT: Duration = Duration::from_secs(10);
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
const MAX_BODY: usize = 16 * 1024 * 1024;
const MAX_STREAM_DELAY_MS: u64 = 1000;
const VERSION: &str = "1.18.33";
/// The longest a `[[hold]]` prompt waits for `POST /bench/release`.
const HOLD_LIMIT: Duration = Duration::from_secs(600);
const HOLD: &str = "[[hold]]";

/// The requests held by `[[hold]]`: how many wait, and how many releases there
/// have been (a request waits until the count moves past the one it saw).
#[derive(Default)]
struct Held {
    state: Mutex<(usize, u64)>,
    released: Condvar,
}

impl Held {
    /// Waits for the next release (or `HOLD_LIMIT`).
    fn wait(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        let generation = state.1;
        let deadline = std::time::Instant::now() + HOLD_LIMIT;
        while state.1 == generation {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            state = self.released.wait_timeout(state, left).unwrap().0;
        }
        state.0 -= 1;
    }

    fn count(&self) -> usize {
        self.state.lock().unwrap().0
    }

    /// Lets every waiting request go; how many there were.
    fn release(&self) -> usize {
        let mut state = self.state.lock().unwrap();
        state.1 += 1;
        self.released.notify_all();
        state.0
    }
}

/// The `GET /global/event` connections: each gets every frame.
#[derive(Default)]
struct Bus {
    subscribers: Mutex<Vec<Sender<Arc<str>>>>,
    held: Held,
}

impl Bus {
    fn subscribe(&self) -> Receiver<Arc<str>> {
        let (tx, rx) = mpsc::channel();
        self.subscribers.lock().unwrap().push(tx);
        rx
    }

    fn has_subscribers(&self) -> bool {
        !self.subscribers.lock().unwrap().is_empty()
    }

    /// Publishes one event in opencode's `/global/event` envelope.
    fn publish(&self, kind: &str, properties: &str) {
        let id = next_id();
        let frame: Arc<str> = format!(
            "data: {{\"directory\":\"/bench\",\"project\":\"bench\",\"payload\":{{\"id\":\"evt_{id:012}\",\"type\":\"{kind}\",\"properties\":{properties}}}}}\n\n"
        )
        .into();
        self.subscribers
            .lock()
            .unwrap()
            .retain(|subscriber| subscriber.send(frame.clone()).is_ok());
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

fn main() {
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().and_then(|p| p.parse().ok()).expect("--port N"),
            other => {
                eprintln!("bench_server: unknown argument {other:?}\nusage: bench_server [--port N]");
                std::process::exit(2);
            }
        }
    }
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
    println!("listening on http://{}", listener.local_addr().expect("local address"));
    let bus = Arc::new(Bus::default());
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let bus = bus.clone();
        thread::spawn(move || {
            let _ = serve(stream, bus);
        });
    }
}

struct Request {
    method: String,
    path: String,
    close: bool,
    body: Vec<u8>,
}

fn serve(stream: TcpStream, bus: Arc<Bus>) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    while let Some(request) = read_request(&mut reader)? {
        if request.method == "GET" && request.path == "/global/event" {
            return events(&mut out, &bus);
        }
        let (status, body) = route(&request, &bus);
        let reason = match status {
            200 => "OK",
            204 => "No Content",
            _ => "Not Found",
        };
        // One write per response: a second small write would wait for the
        // client's delayed ACK on some stacks.
        let mut response = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body.as_bytes());
        out.write_all(&response)?;
        if request.close {
            break;
        }
    }
    Ok(())
}

fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default().to_owned();
    let target = words.next().unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let http10 = words.next() == Some("HTTP/1.0");
    let framing = read_framing(reader, &mut line)?;
    let close = framing.closes(http10);
    let body = if framing.chunked {
        read_chunked(reader, MAX_BODY)?
    } else {
        let length = framing.length.unwrap_or(0);
        if length > MAX_BODY {
            return Err(io::ErrorKind::InvalidData.into());
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    };
    Ok(Some(Request {
        method,
        path,
        close,
        body,
    }))
}

fn session_json(id: &str) -> String {
    format!(
        "{{\"id\":\"{id}\",\"slug\":\"bench\",\"projectID\":\"global\",\"directory\":\"/bench\",\"title\":\"New session\",\"version\":\"{VERSION}\",\"time\":{{\"created\":1795614154186,\"updated\":1795614154186}}}}"
    )
}

fn route(request: &Request, bus: &Arc<Bus>) -> (u16, String) {
    let path = request.path.trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["global", "health"]) => (200, format!("{{\"healthy\":true,\"version\":\"{VERSION}\"}}")),
        ("GET", ["session"]) => (200, "[]".to_owned()),
        ("POST", ["session"]) => (200, session_json(&format!("ses_bench{:012}", next_id()))),
        ("GET", ["session", id]) => (200, session_json(id)),
        ("DELETE", ["session", _]) | ("POST", ["session", _, "abort"]) => (200, "true".to_owned()),
        ("POST", ["session", id, "message"]) => {
            let prompt = prompt_text(&request.body);
            let prompt = match prompt.strip_prefix(HOLD) {
                Some(rest) => {
                    bus.held.wait();
                    rest.trim_start().to_owned()
                }
                None => prompt,
            };
            (200, answer(bus, id, &prompt))
        }
        ("GET", ["bench", "held"]) => (200, format!("{{\"held\":{}}}", bus.held.count())),
        ("POST", ["bench", "release"]) => (200, format!("{{\"released\":{}}}", bus.held.release())),
        ("POST", ["session", id, "prompt_async"]) => {
            let (bus, id, prompt) = (bus.clone(), id.to_string(), prompt_text(&request.body));
            thread::spawn(move || answer(&bus, &id, &prompt));
            (204, String::new())
        }
        _ => (
            404,
            format!(
                "{{\"name\":\"NotFoundError\",\"data\":{{\"message\":\"no route for {} {}\"}}}}",
                request.method, request.path
            ),
        ),
    }
}

/// The text of the prompt's parts, joined.
fn prompt_text(body: &[u8]) -> String {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    json["parts"]
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| p["text"].as_str())
                .collect::<Vec<_>>()
                .join("")
        })
        .unwrap_or_default()
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// Publishes the events of one reply (only when someone listens) and returns the reply.
fn answer(bus: &Bus, session: &str, prompt: &str) -> String {
    let n = next_id();
    let message = format!("msg_bench{n:012}");
    let part = format!("prt_bench{n:012}");
    let (delay, words) = match prompt.strip_prefix("[[stream:").and_then(|rest| rest.split_once("]]")) {
        Some((ms, rest)) => (
            ms.trim().parse::<u64>().unwrap_or(0).min(MAX_STREAM_DELAY_MS),
            Some(rest.split_whitespace().collect::<Vec<_>>()),
        ),
        None => (0, None),
    };
    let text = match &words {
        Some(words) => format!("echo: {}", words.join(" ")),
        None => format!("echo: {prompt}"),
    };
    let info = format!(
        "{{\"id\":\"{message}\",\"sessionID\":\"{session}\",\"role\":\"assistant\",\"modelID\":\"echo\",\"providerID\":\"echo\",\"mode\":\"build\",\"agent\":\"build\",\"cost\":0,\"tokens\":{{\"input\":1,\"output\":1,\"reasoning\":0,\"cache\":{{\"read\":0,\"write\":0}}}},\"time\":{{\"created\":1795614155400,\"completed\":1795614156482}},\"finish\":\"stop\"}}"
    );
    let text_part = |text: &str| {
        format!(
            "{{\"id\":\"{part}\",\"sessionID\":\"{session}\",\"messageID\":\"{message}\",\"type\":\"text\",\"text\":{}}}",
            json_string(text)
        )
    };
    if bus.has_subscribers() || words.is_some() {
        let delta = |delta: &str| {
            bus.publish(
                "message.part.delta",
                &format!(
                    "{{\"sessionID\":\"{session}\",\"messageID\":\"{message}\",\"partID\":\"{part}\",\"field\":\"text\",\"delta\":{}}}",
                    json_string(delta)
                ),
            )
        };
        bus.publish(
            "session.status",
            &format!("{{\"sessionID\":\"{session}\",\"status\":{{\"type\":\"busy\"}}}}"),
        );
        bus.publish(
            "message.updated",
            &format!("{{\"sessionID\":\"{session}\",\"info\":{info}}}"),
        );
        bus.publish(
            "message.part.updated",
            &format!("{{\"sessionID\":\"{session}\",\"part\":{}}}", text_part("")),
        );
        match &words {
            Some(words) => {
                delta("echo:");
                for word in words {
                    thread::sleep(Duration::from_millis(delay));
                    delta(&format!(" {word}@{STAMP}"));
                }
            }
            None => delta(&text),
        }
        bus.publish(
            "message.part.updated",
            &format!("{{\"sessionID\":\"{session}\",\"part\":{}}}", text_part(&text)),
        );
        bus.publish(
            "session.status",
            &format!("{{\"sessionID\":\"{session}\",\"status\":{{\"type\":\"idle\"}}}}"),
        );
        bus.publish("session.idle", &format!("{{\"sessionID\":\"{session}\"}}"));
    }
    format!("{{\"info\":{info},\"parts\":[{}]}}", text_part(&text))
}

/// `GET /global/event`: a chunked `text/event-stream` that lasts until the client goes.
fn events(out: &mut TcpStream, bus: &Bus) -> io::Result<()> {
    let frames = bus.subscribe();
    let connected =
        "data: {\"payload\":{\"id\":\"evt_connected\",\"type\":\"server.connected\",\"properties\":{}}}\n\n";
    let mut head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    head.extend_from_slice(chunk(connected).as_bytes());
    out.write_all(&head)?;
    let heartbeat = "data: {\"payload\":{\"type\":\"server.heartbeat\",\"properties\":{}}}\n\n";
    loop {
        let frame = match frames.recv_timeout(HEARTBEAT) {
            Ok(frame) => frame,
            Err(RecvTimeoutError::Timeout) => heartbeat.into(),
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        let frame = if frame.contains(STAMP) {
            frame.replace(STAMP, &format!("{:019}", now_ns()))
        } else {
            frame.to_string()
        };
        out.write_all(chunk(&frame).as_bytes())?;
    }
}

fn chunk(frame: &str) -> String {
    format!("{:x}\r\n{frame}\r\n", frame.len())
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
