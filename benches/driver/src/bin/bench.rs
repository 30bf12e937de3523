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
//!
//! The commands live in the `opencode_bench` library (benches/driver/src); this
//! file reads the command line and dispatches.

use opencode_bench::commands::{latency, memory, pending, require, size, stream, throughput};
use opencode_bench::opts::Opts;
use opencode_bench::report;
use serde_json::Value;

fn main() {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let opts = match Opts::parse(args) {
        Ok(opts) => opts,
        Err(e) => fail(&e),
    };
    let result = match command.as_str() {
        "latency" => latency::latency(&opts),
        "require" => require::require_time(&opts),
        "stream" => stream::stream(&opts),
        "throughput" => throughput::throughput(&opts),
        "memory" => memory::memory(&opts),
        "pending" => pending::pending(&opts),
        "size" => size::size(&opts),
        "report" => report::report(&opts).map(|()| Value::Null),
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
