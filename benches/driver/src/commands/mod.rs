//! The measuring commands of the `bench` driver, one module each. Each takes the
//! command line and returns its figures as JSON, which `bin/bench.rs` writes to `--out`.

pub mod latency;
pub mod memory;
pub mod pending;
pub mod require;
pub mod size;
pub mod stream;
pub mod throughput;
