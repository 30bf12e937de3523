//! `pending`: many `send_async` handles pending at once on one lua5.4 client, held by
//! the minimal server until released: threads, RSS and descriptors at each stage.

use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::opts::Opts;
use crate::raw_client::RawHttp;
use crate::script::{count_fds, lua_command, Script};
use crate::Res;

/// N `send_async` handles pending at once on one lua5.4 client (benches/lua/pending.lua),
/// their requests held by the minimal server (`[[hold]]`) until this process releases them
/// once the server holds all N. Each `stat` line of the script is a stage: RSS, threads and
/// Lua heap from the script, open descriptors counted here as the line is read.
pub fn pending(opts: &Opts) -> Res<Value> {
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
