//! Running one test of this test binary alone, in a child process of its own,
//! for measurements that the other tests' threads would disturb: RSS is the
//! whole process's, and `cargo test` runs a binary's tests in parallel.
//!
//! The parent starts this same binary asking for just that test
//! (`--exact --test-threads=1`) with [`ENV`] set; in the child, the test finds
//! [`child`] set and does the measuring part.
use std::process::Command;
use std::time::Duration;

use crate::process::Process;

/// Set in the child; its value is whatever the parent hands over.
const ENV: &str = "OPENCODE_LUA_TEST_ALONE";

/// How long a child may take.
const CHILD_LIMIT: Duration = Duration::from_secs(600);

/// In the child process: the value the parent handed over. `None` in the parent.
pub fn child() -> Option<String> {
    std::env::var(ENV).ok()
}

/// True in the child: run the test's body here. In the parent: runs `test`
/// alone in a child process (failing when it fails) and returns false.
pub fn alone(test: &str) -> bool {
    if child().is_some() {
        return true;
    }
    run_child(test, "");
    false
}

/// Runs `test` alone in a child process that gets `value` from [`child`].
/// Fails, showing the child's output, when the child fails or runs past its
/// bound; the child's stderr (its measurements) is passed on either way.
pub fn run_child(test: &str, value: &str) {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(ENV, value);
    let mut child = Process::start(command);
    let status = child.wait(CHILD_LIMIT);
    if status.is_none() {
        child.kill();
    }
    let (stdout, stderr) = (child.stdout(), child.stderr());
    eprint!("{stderr}");
    let report = format!("--- child's stdout\n{stdout}--- child's stderr\n{stderr}");
    match status {
        None => panic!("{test}: the child process still ran after {CHILD_LIMIT:?}\n{report}"),
        Some(status) => assert!(
            status.success(),
            "{test}: the child process failed ({status})\n{report}"
        ),
    }
    // A name that matched no test would pass without running anything.
    assert!(
        stdout.contains("1 passed"),
        "{test}: the child process did not run it\n{report}"
    );
}
