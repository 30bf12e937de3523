//! The benchmark programs behind `tools/bench.sh` and BENCHMARKS.md: the commands of
//! the `bench` driver, what they share, and the report that BENCHMARKS.md is written from.
//!
//! - `commands`: one module per measuring command, each writing its figures as JSON.
//! - `report`: a folder of those JSON files to the Markdown of BENCHMARKS.md.
//! - `raw_client`: hand-written HTTP/1.1, the floor the clients are compared against.
//! - `http1`: the message framing the raw client and the minimal server both read.
//! - `script`: the Lua and node processes timed from outside through a line protocol.
//! - `proxy` and `tokens`: how the streaming benchmark stamps what opencode streams.
//! - `opts`, `stats`: the command line and the summary statistics.
//!
//! The minimal server the clients are timed against is the `bench_server` binary.

pub mod commands;
pub mod http1;
pub mod opts;
pub mod proxy;
pub mod raw_client;
pub mod report;
pub mod script;
pub mod stats;
pub mod tokens;

/// Every failure of a benchmark ends the run with its message.
pub type Res<T> = Result<T, String>;
