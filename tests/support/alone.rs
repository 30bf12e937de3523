//! Running one test of this test binary alone, in a child process of its own,
//! for measurements that the other tests' threads would disturb: RSS is the
//! whole process's, and `cargo test` runs a binary's tests in parallel.
//!
//! The parent starts this same binary asking for just that test
//! (`--exact --test-threads=1`) with [`ENV`] set; in the child, the test finds
//! [`child`] set and does the measuring part.
#![allow(dead_code)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(ENV, value)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start a child process for {test}: {e}"));
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().unwrap()));
    let stderr = reader(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child process") {
            break Some(status);
        }
        if started.elapsed() > CHILD_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
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
