//! `throughput`: 100 sends one after another against 100 `send_async` handles started
//! together, in lua5.4 (benches/lua/throughput.lua).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::opts::Opts;
use crate::script::{lua_command, Script};
use crate::stats::median;
use crate::Res;

pub fn throughput(opts: &Opts) -> Res<Value> {
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
