//! The support code of opencode-lua's tests and benchmarks, written once:
//!
//! - [`fake_server`]: the fake HTTP/1.1 server (a fake `opencode serve`, or
//!   one that misbehaves byte by byte);
//! - [`process`]: the process harness (start a command, keep its output, wait
//!   with a bound, kill its process group);
//! - [`alone`]: one test of a test binary run alone in a child process, for
//!   measurements the other tests' threads would disturb;
//! - [`echo_provider`]: the OpenAI-compatible model the real server talks to;
//! - `real_server` (feature `real-server`): a real `opencode serve` with its
//!   own echo provider and directories, started by `opencode::server`;
//! - [`http`]: a raw blocking HTTP/1.1 client for checks below the client.
//!
//! Not published: only the tests and benchmarks depend on it.

pub mod alone;
pub mod echo_provider;
pub mod fake_server;
pub mod http;
pub mod process;
#[cfg(feature = "real-server")]
pub mod real_server;
