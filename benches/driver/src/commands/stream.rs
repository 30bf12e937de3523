//! `stream`: time from a text chunk being written by the server side to the client
//! receiving it.
//!
//! Every streamed word is a token `tk<digits>q`. Its send time comes from one of two places:
//! - the minimal server writes it as `tk<digits>q@<ns>`, the wall-clock time at which it
//!   wrote that event to the subscriber's socket;
//! - against opencode, the echo provider's chunks reach opencode through a proxy in this
//!   process (`--proxy-port`, see tools/bench.sh), which notes the time each token passed
//!   it, right after forwarding it: "the provider wrote the chunk" plus one loopback hop.
//!
//! The receive time is taken where the client hands the text over: for the Rust API, as
//! `SendHandle::next` / `EventStream::next` return it; for Lua, the script prints each
//! text it gets in `on_text` (or from `events`) and this process stamps the line as it
//! reads it, which adds one pipe hop (measured and reported as `pipe_one_way_us`).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opencode::client::{Client, Config, EventOptions, NewSession, Prompt, SendOptions, SendUpdate};
use serde_json::{json, Value};

use crate::opts::Opts;
use crate::proxy::{start_proxy, Stamps};
use crate::raw_client::RawHttp;
use crate::script::{lua_command, Script};
use crate::stats::{mean, median, now_ns, percentile};
use crate::tokens::tokens;
use crate::Res;

/// The words of message `m`: `tk<m:04><w:03>q`. Message numbers are unique
/// over a run (the proxy keeps the first time it saw each token).
fn words(m: usize, count: usize) -> Vec<String> {
    (0..count).map(|w| format!("tk{m:04}{w:03}q")).collect()
}

struct StreamSetup {
    url: String,
    prefix: String,
    words: usize,
    stamps: Option<Stamps>,
}

impl StreamSetup {
    fn prompt(&self, m: usize) -> String {
        format!("{}{}", self.prefix, words(m, self.words).join(" "))
    }

    /// Latencies in µs of the received tokens (key, receive time) of one message.
    fn latencies(&self, received: &[(String, Option<u128>, u128)]) -> Vec<f64> {
        let stamps = self.stamps.as_ref().map(|s| s.lock().unwrap().clone());
        let mut seen = HashSet::new();
        received
            .iter()
            .filter(|(key, _, _)| seen.insert(key.clone()))
            .filter_map(|(key, stamp, at)| {
                let sent = stamp.or_else(|| stamps.as_ref().and_then(|s| s.get(key).copied()))?;
                Some((*at as f64 - sent as f64) / 1e3)
            })
            .collect()
    }
}

fn collect(text: &str, at: u128, into: &mut Vec<(String, Option<u128>, u128)>) {
    for (key, stamp) in tokens(text) {
        into.push((key, stamp, at));
    }
}

const STREAM_LIMIT: Duration = Duration::from_secs(60);

/// The floor: the raw `GET /global/event` bytes, read from a socket.
fn receive_raw_sse(setup: &StreamSetup, client: &Client, m: usize) -> Res<Vec<(String, Option<u128>, u128)>> {
    let raw = RawHttp::new(&setup.url)?;
    let stream = TcpStream::connect(&raw.addr).map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(STREAM_LIMIT)).map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    write!(
        writer,
        "GET {}/global/event HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        raw.prefix, raw.addr
    )
    .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // Until the first event (server.connected): from then on we are subscribed.
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("event stream closed".into());
        }
        if line.starts_with("data:") {
            break;
        }
    }
    let session = client.new_session(&NewSession::new()).map_err(|e| e.to_string())?;
    client
        .prompt_async(&session.id, Prompt::from(setup.prompt(m)), &SendOptions::default())
        .map_err(|e| e.to_string())?;
    let want = setup.words;
    let mut received = Vec::new();
    let deadline = Instant::now() + STREAM_LIMIT;
    let mut keys = HashSet::new();
    while keys.len() < want && Instant::now() < deadline {
        line.clear();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            break;
        }
        let at = now_ns();
        if line.contains("\"message.part.delta\"") && line.contains(&session.id) {
            for (key, stamp) in tokens(&line) {
                keys.insert(key.clone());
                received.push((key, stamp, at));
            }
        }
    }
    // The reply is complete at session.idle; a delete before it would abort it.
    while Instant::now() < deadline {
        line.clear();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            break;
        }
        if line.contains("\"session.idle\"") && line.contains(&session.id) {
            break;
        }
    }
    client.delete(&session.id).map_err(|e| e.to_string())?;
    Ok(received)
}

fn receive_send_handle(setup: &StreamSetup, client: &Client, m: usize) -> Res<Vec<(String, Option<u128>, u128)>> {
    let session = client.new_session(&NewSession::new()).map_err(|e| e.to_string())?;
    let handle = client
        .send_async(&session.id, Prompt::from(setup.prompt(m)), &SendOptions::default())
        .map_err(|e| e.to_string())?;
    let mut received = Vec::new();
    let deadline = Instant::now() + STREAM_LIMIT;
    while Instant::now() < deadline {
        match handle.next(Some(STREAM_LIMIT)) {
            Some(SendUpdate::Text(delta)) => collect(&delta.delta, now_ns(), &mut received),
            Some(SendUpdate::Finished(result)) => {
                result.map_err(|e| e.to_string())?;
                break;
            }
            Some(_) => {}
            None => return Err("send_async: no update within the limit".into()),
        }
    }
    drop(handle);
    client.delete(&session.id).map_err(|e| e.to_string())?;
    Ok(received)
}

fn receive_event_stream(setup: &StreamSetup, client: &Client, m: usize) -> Res<Vec<(String, Option<u128>, u128)>> {
    let session = client.new_session(&NewSession::new()).map_err(|e| e.to_string())?;
    let options = EventOptions::default()
        .session(session.id.clone())
        .types(["message.part.delta", "session.idle"]);
    let mut events = client.events(options).map_err(|e| e.to_string())?;
    client
        .prompt_async(&session.id, Prompt::from(setup.prompt(m)), &SendOptions::default())
        .map_err(|e| e.to_string())?;
    let mut received = Vec::new();
    let deadline = Instant::now() + STREAM_LIMIT;
    while Instant::now() < deadline {
        match events.next(Some(STREAM_LIMIT)) {
            Some(Ok(event)) if event.kind == "message.part.delta" => {
                let at = now_ns();
                collect(event.properties["delta"].as_str().unwrap_or(""), at, &mut received);
            }
            Some(Ok(event)) if event.kind == "session.idle" => break,
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.to_string()),
            None => return Err("events: no event within the limit".into()),
        }
    }
    events.close();
    client.delete(&session.id).map_err(|e| e.to_string())?;
    Ok(received)
}

/// One-way time of a line through a pipe to this process: half the median
/// round trip of `ping` / `pong` with the script.
fn pipe_one_way_us(script: &mut Script) -> Res<f64> {
    let mut trips = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        script.send("ping")?;
        let at = script.expect("pong", Duration::from_secs(10))?;
        trips.push((at - start).as_secs_f64() * 1e6);
    }
    script.send("go")?;
    Ok(median(&trips) / 2.0)
}

/// A benches/lua/stream.lua process: for each `msg N` it sends message N and
/// answers `T<text>` for each text it receives, then `M N`.
fn spawn_lua_receiver(setup: &StreamSetup, opts: &Opts, name: &str, mode: &str, host: bool) -> Res<(Script, f64)> {
    let script_path = opts.get("stream-script").unwrap_or("benches/lua/stream.lua");
    let args = [
        setup.url.clone(),
        mode.to_owned(),
        setup.prefix.clone(),
        setup.words.to_string(),
    ];
    let mut command = if host {
        let mut command = Command::new(opts.get("host").unwrap_or("target/release/opencode-lua"));
        command.arg(script_path);
        command
    } else {
        lua_command(opts, script_path)?
    };
    let mut script = Script::spawn(name, command.args(&args))?;
    let pipe = pipe_one_way_us(&mut script)?;
    Ok((script, pipe))
}

fn receive_lua(script: &mut Script, m: usize) -> Res<Vec<(String, Option<u128>, u128)>> {
    script.send(&format!("msg {m}"))?;
    let mut received = Vec::new();
    loop {
        let (_, at, line) = script.next_line(STREAM_LIMIT)?;
        if let Some(text) = line.strip_prefix('T') {
            collect(text, at, &mut received);
        } else if line == format!("M {m}") {
            return Ok(received);
        } else {
            return Err(format!("{}: unexpected line {line:?}", script.name));
        }
    }
}

type Receive = fn(&StreamSetup, &Client, usize) -> Res<Vec<(String, Option<u128>, u128)>>;

enum StreamReceiver {
    InProcess(Receive),
    Lua(Script, f64),
}

pub fn stream(opts: &Opts) -> Res<Value> {
    let url = opts.req("url")?.to_owned();
    let messages = (opts.num("messages", 5.0)? as usize).min(99);
    let word_count = opts.num("words", 40.0)? as usize;
    let delay = opts.num("delay-ms", 10.0)? as u64;
    let stamps = match opts.get("proxy-port") {
        Some(port) => {
            let port: u16 = port.parse().map_err(|_| "--proxy-port N")?;
            let stamps: Stamps = Arc::default();
            start_proxy(port, opts.req("upstream")?.to_owned(), stamps.clone())?;
            Some(stamps)
        }
        None => None,
    };
    let setup = StreamSetup {
        url: url.clone(),
        // The minimal server streams a prompt marked so; the echo provider streams every prompt.
        prefix: if stamps.is_some() {
            String::new()
        } else {
            format!("[[stream:{delay}]] ")
        },
        words: word_count,
        stamps,
    };
    let client = Client::connect(Config::with_url(&url)).map_err(|e| e.to_string())?;
    let mut receivers: Vec<(&str, &str, StreamReceiver)> = vec![
        (
            "raw SSE socket (Rust)",
            "events",
            StreamReceiver::InProcess(receive_raw_sse),
        ),
        (
            "send_async / SendHandle (Rust)",
            "text",
            StreamReceiver::InProcess(receive_send_handle),
        ),
        (
            "events / EventStream (Rust)",
            "events",
            StreamReceiver::InProcess(receive_event_stream),
        ),
    ];
    for (name, mode, host) in [
        ("on_text in lua5.4 (send_async)", "on_text", false),
        ("client:events in lua5.4", "events", false),
        ("on_text in opencode-lua host", "on_text", true),
    ] {
        let (script, pipe) = spawn_lua_receiver(&setup, opts, name, mode, host)?;
        receivers.push((name, mode, StreamReceiver::Lua(script, pipe)));
    }
    // Receiver r numbers its messages r * 100 + m; message r * 100 is its warm-up.
    // Receivers take turns message by message, so a slow spell of the server
    // falls on all of them alike.
    let mut latencies = vec![Vec::new(); receivers.len()];
    for m in 0..=messages {
        eprintln!("bench: stream: message {m}/{messages}");
        for k in 0..receivers.len() {
            let r = (k + m) % receivers.len();
            let id = r * 100 + m;
            let received = match &mut receivers[r].2 {
                StreamReceiver::InProcess(receive) => receive(&setup, &client, id)?,
                StreamReceiver::Lua(script, _) => receive_lua(script, id)?,
            };
            if m > 0 {
                latencies[r].extend(setup.latencies(&received));
            }
        }
    }
    let mut rows = Vec::new();
    for ((name, what, receiver), latencies) in receivers.into_iter().zip(latencies) {
        let mut row = json!({
            "receiver": name,
            "what": what,
            "count": latencies.len(),
            "mean_us": mean(&latencies),
            "p50_us": percentile(&latencies, 50.0),
            "p99_us": percentile(&latencies, 99.0),
            "max_us": percentile(&latencies, 100.0),
        });
        if let StreamReceiver::Lua(script, pipe) = receiver {
            row["pipe_one_way_us"] = json!(pipe);
            script.finish();
        }
        rows.push(row);
    }
    Ok(json!({
        "server": opts.get("server").unwrap_or(&url),
        "messages": messages,
        "words": word_count,
        "chunk_delay_ms": delay,
        "receivers": rows,
    }))
}
