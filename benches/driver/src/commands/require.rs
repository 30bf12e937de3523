//! `require`: the time `require("opencode")` adds to a whole lua5.4 process.

use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

use crate::opts::Opts;
use crate::stats::{median, percentile};
use crate::Res;

pub fn require_time(opts: &Opts) -> Res<Value> {
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
