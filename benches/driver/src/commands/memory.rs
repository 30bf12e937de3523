//! `memory`: RSS over many connect / new_session / send / delete cycles in lua5.4, and
//! the RSS of an idle module with one client, in lua5.4 and in the host.

use std::process::Command;
use std::time::{Duration, Instant};

use opencode_testing::process::run_bounded;
use serde_json::{json, Value};

use crate::opts::Opts;
use crate::script::{count_fds, lua_command, Script};
use crate::stats::mean;
use crate::Res;

/// The idle script sits a second with its client; far longer means it hangs.
const IDLE_LIMIT: Duration = Duration::from_secs(120);

pub fn memory(opts: &Opts) -> Res<Value> {
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
    lua.arg(url);
    let mut host_command = Command::new(&host);
    host_command.args([idle_script, url]);
    for (name, command) in [("lua5.4", lua), ("opencode-lua host", host_command)] {
        let out = run_bounded(command, IDLE_LIMIT);
        // As if the script wrote to this process's standard error itself.
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
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
