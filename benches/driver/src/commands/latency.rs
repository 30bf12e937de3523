//! `latency`: time per call of `health` and of a whole new_session / send / delete
//! cycle, for every client side by side, interleaved round by round.

use std::collections::HashSet;
use std::process::Command;
use std::time::{Duration, Instant};

use opencode::client::{Client, Config, NewSession, Prompt, SendOptions};
use serde_json::{json, Value};

use crate::opts::Opts;
use crate::raw_client::{session_id, RawHttp};
use crate::script::{lua_command, Script};
use crate::stats::{median, percentile};
use crate::Res;

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

pub fn latency(opts: &Opts) -> Res<Value> {
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
