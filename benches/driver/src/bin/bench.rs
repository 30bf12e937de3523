//! The benchmark driver behind `tools/bench.sh` and BENCHMARKS.md.
//!
//!   (cd benches/driver && cargo run --release --bin bench -- COMMAND [--key value ...])
//!
//! Each command measures one thing and writes its figures as JSON (`--out`);
//! `report` turns a folder of them into the Markdown of BENCHMARKS.md.
//!
//! - `latency`: time per call of `health` and of a whole new_session / send /
//!   delete cycle, for every client side by side: a raw-socket floor, a bare
//!   reqwest blocking loop and the `opencode::client` API (all in this process),
//!   the module in stock lua5.4 and in the `opencode-lua` host, the official
//!   JavaScript SDK in node, and curl per call through `io.popen` in lua5.4.
//!   Clients are interleaved round by round (A B C ... A B C ...), so a drift of
//!   the machine's speed hits all of them alike. Scripts are timed from outside:
//!   stock Lua has no clock finer than a second, so the driver writes
//!   `health N` to the script and times until the script answers `done`.
//! - `require`: `lua5.4 -e ''` against `lua5.4 -e 'require("opencode")'`,
//!   paired runs in alternating order.
//! - `stream`: time from a text chunk being written by the server side to the
//!   client receiving it. See `stream` below for how each end is stamped.
//! - `throughput`: 100 sends one after another against 100 `send_async` handles
//!   started together, in lua5.4.
//! - `memory`: RSS over 10,000 connect / new_session / send / delete cycles in
//!   lua5.4, and the RSS of an idle module with one client.
//! - `pending`: 1,000 `send_async` handles pending at once on one client in
//!   lua5.4 (the minimal server holds their requests until released): threads,
//!   RSS and descriptors idle, pending and after, and the time to complete.
//! - `size`: the size of opencode.so, its sections, and the crates its code comes from.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use opencode::client::{Client, Config, EventOptions, NewSession, Prompt, SendOptions, SendUpdate};
use serde_json::{json, Value};

type Res<T> = Result<T, String>;

fn main() {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let opts = match Opts::parse(args) {
        Ok(opts) => opts,
        Err(e) => fail(&e),
    };
    let result = match command.as_str() {
        "latency" => latency(&opts),
        "require" => require_time(&opts),
        "stream" => stream(&opts),
        "throughput" => throughput(&opts),
        "memory" => memory(&opts),
        "pending" => pending(&opts),
        "size" => size(&opts),
        "report" => report(&opts).map(|()| Value::Null),
        _ => {
            fail("usage: bench latency|require|stream|throughput|memory|pending|size|report [--key value ...] (see the source)")
        }
    };
    match result {
        Ok(Value::Null) => {}
        Ok(value) => {
            let text = serde_json::to_string_pretty(&value).expect("json");
            match opts.get("out") {
                Some(path) => std::fs::write(path, text + "\n").unwrap_or_else(|e| fail(&format!("{path}: {e}"))),
                None => println!("{text}"),
            }
        }
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(1)
}

/// `--key value` pairs.
struct Opts(HashMap<String, String>);

impl Opts {
    fn parse(args: impl Iterator<Item = String>) -> Res<Opts> {
        let mut map = HashMap::new();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let key = arg.strip_prefix("--").ok_or(format!("expected --key, got {arg:?}"))?;
            let value = args.next().ok_or(format!("--{key} needs a value"))?;
            map.insert(key.to_owned(), value);
        }
        Ok(Opts(map))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    fn req(&self, key: &str) -> Res<&str> {
        self.get(key).ok_or(format!("--{key} is required"))
    }

    fn num(&self, key: &str, default: f64) -> Res<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| format!("--{key} expects a number, got {text:?}")),
        }
    }
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn median(values: &[f64]) -> f64 {
    percentile(values, 50.0)
}

/// Nearest-rank percentile.
fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

// ---------------------------------------------------------------------------------------------
// Script processes: a line protocol on stdin/stdout, each stdout line stamped as it is read.

struct Script {
    name: String,
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<(Instant, u128, String)>,
}

impl Script {
    fn spawn(name: &str, command: &mut Command) -> Res<Script> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{name}: cannot start {command:?}: {e}"))?;
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            while matches!(reader.read_line(&mut line), Ok(n) if n > 0) {
                let stamp = (Instant::now(), now_ns(), line.trim_end_matches('\n').to_owned());
                if tx.send(stamp).is_err() {
                    break;
                }
                line.clear();
            }
        });
        Ok(Script {
            name: name.to_owned(),
            child,
            stdin,
            lines: rx,
        })
    }

    fn send(&mut self, line: &str) -> Res<()> {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("{}: {e}", self.name))
    }

    fn next_line(&mut self, limit: Duration) -> Res<(Instant, u128, String)> {
        self.lines
            .recv_timeout(limit)
            .map_err(|_| format!("{}: no answer within {limit:?} (or it exited)", self.name))
    }

    /// Waits for one exact line, skipping nothing.
    fn expect(&mut self, want: &str, limit: Duration) -> Res<Instant> {
        let (at, _, line) = self.next_line(limit)?;
        if line != want {
            return Err(format!("{}: expected {want:?}, got {line:?}", self.name));
        }
        Ok(at)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn finish(mut self) {
        let _ = self.send("quit");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// latency

#[derive(Clone, Copy, PartialEq)]
enum Workload {
    Health,
    Cycle,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Health => "health",
            Workload::Cycle => "cycle",
        }
    }
}

trait Runner {
    fn name(&self) -> &str;
    /// Makes `n` calls; `samples` gets each call's time in µs where the runner can see it.
    fn run(&mut self, workload: Workload, n: usize, samples: &mut Vec<f64>) -> Res<Duration>;
    fn finish(self: Box<Self>) {}
}

/// A script speaking the `health N` / `done` protocol of benches/lua/client.lua.
struct ScriptRunner(Script);

impl Runner for ScriptRunner {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn run(&mut self, workload: Workload, n: usize, _: &mut Vec<f64>) -> Res<Duration> {
        let start = Instant::now();
        self.0.send(&format!("{} {n}", workload.name()))?;
        let end = self.0.expect("done", Duration::from_secs(300))?;
        Ok(end - start)
    }

    fn finish(self: Box<Self>) {
        self.0.finish();
    }
}

/// In-process clients: one call of each workload.
trait Calls {
    fn health(&mut self) -> Res<()>;
    fn cycle(&mut self) -> Res<()>;
}

struct InProcess<C: Calls> {
    name: String,
    calls: C,
}

impl<C: Calls> Runner for InProcess<C> {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(&mut self, workload: Workload, n: usize, samples: &mut Vec<f64>) -> Res<Duration> {
        let start = Instant::now();
        for _ in 0..n {
            let t = Instant::now();
            match workload {
                Workload::Health => self.calls.health()?,
                Workload::Cycle => self.calls.cycle()?,
            }
            samples.push(t.elapsed().as_secs_f64() * 1e6);
        }
        Ok(start.elapsed())
    }
}

const HELLO: &str = r#"{"parts":[{"type":"text","text":"hello"}]}"#;

/// The floor: hand-written HTTP/1.1 over one kept-alive TcpStream.
struct RawHttp {
    addr: String,
    prefix: String,
    conn: Option<(TcpStream, BufReader<TcpStream>)>,
}

impl RawHttp {
    fn new(url: &str) -> Res<RawHttp> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
        let host = parsed.host_str().ok_or("url without host")?;
        let port = parsed.port_or_known_default().ok_or("url without port")?;
        Ok(RawHttp {
            addr: format!("{host}:{port}"),
            prefix: parsed.path().trim_end_matches('/').to_owned(),
            conn: None,
        })
    }

    fn request(&mut self, method: &str, path: &str, body: &str) -> io::Result<Vec<u8>> {
        if self.conn.is_none() {
            let stream = TcpStream::connect(&self.addr)?;
            stream.set_nodelay(true)?;
            self.conn = Some((stream.try_clone()?, BufReader::new(stream)));
        }
        let (stream, reader) = self.conn.as_mut().expect("connected");
        let mut request = format!("{method} {}{path} HTTP/1.1\r\nHost: {}\r\n", self.prefix, self.addr);
        if method != "GET" {
            request.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes())?;

        let mut line = String::new();
        reader.read_line(&mut line)?;
        let ok = line.split_whitespace().nth(1).is_some_and(|s| s.starts_with('2'));
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse::<usize>().ok(),
                    "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                    "connection" => close = value.eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| io::ErrorKind::InvalidData)?;
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            reader.read_exact(&mut body)?;
        } else {
            reader.read_to_end(&mut body)?;
            close = true;
        }
        if close {
            self.conn = None;
        }
        if !ok {
            return Err(io::Error::other(format!(
                "HTTP error: {}",
                String::from_utf8_lossy(&body)
            )));
        }
        Ok(body)
    }
}

fn session_id(body: &[u8]) -> Res<String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let start = text.find("\"id\":\"").ok_or("no session id")? + 6;
    let end = text[start..].find('"').ok_or("no session id")? + start;
    Ok(text[start..end].to_owned())
}

impl Calls for RawHttp {
    fn health(&mut self) -> Res<()> {
        self.request("GET", "/global/health", "").map_err(|e| e.to_string())?;
        Ok(())
    }

    fn cycle(&mut self) -> Res<()> {
        let session = self.request("POST", "/session", "{}").map_err(|e| e.to_string())?;
        let id = session_id(&session)?;
        self.request("POST", &format!("/session/{id}/message"), HELLO)
            .map_err(|e| e.to_string())?;
        self.request("DELETE", &format!("/session/{id}"), "")
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// What a Rust program would write with reqwest's blocking client and serde_json.
struct Reqwest {
    http: reqwest::blocking::Client,
    base: String,
}

impl Reqwest {
    fn new(url: &str) -> Res<Reqwest> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Reqwest {
            http,
            base: url.trim_end_matches('/').to_owned(),
        })
    }

    fn json(&self, request: reqwest::blocking::RequestBuilder) -> Res<Value> {
        let response = request.send().map_err(|e| e.to_string())?;
        let response = response.error_for_status().map_err(|e| e.to_string())?;
        let bytes = response.bytes().map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

impl Calls for Reqwest {
    fn health(&mut self) -> Res<()> {
        self.json(self.http.get(format!("{}/global/health", self.base)))?;
        Ok(())
    }

    fn cycle(&mut self) -> Res<()> {
        let post = |path: String, body: &'static str| {
            self.http
                .post(path)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
        };
        let session = self.json(post(format!("{}/session", self.base), "{}"))?;
        let id = session["id"].as_str().ok_or("no session id")?.to_owned();
        self.json(post(format!("{}/session/{id}/message", self.base), HELLO))?;
        self.json(self.http.delete(format!("{}/session/{id}", self.base)))?;
        Ok(())
    }
}

/// This crate's own Rust API, without Lua.
struct Opencode(Client);

impl Calls for Opencode {
    fn health(&mut self) -> Res<()> {
        self.0.health().map_err(|e| e.to_string())?;
        Ok(())
    }

    fn cycle(&mut self) -> Res<()> {
        let session = self.0.new_session(&NewSession::new()).map_err(|e| e.to_string())?;
        self.0
            .send(&session.id, Prompt::from("hello"), &SendOptions::default())
            .map_err(|e| e.to_string())?;
        self.0.delete(&session.id).map_err(|e| e.to_string())?;
        Ok(())
    }
}

fn warm_up(calls: &mut impl Calls) -> Res<()> {
    for _ in 0..3 {
        calls.cycle()?;
    }
    for _ in 0..20 {
        calls.health()?;
    }
    Ok(())
}

fn in_process<C: Calls + 'static>(name: &str, mut calls: C) -> Res<Box<dyn Runner>> {
    warm_up(&mut calls)?;
    Ok(Box::new(InProcess {
        name: name.to_owned(),
        calls,
    }))
}

fn script_runner(name: &str, command: &mut Command) -> Res<Box<dyn Runner>> {
    let mut script = Script::spawn(name, command)?;
    script.expect("ready", Duration::from_secs(120))?;
    Ok(Box::new(ScriptRunner(script)))
}

fn lua_command(opts: &Opts, script: &str) -> Res<Command> {
    let mut command = Command::new(opts.get("lua").unwrap_or("lua5.4"));
    command.arg(script);
    if let Some(dir) = opts.get("cpath") {
        command.env("LUA_CPATH", format!("{dir}/?.so;;"));
    }
    Ok(command)
}

/// The clients of the latency table, in its order.
fn latency_clients(opts: &Opts, url: &str) -> Res<Vec<Box<dyn Runner>>> {
    let client_script = opts.get("lua-script").unwrap_or("benches/lua/client.lua");
    let skip: HashSet<&str> = opts.get("skip").unwrap_or("").split(',').collect();
    let mut clients = Vec::new();
    let mut add = |key: &str, make: &mut dyn FnMut() -> Res<Box<dyn Runner>>| -> Res<()> {
        if !skip.contains(key) {
            eprintln!("bench: latency: starting {key}");
            clients.push(make()?);
        }
        Ok(())
    };
    add("raw", &mut || in_process("raw socket (Rust)", RawHttp::new(url)?))?;
    add("reqwest", &mut || {
        in_process("reqwest blocking (Rust)", Reqwest::new(url)?)
    })?;
    add("rust", &mut || {
        let client = Client::connect(Config::with_url(url)).map_err(|e| e.to_string())?;
        in_process("opencode::client (Rust)", Opencode(client))
    })?;
    add("lua", &mut || {
        script_runner(
            "opencode.so in lua5.4",
            lua_command(opts, client_script)?.args([url, "module"]),
        )
    })?;
    add("host", &mut || {
        let host = opts.get("host").unwrap_or("target/release/opencode-lua");
        script_runner(
            "opencode-lua host",
            Command::new(host).args([client_script, url, "module"]),
        )
    })?;
    add("node", &mut || {
        let script = opts.get("node-script").unwrap_or("benches/node/client.mjs");
        script_runner(
            "@opencode-ai/sdk (node)",
            Command::new(opts.get("node").unwrap_or("node")).args([script, url]),
        )
    })?;
    add("curl", &mut || {
        script_runner(
            "curl per call (lua5.4 io.popen)",
            lua_command(opts, client_script)?.args([url, "curl"]),
        )
    })?;
    Ok(clients)
}

fn latency(opts: &Opts) -> Res<Value> {
    let url = opts.req("url")?;
    let rounds = opts.num("rounds", 7.0)? as usize;
    let round_time = Duration::from_secs_f64(opts.num("round-ms", 200.0)? / 1000.0);
    let workloads: Vec<Workload> = opts
        .get("workloads")
        .unwrap_or("health,cycle")
        .split(',')
        .map(|w| match w {
            "health" => Ok(Workload::Health),
            "cycle" => Ok(Workload::Cycle),
            other => Err(format!("unknown workload {other:?}")),
        })
        .collect::<Res<_>>()?;
    let version = Client::connect(Config::with_url(url))
        .and_then(|c| c.health())
        .map_err(|e| e.to_string())?
        .version
        .unwrap_or_default();
    let mut clients = latency_clients(opts, url)?;
    let mut results = Vec::new();
    for workload in workloads {
        // Calls per round: enough for each client to take about `round_time`.
        let mut counts = Vec::new();
        for client in clients.iter_mut() {
            let mut n = 1;
            let per_call = loop {
                let took = client.run(workload, n, &mut Vec::new())?;
                if took >= round_time / 8 || n >= 4096 {
                    break took / n as u32;
                }
                n *= 2;
            };
            let count = (round_time.as_secs_f64() / per_call.as_secs_f64().max(1e-7)).round();
            counts.push((count as usize).clamp(2, 200_000));
        }
        let mut round_us = vec![Vec::new(); clients.len()];
        let mut samples = vec![Vec::new(); clients.len()];
        for round in 0..rounds {
            eprintln!("bench: latency {} round {}/{rounds}", workload.name(), round + 1);
            // Rotate who goes first, so no client always follows the same one.
            for k in 0..clients.len() {
                let i = (k + round) % clients.len();
                let took = clients[i].run(workload, counts[i], &mut samples[i])?;
                round_us[i].push(took.as_secs_f64() * 1e6 / counts[i] as f64);
            }
        }
        let rows: Vec<Value> = clients
            .iter()
            .enumerate()
            .map(|(i, client)| {
                let mut row = json!({
                    "client": client.name(),
                    "calls_per_round": counts[i],
                    "round_mean_us": round_us[i],
                    "median_us": median(&round_us[i]),
                });
                if !samples[i].is_empty() {
                    row["p50_us"] = json!(percentile(&samples[i], 50.0));
                    row["p99_us"] = json!(percentile(&samples[i], 99.0));
                }
                row
            })
            .collect();
        results.push(json!({ "workload": workload.name(), "clients": rows }));
    }
    for client in clients {
        client.finish();
    }
    Ok(json!({
        "server": opts.get("server").unwrap_or(url),
        "server_version": version,
        "rounds": rounds,
        "round_ms": round_time.as_secs_f64() * 1e3,
        "workloads": results,
    }))
}

// ---------------------------------------------------------------------------------------------
// require

fn require_time(opts: &Opts) -> Res<Value> {
    let lua = opts.get("lua").unwrap_or("lua5.4");
    let cpath = format!("{}/?.so;;", opts.req("cpath")?);
    let pairs = opts.num("pairs", 300.0)? as usize;
    let run = |code: &str| -> Res<f64> {
        let start = Instant::now();
        let status = Command::new(lua)
            .args(["-e", code])
            .env("LUA_CPATH", &cpath)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("{lua}: {e}"))?;
        let took = start.elapsed().as_secs_f64() * 1e3;
        if !status.success() {
            return Err(format!("{lua} -e {code:?} failed: {status}"));
        }
        Ok(took)
    };
    let bare = "";
    let with = "require('opencode')";
    for _ in 0..10 {
        run(bare)?;
        run(with)?;
    }
    let (mut base, mut loaded, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..pairs {
        let (a, b) = if i % 2 == 0 {
            let a = run(bare)?;
            (a, run(with)?)
        } else {
            let b = run(with)?;
            (run(bare)?, b)
        };
        base.push(a);
        loaded.push(b);
        diffs.push(b - a);
    }
    Ok(json!({
        "pairs": pairs,
        "bare_median_ms": median(&base),
        "require_median_ms": median(&loaded),
        "diff_median_ms": median(&diffs),
        "diff_p25_ms": percentile(&diffs, 25.0),
        "diff_p75_ms": percentile(&diffs, 75.0),
    }))
}

// ---------------------------------------------------------------------------------------------
// stream
//
// Every streamed word is a token `tk<digits>q`. Its send time comes from one of two places:
// - the minimal server writes it as `tk<digits>q@<ns>`, the wall-clock time at which it
//   wrote that event to the subscriber's socket;
// - against opencode, the echo provider's chunks reach opencode through a proxy in this
//   process (`--proxy-port`, see tools/bench.sh), which notes the time each token passed
//   it, right after forwarding it: "the provider wrote the chunk" plus one loopback hop.
// The receive time is taken where the client hands the text over: for the Rust API, as
// `SendHandle::next` / `EventStream::next` return it; for Lua, the script prints each
// text it gets in `on_text` (or from `events`) and this process stamps the line as it
// reads it, which adds one pipe hop (measured and reported as `pipe_one_way_us`).

type Stamps = Arc<Mutex<HashMap<String, u128>>>;

/// The tokens in `text`: (digits, stamp written by the minimal server, if any).
fn tokens(text: &str) -> Vec<(String, Option<u128>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(pos) = text[i..].find("tk") {
        let start = i + pos + 2;
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end > start && end < bytes.len() && bytes[end] == b'q' {
            let key = text[start..end].to_owned();
            let mut stamp = None;
            let mut next = end + 1;
            if bytes.get(next) == Some(&b'@') {
                let digits = next + 1;
                next = digits;
                while next < bytes.len() && bytes[next].is_ascii_digit() {
                    next += 1;
                }
                stamp = text[digits..next].parse().ok();
            }
            out.push((key, stamp));
            i = next;
        } else {
            i = start;
        }
    }
    out
}

/// Forwards 127.0.0.1:`port` to `upstream`, noting when each token of the
/// answers passed (the first time only).
fn start_proxy(port: u16, upstream: String, stamps: Stamps) -> Res<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("proxy port {port}: {e}"))?;
    thread::spawn(move || {
        for down in listener.incoming().flatten() {
            let Ok(up) = TcpStream::connect(&upstream) else {
                continue;
            };
            let _ = (down.set_nodelay(true), up.set_nodelay(true));
            let (Ok(down2), Ok(up2)) = (down.try_clone(), up.try_clone()) else {
                continue;
            };
            let stamps = stamps.clone();
            thread::spawn(move || pipe(down2, up2, None));
            thread::spawn(move || pipe(up, down, Some(stamps)));
        }
    });
    Ok(())
}

fn pipe(mut from: TcpStream, mut to: TcpStream, stamps: Option<Stamps>) {
    let mut buf = vec![0; 64 * 1024];
    let mut tail = String::new();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        let at = now_ns();
        if let Some(stamps) = &stamps {
            tail.push_str(&String::from_utf8_lossy(&buf[..n]));
            let mut map = stamps.lock().unwrap();
            for (key, _) in tokens(&tail) {
                map.entry(key).or_insert(at);
            }
            // Keep the end, where a token may have been cut in two.
            let cut = tail.len().saturating_sub(32);
            let cut = (cut..tail.len())
                .find(|&i| tail.is_char_boundary(i))
                .unwrap_or(tail.len());
            tail.drain(..cut);
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
    let _ = from.shutdown(std::net::Shutdown::Read);
}

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
    let mut raw = RawHttp::new(&setup.url)?;
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
    raw.conn = None;
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

fn stream(opts: &Opts) -> Res<Value> {
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

// ---------------------------------------------------------------------------------------------
// throughput, memory

fn throughput(opts: &Opts) -> Res<Value> {
    let url = opts.req("url")?;
    let n = opts.num("n", 100.0)? as usize;
    let reps = opts.num("reps", 1.0)? as usize;
    let script_path = opts.get("script").unwrap_or("benches/lua/throughput.lua");
    let mut command = lua_command(opts, script_path)?;
    let mut script = Script::spawn("throughput.lua", command.args([url, &n.to_string(), &reps.to_string()]))?;
    let limit = Duration::from_secs(600);
    let (mut sequential, mut concurrent) = (Vec::new(), Vec::new());
    let mut started: HashMap<String, Instant> = HashMap::new();
    loop {
        let (at, _, line) = script.next_line(limit)?;
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("go"), Some(what)) => {
                started.insert(what.to_owned(), at);
            }
            (Some("done"), Some(what)) => {
                let start = started.remove(what).ok_or(format!("done before go: {line}"))?;
                let ms = (at - start).as_secs_f64() * 1e3;
                match what {
                    "seq" => sequential.push(ms),
                    "async" => concurrent.push(ms),
                    _ => return Err(format!("unexpected line {line:?}")),
                }
            }
            (Some("end"), _) => break,
            _ => return Err(format!("throughput.lua: unexpected line {line:?}")),
        }
    }
    script.finish();
    Ok(json!({
        "server": opts.get("server").unwrap_or(url),
        "n": n,
        "sequential_ms": sequential,
        "concurrent_ms": concurrent,
        "sequential_median_ms": median(&sequential),
        "concurrent_median_ms": median(&concurrent),
    }))
}

fn count_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| dir.count())
        .unwrap_or(0)
}

fn memory(opts: &Opts) -> Res<Value> {
    let url = opts.req("url")?;
    let cycles = opts.num("cycles", 10000.0)? as usize;
    let every = opts.num("every", 100.0)? as usize;
    let script_path = opts.get("script").unwrap_or("benches/lua/memory.lua");
    let mut command = lua_command(opts, script_path)?;
    let mut script = Script::spawn(
        "memory.lua",
        command.args([url, &cycles.to_string(), &every.to_string()]),
    )?;
    let start = Instant::now();
    let mut samples = Vec::new();
    loop {
        let (_, _, line) = script.next_line(Duration::from_secs(600))?;
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["rss", cycle, kb, threads, lua_kb] => samples.push(json!({
                "cycle": cycle.parse::<u64>().unwrap_or(0),
                "rss_kb": kb.parse::<u64>().unwrap_or(0),
                "threads": threads.parse::<u64>().unwrap_or(0),
                "lua_kb": lua_kb.parse::<f64>().unwrap_or(0.0),
                "fds": count_fds(script.pid()),
            })),
            ["end"] => break,
            _ => return Err(format!("memory.lua: unexpected line {line:?}")),
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    script.finish();
    let rss_between = |from: u64, to: u64| -> Vec<f64> {
        samples
            .iter()
            .filter(|s| (from..=to).contains(&s["cycle"].as_u64().unwrap_or(0)))
            .map(|s| s["rss_kb"].as_f64().unwrap_or(0.0))
            .collect()
    };
    let first = rss_between(1, 1000);
    let last = rss_between(cycles.saturating_sub(999) as u64, cycles as u64);

    // Idle: one client, connected, nothing running; in lua5.4 and in the host.
    let idle_script = opts.get("idle-script").unwrap_or("benches/lua/idle.lua");
    let mut idle = Vec::new();
    let host = opts.get("host").unwrap_or("target/release/opencode-lua").to_owned();
    let mut lua = lua_command(opts, idle_script)?;
    let mut host_command = Command::new(&host);
    host_command.arg(idle_script);
    for (name, command) in [("lua5.4", &mut lua), ("opencode-lua host", &mut host_command)] {
        let out = command
            .arg(url)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("{name}: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut row = json!({ "interpreter": name });
        for line in text.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if let ["rss", stage, kb, threads] = fields.as_slice() {
                row[*stage] =
                    json!({ "rss_kb": kb.parse::<u64>().unwrap_or(0), "threads": threads.parse::<u64>().unwrap_or(0) });
            }
        }
        idle.push(row);
    }
    Ok(json!({
        "server": opts.get("server").unwrap_or(url),
        "cycles": cycles,
        "seconds": seconds,
        "samples": samples,
        "first_thousand_mean_rss_kb": mean(&first),
        "last_thousand_mean_rss_kb": mean(&last),
        "idle": idle,
    }))
}

/// N `send_async` handles pending at once on one lua5.4 client (benches/lua/pending.lua),
/// their requests held by the minimal server (`[[hold]]`) until this process releases them
/// once the server holds all N. Each `stat` line of the script is a stage: RSS, threads and
/// Lua heap from the script, open descriptors counted here as the line is read.
fn pending(opts: &Opts) -> Res<Value> {
    let url = opts.req("url")?;
    let n = opts.num("n", 1000.0)? as usize;
    let script_path = opts.get("script").unwrap_or("benches/lua/pending.lua");
    let mut command = lua_command(opts, script_path)?;
    let mut script = Script::spawn("pending.lua", command.args([url, &n.to_string()]))?;
    let mut server = RawHttp::new(url)?;
    let limit = Duration::from_secs(600);
    let mut stages = serde_json::Map::new();
    let (mut go, mut start_ms, mut complete_ms, mut completed, mut held_after_ms) = (None, None, None, None, None);
    let mut released_at = None;
    loop {
        let (at, _, line) = script.next_line(limit)?;
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["stat", stage, kb, threads, lua_kb] => {
                stages.insert(
                    (*stage).to_owned(),
                    json!({
                        "rss_kb": kb.parse::<u64>().unwrap_or(0),
                        "threads": threads.parse::<u64>().unwrap_or(0),
                        "lua_kb": lua_kb.parse::<f64>().unwrap_or(0.0),
                        "fds": count_fds(script.pid()),
                    }),
                );
                if *stage == "pending" {
                    server
                        .request("POST", "/bench/release", "")
                        .map_err(|e| format!("POST /bench/release: {e}"))?;
                    released_at = Some(Instant::now());
                    script.send("wait")?;
                }
            }
            ["go"] => go = Some(at),
            ["started"] => {
                let go = go.ok_or("started before go")?;
                start_ms = Some((at - go).as_secs_f64() * 1e3);
                // Every request has reached the server once it holds N of them.
                let deadline = Instant::now() + Duration::from_secs(120);
                loop {
                    let body = server
                        .request("GET", "/bench/held", "")
                        .map_err(|e| format!("GET /bench/held: {e}"))?;
                    let held = serde_json::from_slice::<Value>(&body).unwrap_or_default()["held"]
                        .as_u64()
                        .unwrap_or(0);
                    if held as usize >= n {
                        held_after_ms = Some((Instant::now() - go).as_secs_f64() * 1e3);
                        break;
                    }
                    if Instant::now() > deadline {
                        return Err(format!("the server holds {held} of {n} requests after 120 s"));
                    }
                    thread::sleep(Duration::from_millis(20));
                }
                script.send("measure")?;
            }
            ["done", ok] => {
                let released = released_at.ok_or("done before the release")?;
                complete_ms = Some((at - released).as_secs_f64() * 1e3);
                completed = Some(ok.parse::<u64>().unwrap_or(0));
            }
            ["end"] => break,
            _ => return Err(format!("pending.lua: unexpected line {line:?}")),
        }
    }
    script.finish();
    Ok(json!({
        "server": opts.get("server").unwrap_or(url),
        "n": n,
        "stages": stages,
        "start_ms": start_ms,
        "all_held_ms": held_after_ms,
        "complete_ms": complete_ms,
        "completed": completed,
    }))
}

// ---------------------------------------------------------------------------------------------
// size

fn tool_output(program: &str, args: &[&str]) -> Res<String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The crate a demangled symbol's code belongs to: the crate of the function,
/// or of the type for `<Type as Trait>::method` and for the drop glue
/// `core::ptr::drop_in_place<Type>`. Symbols that are not Rust are ring's C and
/// assembly (the only C code in opencode.so) but for two entry points.
fn crate_of(symbol: &str) -> String {
    let mut s = symbol.trim();
    loop {
        let before = s;
        if let Some(rest) = s.strip_prefix("core::ptr::drop_in_place<") {
            s = rest;
        }
        for prefix in ["<", "&mut ", "&", "dyn ", "mut ", "*const ", "*mut ", "(", "["] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest;
            }
        }
        if s == before {
            break;
        }
    }
    match s.find("::") {
        Some(i) if !s[..i].contains([' ', '<', '>', '(', ',']) => match &s[..i] {
            "core" | "alloc" | "std" | "std_detect" | "panic_unwind" | "unwind" | "gimli" | "addr2line"
            | "rustc_demangle" | "miniz_oxide" | "object" | "hashbrown" => "std (core, alloc, std)".to_owned(),
            "opencode" => "opencode (this crate)".to_owned(),
            "ring" => "ring (Rust)".to_owned(),
            name => name.to_owned(),
        },
        _ if s == "luaopen_opencode" => "opencode (this crate)".to_owned(),
        _ if s.starts_with("rust_") || s.starts_with("__rust") || s.starts_with("_ZN") || s.starts_with("_R") => {
            "std (core, alloc, std)".to_owned()
        }
        _ => "ring (C and assembly)".to_owned(),
    }
}

fn size(opts: &Opts) -> Res<Value> {
    let so = opts.req("so")?;
    let bytes = std::fs::metadata(so).map_err(|e| format!("{so}: {e}"))?.len();
    let mut sections = Vec::new();
    for line in tool_output("size", &["-A", "-d", so])?.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if let [name, size, _addr] = fields.as_slice() {
            if let (true, Ok(size)) = (name.starts_with('.'), size.parse::<u64>()) {
                sections.push((name.to_string(), size));
            }
        }
    }
    sections.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    let mut crates: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut symbols = Vec::new();
    let mut attributed = 0;
    if let Some(unstripped) = opts.get("unstripped") {
        for line in tool_output("nm", &["-S", "-C", "--defined-only", unstripped])?.lines() {
            // address size type name
            let mut parts = line.splitn(4, ' ');
            let (Some(_), Some(size), Some(kind), Some(name)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(size) = u64::from_str_radix(size, 16) else {
                continue;
            };
            let entry = crates.entry(crate_of(name)).or_default();
            match kind {
                "t" | "T" | "W" | "w" | "i" => entry.0 += size,
                "r" | "R" | "d" | "D" | "v" | "V" => entry.1 += size,
                _ => continue,
            }
            attributed += size;
            symbols.push((size, name.to_owned()));
        }
    }
    symbols.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    let mut crate_rows: Vec<Value> = crates
        .into_iter()
        .map(|(name, (code, data))| json!({ "crate": name, "code": code, "data": data, "total": code + data }))
        .collect();
    crate_rows.sort_by_key(|row| std::cmp::Reverse(row["total"].as_u64().unwrap_or(0)));
    Ok(json!({
        "file": so,
        "bytes": bytes,
        "sections": sections.iter().map(|(n, s)| json!({ "section": n, "bytes": s })).collect::<Vec<_>>(),
        "symbol_bytes": attributed,
        "crates": crate_rows,
        "largest_symbols": symbols.iter().take(12).map(|(s, n)| json!({ "bytes": s, "symbol": n })).collect::<Vec<_>>(),
    }))
}

// ---------------------------------------------------------------------------------------------
// report

fn load(dir: &Path, name: &str) -> Option<Value> {
    let text = std::fs::read_to_string(dir.join(name)).ok()?;
    serde_json::from_str(&text).ok()
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|out| {
            let text = if out.stdout.is_empty() { out.stderr } else { out.stdout };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_else(|| "not found".into())
}

fn first_words(text: &str, n: usize) -> String {
    text.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map(|kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_default();
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_owned()))
        })
        .unwrap_or_default();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "- CPU: {cpu}, {cores} cores available; memory {memory}\n- OS: {os}, Linux {}\n- {}; {}; node {}; {}\n",
        kernel.trim(),
        first_words(&first_line("rustc", &["--version"]), 2),
        first_words(&first_line("lua5.4", &["-v"]), 2),
        first_line("node", &["--version"]),
        first_words(&first_line("curl", &["--version"]), 2),
    )
}

fn us(value: &Value) -> String {
    match value.as_f64() {
        Some(v) if v >= 10_000.0 => format!("{:.1} ms", v / 1000.0),
        Some(v) if v >= 100.0 => format!("{v:.0} µs"),
        Some(v) => format!("{v:.1} µs"),
        None => "–".into(),
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "**met**"
    } else {
        "**not met**"
    }
}

/// Median over rounds of `a[r] / b[r]`: the ratio with the machine's drift paired out.
fn paired_ratio(a: &Value, b: &Value) -> f64 {
    let (Some(a), Some(b)) = (a["round_mean_us"].as_array(), b["round_mean_us"].as_array()) else {
        return f64::NAN;
    };
    let ratios: Vec<f64> = a
        .iter()
        .zip(b)
        .filter_map(|(a, b)| Some(a.as_f64()? / b.as_f64()?))
        .collect();
    median(&ratios)
}

fn latency_section(out: &mut String, data: &Value, targets: bool) {
    let server = data["server"].as_str().unwrap_or("");
    out.push_str(&format!(
        "\n#### {server}\n\nMean time per call, median of {} interleaved rounds (each round about {:.2} s of calls per client; \"best round\" is the fastest one). \
         p50/p99 are over single calls, where the caller can time them (in-process Rust). \
         The ratios are medians of the per-round ratios.\n\n",
        data["rounds"],
        data["round_ms"].as_f64().unwrap_or(200.0) / 1000.0
    ));
    for workload in data["workloads"].as_array().into_iter().flatten() {
        let name = workload["workload"].as_str().unwrap_or("");
        let title = if name == "health" {
            "`health` (GET /global/health)"
        } else {
            "cycle: `new_session`, `send(s, \"hello\")`, `delete(s)`"
        };
        let clients = workload["clients"].as_array().cloned().unwrap_or_default();
        let find = |prefix: &str| {
            clients
                .iter()
                .find(|c| c["client"].as_str().unwrap_or("").starts_with(prefix))
        };
        let (reqwest, raw) = (find("reqwest"), find("raw"));
        out.push_str(&format!(
            "{title}:\n\n| client | per call | best round | p50 | p99 | ÷ reqwest | ÷ raw socket |\n|---|---:|---:|---:|---:|---:|---:|\n"
        ));
        for client in &clients {
            let ratio = |base: Option<&Value>| {
                base.map(|b| format!("{:.2}×", paired_ratio(client, b)))
                    .unwrap_or_else(|| "–".into())
            };
            let best = client["round_mean_us"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_f64).fold(f64::INFINITY, f64::min))
                .unwrap_or(f64::NAN);
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                client["client"].as_str().unwrap_or(""),
                us(&client["median_us"]),
                us(&json!(best)),
                us(&client["p50_us"]),
                us(&client["p99_us"]),
                ratio(reqwest),
                ratio(raw),
            ));
        }
        if !targets {
            out.push('\n');
            continue;
        }
        out.push_str("\nTargets for opencode.so in lua5.4 (the opencode-lua host in brackets):\n\n");
        for module_prefix in ["opencode.so", "opencode-lua host"] {
            let Some(module) = find(module_prefix) else { continue };
            let bracket = module_prefix != "opencode.so";
            let mut line = |text: String| {
                if bracket {
                    out.push_str(&format!("  - [host] {text}\n"));
                } else {
                    out.push_str(&format!("- {text}\n"));
                }
            };
            if let Some(curl) = find("curl") {
                let x = paired_ratio(curl, module);
                line(format!(
                    "≥ 50× faster than curl per call: {x:.0}× — {}",
                    verdict(x >= 50.0)
                ));
            }
            if let Some(node) = find("@opencode-ai/sdk") {
                let x = paired_ratio(node, module);
                line(format!(
                    "≥ 3× faster than the node SDK: {x:.2}× — {}",
                    verdict(x >= 3.0)
                ));
            }
            if let Some(reqwest) = reqwest {
                let x = paired_ratio(module, reqwest);
                line(format!(
                    "within 1.05× of the bare reqwest blocking loop: {x:.2}× — {}",
                    verdict(x <= 1.05)
                ));
            }
            if let Some(raw) = raw {
                let x = paired_ratio(module, raw);
                line(format!(
                    "stretch, within 1.5× of the raw socket: {x:.2}× — {}",
                    verdict(x <= 1.5)
                ));
            }
        }
        out.push('\n');
    }
}

fn stream_section(out: &mut String, data: &Value) {
    out.push_str(&format!(
        "\n#### {}\n\n{} messages of {} words, one chunk every {} ms; latency from the chunk's write to its delivery:\n\n\
         | receiver | chunks | mean | p50 | p99 | max | p50 − floor's p50 | pipe hop (included) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
        data["server"].as_str().unwrap_or(""),
        data["messages"],
        data["words"],
        data["chunk_delay_ms"]
    ));
    let rows = data["receivers"].as_array().cloned().unwrap_or_default();
    let floor = rows
        .iter()
        .find(|r| r["receiver"].as_str().unwrap_or("").starts_with("raw"))
        .and_then(|r| r["p50_us"].as_f64());
    for row in &rows {
        let added = match (floor, row["p50_us"].as_f64()) {
            (Some(floor), Some(p50)) if !row["receiver"].as_str().unwrap_or("").starts_with("raw") => {
                let sign = if p50 < floor { "−" } else { "+" };
                format!("{sign}{}", us(&json!((p50 - floor).abs())))
            }
            _ => "–".into(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {added} | {} |\n",
            row["receiver"].as_str().unwrap_or(""),
            row["count"],
            us(&row["mean_us"]),
            us(&row["p50_us"]),
            us(&row["p99_us"]),
            us(&row["max_us"]),
            us(&row["pipe_one_way_us"]),
        ));
    }
}

fn pending_section(out: &mut String, data: &Value) {
    let n = data["n"].as_u64().unwrap_or(0);
    out.push_str(&format!(
        "\n#### {n} pending `send_async` on one client (lua5.4, minimal server)\n\n\
         One client starts {n} `client:send_async` handles, each in a session of its own; the server holds \
         every request (`[[hold]]`) until all {n} have reached it, the script reads its own `/proc/self/status`, \
         then the requests are released and every handle is waited. Open descriptors are counted by the driver.\n\n\
         | stage | threads | RSS | open fds | Lua heap |\n|---|---:|---:|---:|---:|\n"
    ));
    let stages = &data["stages"];
    let rows = [
        ("fresh", "connected, sessions made, nothing sent yet".to_owned()),
        ("idle", "idle client: after one `send`, then 1 s idle".to_owned()),
        ("pending", format!("{n} handles pending, held by the server")),
        ("completed", "all completed, handles still referenced".to_owned()),
        ("collected", "handles dropped and collected, 1 s later".to_owned()),
    ];
    for (stage, what) in &rows {
        let row = &stages[*stage];
        if row.is_null() {
            continue;
        }
        out.push_str(&format!(
            "| {what} | {} | {:.1} MiB | {} | {:.0} KiB |\n",
            row["threads"],
            row["rss_kb"].as_f64().unwrap_or(0.0) / 1024.0,
            row["fds"],
            row["lua_kb"].as_f64().unwrap_or(0.0)
        ));
    }
    let ms = |key: &str| data[key].as_f64().unwrap_or(f64::NAN);
    let completed = data["completed"].as_u64().unwrap_or(0);
    out.push_str(&format!(
        "\nStarting the {n} handles took {:.0} ms; the server held all {n} requests {:.0} ms after the first was started; \
          after the release all had completed in {:.0} ms ({:.2} ms each).\n\n",
        ms("start_ms"),
        ms("all_held_ms"),
        ms("complete_ms"),
        ms("complete_ms") / n.max(1) as f64
    ));
    let (idle, pending) = (&stages["idle"], &stages["pending"]);
    let threads = pending["threads"].as_i64().unwrap_or(0) - idle["threads"].as_i64().unwrap_or(0);
    let rss = (pending["rss_kb"].as_f64().unwrap_or(0.0) - idle["rss_kb"].as_f64().unwrap_or(0.0)) / 1024.0;
    out.push_str(&format!(
        "Targets, against the idle client above:\n\n\
         - at most 4 threads more: {threads:+} — {}\n\
         - RSS at most +20 MiB: {rss:+.1} MiB — {}\n\
         - all complete: {completed} of {n} — {}\n",
        verdict(threads <= 4),
        verdict(rss <= 20.0),
        verdict(completed == n)
    ));
}

/// The streaming targets: the Lua receivers' p50 over the raw socket's, against the minimal
/// server, no worse than the run before the event hub.
fn stream_targets(out: &mut String, data: &Value) {
    let rows = data["receivers"].as_array().cloned().unwrap_or_default();
    let p50 = |prefix: &str| {
        rows.iter()
            .find(|r| r["receiver"].as_str().unwrap_or("").starts_with(prefix))
            .and_then(|r| r["p50_us"].as_f64())
    };
    let Some(floor) = p50("raw") else { return };
    out.push_str("\nTargets, p50 over the raw socket's (the figures before the event hub):\n\n");
    for (prefix, name, limit) in [
        ("on_text in lua5.4", "`on_text` in lua5.4", 216.0),
        ("client:events in lua5.4", "`client:events` in lua5.4", 195.0),
    ] {
        if let Some(p50) = p50(prefix) {
            let added = p50 - floor;
            out.push_str(&format!(
                "- {name}: no worse than +{limit:.0} µs: {added:+.0} µs — {}\n",
                verdict(added <= limit)
            ));
        }
    }
}

fn report(opts: &Opts) -> Res<()> {
    let dir = PathBuf::from(opts.req("dir")?);
    let mut out = String::new();
    let version = load(&dir, "latency-opencode.json")
        .and_then(|v| v["server_version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into());
    let loadavg = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .ok()
            .and_then(|t| t.split_whitespace().next().map(str::to_owned))
            .unwrap_or_else(|| "?".into())
    };
    out.push_str(&format!(
        "Run of {} UTC, `tools/bench.sh`, opencode {version} with the echo provider.\n\n{}\
         - 1-minute load average at the start {} and at the end {} (anything above 0 is other work on the machine)\n",
        std::fs::read_to_string(dir.join("started"))
            .map(|t| t.trim().to_owned())
            .unwrap_or_else(|_| first_line("date", &["-u", "+%Y-%m-%d %H:%M"])),
        machine(),
        loadavg("loadavg.start"),
        loadavg("loadavg.end"),
    ));

    out.push_str("\n### 1. Latency per call\n");
    if let Some(data) = load(&dir, "latency-minimal.json") {
        latency_section(&mut out, &data, true);
    }
    if let Some(data) = load(&dir, "latency-opencode.json") {
        latency_section(&mut out, &data, false);
    }

    out.push_str("\n### 2. `require(\"opencode\")` in stock lua5.4\n\n");
    if let Some(data) = load(&dir, "require.json") {
        let diff = data["diff_median_ms"].as_f64().unwrap_or(f64::NAN);
        out.push_str(&format!(
            "| | whole process, median of {} paired runs |\n|---|---:|\n| `lua5.4 -e ''` | {:.2} ms |\n| `lua5.4 -e 'require(\"opencode\")'` | {:.2} ms |\n| difference (median of pairs; p25–p75) | **{:.3} ms** ({:.3}–{:.3}) |\n\nTarget ≤ 0.5 ms more: {}\n",
            data["pairs"],
            data["bare_median_ms"].as_f64().unwrap_or(f64::NAN),
            data["require_median_ms"].as_f64().unwrap_or(f64::NAN),
            diff,
            data["diff_p25_ms"].as_f64().unwrap_or(f64::NAN),
            data["diff_p75_ms"].as_f64().unwrap_or(f64::NAN),
            verdict(diff <= 0.5)
        ));
    }

    out.push_str("\n### 3. Streaming latency\n");
    for name in ["stream-minimal.json", "stream-opencode.json"] {
        if let Some(data) = load(&dir, name) {
            stream_section(&mut out, &data);
            if name == "stream-minimal.json" {
                stream_targets(&mut out, &data);
            }
        }
    }

    out.push_str("\n### 4. Throughput: 100 sends, one after another and all at once (lua5.4)\n\n| server | sequential `send` | 100 `send_async` handles, started then waited | speed-up |\n|---|---:|---:|---:|\n");
    for name in ["throughput-minimal.json", "throughput-opencode.json"] {
        if let Some(data) = load(&dir, name) {
            let (seq, conc) = (
                data["sequential_median_ms"].as_f64().unwrap_or(f64::NAN),
                data["concurrent_median_ms"].as_f64().unwrap_or(f64::NAN),
            );
            let n = data["n"].as_f64().unwrap_or(1.0);
            out.push_str(&format!(
                "| {} | {seq:.0} ms ({:.2} ms each) | {conc:.0} ms ({:.2} ms each) | {:.2}× |\n",
                data["server"].as_str().unwrap_or(""),
                seq / n,
                conc / n,
                seq / conc
            ));
        }
    }
    if let Some(data) = load(&dir, "throughput-minimal.json") {
        let (seq, conc) = (
            data["sequential_median_ms"].as_f64().unwrap_or(f64::NAN),
            data["concurrent_median_ms"].as_f64().unwrap_or(f64::NAN),
        );
        out.push_str(&format!(
            "\nTarget: the 100 `send_async` handles at least as fast as the 100 sequential `send` (minimal server): {:.2}× — {}\n",
            seq / conc,
            verdict(conc <= seq)
        ));
    }
    if let Some(data) = load(&dir, "pending.json") {
        pending_section(&mut out, &data);
    }

    out.push_str("\n### 5. Memory\n\n");
    if let Some(data) = load(&dir, "memory.json") {
        let (first, last) = (
            data["first_thousand_mean_rss_kb"].as_f64().unwrap_or(f64::NAN),
            data["last_thousand_mean_rss_kb"].as_f64().unwrap_or(f64::NAN),
        );
        let change = (last / first - 1.0) * 100.0;
        out.push_str(&format!(
            "{} connect / new_session / send / delete cycles against the minimal server in lua5.4 ({:.1} s):\n\n| after cycle | RSS | threads | open fds | Lua heap |\n|---:|---:|---:|---:|---:|\n",
            data["cycles"],
            data["seconds"].as_f64().unwrap_or(0.0)
        ));
        let samples = data["samples"].as_array().cloned().unwrap_or_default();
        for sample in samples.iter().filter(|s| s["cycle"].as_u64().unwrap_or(0) % 1000 == 0) {
            out.push_str(&format!(
                "| {} | {:.1} MiB | {} | {} | {:.0} KiB |\n",
                sample["cycle"],
                sample["rss_kb"].as_f64().unwrap_or(0.0) / 1024.0,
                sample["threads"],
                sample["fds"],
                sample["lua_kb"].as_f64().unwrap_or(0.0)
            ));
        }
        out.push_str(&format!(
            "\nMean RSS of the first thousand cycles {:.1} MiB, of the last thousand {:.1} MiB: {change:+.1}%. Target within 5%: {}\n\nIdle, one client connected:\n\n| interpreter | bare | after `require` | with one client | threads then |\n|---|---:|---:|---:|---:|\n",
            first / 1024.0,
            last / 1024.0,
            verdict(change.abs() <= 5.0)
        ));
        for row in data["idle"].as_array().into_iter().flatten() {
            let mib = |stage: &str| {
                row[stage]["rss_kb"]
                    .as_f64()
                    .map(|kb| format!("{:.1} MiB", kb / 1024.0))
                    .unwrap_or_else(|| "–".into())
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                row["interpreter"].as_str().unwrap_or(""),
                mib("bare"),
                mib("required"),
                mib("connected"),
                row["connected"]["threads"]
            ));
        }
    }

    out.push_str("\n### 6. Size of opencode.so\n\n");
    if let Some(data) = load(&dir, "size.json") {
        let bytes = data["bytes"].as_u64().unwrap_or(0);
        out.push_str(&format!(
            "Release build for lua54, stripped: **{bytes} bytes** ({:.2} MB, {:.2} MiB). \
             Target ≤ 4 MB: {} read as 4,000,000 bytes; {} read as 4 MiB (4,194,304 bytes).\n\n| section | bytes |\n|---|---:|\n",
            bytes as f64 / 1e6,
            bytes as f64 / 1048576.0,
            verdict(bytes <= 4_000_000),
            verdict(bytes <= 4_194_304)
        ));
        for section in data["sections"].as_array().into_iter().flatten().take(8) {
            out.push_str(&format!(
                "| {} | {} |\n",
                section["section"].as_str().unwrap_or(""),
                section["bytes"]
            ));
        }
        let total = data["symbol_bytes"].as_f64().unwrap_or(1.0);
        out.push_str("\nWhere the code and constant data come from (symbol sizes of the same build left unstripped, by crate):\n\n| crate | code | data | share |\n|---|---:|---:|---:|\n");
        for row in data["crates"].as_array().into_iter().flatten().take(15) {
            out.push_str(&format!(
                "| {} | {} | {} | {:.1}% |\n",
                row["crate"].as_str().unwrap_or(""),
                row["code"],
                row["data"],
                row["total"].as_f64().unwrap_or(0.0) / total * 100.0
            ));
        }
    }
    let path = opts.req("out")?;
    std::fs::write(path, &out).map_err(|e| format!("{path}: {e}"))?;
    print!("{out}");
    Ok(())
}
