//! `report`: turns the folder of JSON files the commands wrote into the Markdown that
//! tools/bench.sh puts into BENCHMARKS.md. Its text is the shape of that file's figures.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use serde_json::{json, Value};

use crate::opts::Opts;
use crate::stats::median;
use crate::Res;

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

pub fn report(opts: &Opts) -> Res<()> {
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
