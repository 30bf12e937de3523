//! A managed `opencode serve`: started for one program and stopped with it.
//!
//! [`Server::start`] runs `opencode serve` in its own process group, waits for
//! the line `opencode server listening on URL` on its standard output, and
//! keeps the last lines it prints for error messages. Stopping it (with
//! [`Server::stop`], by dropping it, or when the process exits) ends the whole
//! process tree: the process group, and every descendant found in /proc, since
//! opencode's bash tool starts its commands in process groups of their own.
//!
//! No Lua here: `src/lua/serve.rs` is the binding.
//!
//! `options.rs` says how to start it, `start.rs` starts it and waits until
//! it listens, `output.rs` keeps what it prints, `process.rs` forks and stops
//! its process tree, `exit.rs` stops the servers left running at exit.

mod exit;
mod options;
mod output;
mod process;
mod start;

pub(crate) use options::check_config;
pub use options::{random_password, ServeOptions};
pub use start::Server;

use std::sync::{Mutex, MutexGuard};

/// A lock that a thread which panicked while holding it does not spoil: what
/// it guards (lines of output, a child process, a list) stays usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
