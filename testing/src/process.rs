//! The process harness of the tests and benchmarks: start a command, keep what
//! it prints, wait for it with a bound, and kill it (with everything in its
//! process group) when it is dropped.
//!
//! A [`Process`] runs in a process group of its own, so that killing it
//! reaches whatever it started too. Its standard output and error are read
//! on threads of their own as they come, so a report made while it still
//! runs shows what it printed so far; each keeps at most [`OUTPUT_LIMIT`]
//! bytes (the end: a failing command's last words are what explain it).
//! Standard output is also handed over line by line, for tests that wait
//! for a line ([`Process::expect`]).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Bytes kept of each output stream (its end).
pub const OUTPUT_LIMIT: usize = 4 * 1024 * 1024;
/// How long the output readers may take, once the process has ended, to read
/// what it printed last. A process it left behind holding the pipes open ends
/// the wait here instead of never.
pub const LAST_OUTPUT_LIMIT: Duration = Duration::from_secs(10);

/// The end of one output stream.
#[derive(Default)]
struct Tail {
    bytes: Vec<u8>,
    /// How many bytes were dropped from the front.
    dropped: usize,
}

impl Tail {
    fn push(&mut self, data: &[u8]) {
        self.bytes.extend_from_slice(data);
        if self.bytes.len() > OUTPUT_LIMIT {
            let cut = self.bytes.len() - OUTPUT_LIMIT;
            self.bytes.drain(..cut);
            self.dropped += cut;
        }
    }

    fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes);
        match self.dropped {
            0 => text.into_owned(),
            dropped => format!("[{dropped} bytes left out]\n{text}"),
        }
    }
}

/// A running command; killed, with its process group, when dropped.
pub struct Process {
    what: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    stdout: Arc<Mutex<Tail>>,
    stderr: Arc<Mutex<Tail>>,
    /// One message from each output reader once it has read everything.
    readers_done: mpsc::Receiver<()>,
    /// Readers that have reported.
    readers_ended: usize,
    status: Option<ExitStatus>,
}

impl Process {
    /// Starts `command` with standard input closed (reading it gets EOF).
    /// Panics (failing the test) when it cannot be started.
    pub fn start(command: Command) -> Process {
        Process::spawn(command, false)
    }

    /// Starts `command` with a pipe to its standard input, for [`Process::say`].
    pub fn start_with_stdin(command: Command) -> Process {
        Process::spawn(command, true)
    }

    fn spawn(mut command: Command, stdin: bool) -> Process {
        let what = format!("{command:?}");
        let mut child = command
            .stdin(if stdin { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        let (lines_tx, lines) = mpsc::channel();
        let (done_tx, readers_done) = mpsc::channel();
        let stdout = Arc::new(Mutex::new(Tail::default()));
        let stderr = Arc::new(Mutex::new(Tail::default()));
        let (out, kept, done) = (child.stdout.take().unwrap(), Arc::clone(&stdout), done_tx.clone());
        thread::spawn(move || {
            let mut reader = BufReader::new(out);
            let mut line = Vec::new();
            while let Ok(1..) = reader.read_until(b'\n', &mut line) {
                kept.lock().unwrap().push(&line);
                let text = String::from_utf8_lossy(&line);
                let _ = lines_tx.send(text.trim_end_matches(['\n', '\r']).to_owned());
                line.clear();
            }
            let _ = done.send(());
        });
        let (mut err, kept) = (child.stderr.take().unwrap(), Arc::clone(&stderr));
        thread::spawn(move || {
            let mut buf = [0; 4096];
            while let Ok(n @ 1..) = err.read(&mut buf) {
                kept.lock().unwrap().push(&buf[..n]);
            }
            let _ = done_tx.send(());
        });
        Process {
            what,
            stdin: child.stdin.take(),
            child,
            lines,
            stdout,
            stderr,
            readers_done,
            readers_ended: 0,
            status: None,
        }
    }

    /// Names the process in reports (default: the command line).
    pub fn named(mut self, what: impl Into<String>) -> Process {
        self.what = what.into();
        self
    }

    pub fn what(&self) -> &str {
        &self.what
    }

    /// Its process id, which is also the id of its process group.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it printed on standard output so far (the end of it).
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().text()
    }

    /// What it printed on standard error so far (the end of it).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().text()
    }

    /// Its name and everything it printed so far, for a failure message.
    pub fn report(&self) -> String {
        format!(
            "{}\n--- stdout\n{}--- stderr\n{}",
            self.what,
            self.stdout(),
            self.stderr()
        )
    }

    /// The next line of standard output, waiting at most `limit`: `Timeout`
    /// when none came in time, `Disconnected` once the output has ended.
    pub fn next_line(&mut self, limit: Duration) -> Result<String, mpsc::RecvTimeoutError> {
        self.lines.recv_timeout(limit)
    }

    /// Waits (at most `limit`) for the next line starting with `prefix`,
    /// skipping others, and returns the rest of it, trimmed. Panics with the
    /// report when none comes.
    pub fn expect(&mut self, prefix: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        return rest.trim().to_owned();
                    }
                }
                Err(_) => {
                    if self.try_wait().is_some() {
                        self.collect_output();
                    }
                    panic!("no line {prefix:?}: {}", self.report())
                }
            }
        }
    }

    /// Writes `line` and a newline to its standard input.
    pub fn say(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is piped: start_with_stdin");
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes its standard input (it reads EOF).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Its exit status, if it has exited (without waiting).
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().expect("poll the child process");
        }
        self.status
    }

    /// Waits at most `limit` for it to exit; then waits (bounded) for its
    /// output to be read to the end. `None` when it still runs.
    pub fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.try_wait() {
                self.collect_output();
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Like [`Process::wait`], but panics with the report (after killing
    /// it) when it still runs after `limit`.
    pub fn exit(&mut self, limit: Duration) -> ExitStatus {
        match self.wait(limit) {
            Some(status) => status,
            None => {
                self.kill();
                panic!("still running after {limit:?}: {}", self.report())
            }
        }
    }

    /// Waits (bounded, see [`Process::exit`]) and returns its status and output.
    pub fn output(mut self, limit: Duration) -> Output {
        let status = self.exit(limit);
        let take = |tail: &Mutex<Tail>| std::mem::take(&mut tail.lock().unwrap().bytes);
        Output {
            status,
            stdout: take(&self.stdout),
            stderr: take(&self.stderr),
        }
    }

    /// Kills it and whatever is left in its process group (SIGKILL), and
    /// reaps it.
    pub fn kill(&mut self) {
        // SAFETY: kill(2) with a negative pid signals that process group, the
        // child's own (process_group(0)); an empty group is only ESRCH.
        unsafe { libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL) };
        if self.try_wait().is_none() {
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
        self.collect_output();
    }

    /// Waits (at most [`LAST_OUTPUT_LIMIT`]) until both output readers have
    /// reached the end of their pipes.
    fn collect_output(&mut self) {
        let deadline = Instant::now() + LAST_OUTPUT_LIMIT;
        while self.readers_ended < 2 {
            let left = deadline.saturating_duration_since(Instant::now());
            if self.readers_done.recv_timeout(left).is_err() {
                return;
            }
            self.readers_ended += 1;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `command` (standard input closed) to its end and returns what it
/// printed; panics with its output when it still runs after `limit`.
pub fn run_bounded(command: Command, limit: Duration) -> Output {
    Process::start(command).output(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tail_keeps_the_end_and_says_how_much_it_left_out() {
        let mut tail = Tail::default();
        tail.push(&vec![b'a'; OUTPUT_LIMIT]);
        tail.push(b"the end");
        assert_eq!(tail.bytes.len(), OUTPUT_LIMIT);
        assert!(tail.bytes.ends_with(b"the end"));
        assert!(tail.text().starts_with("[7 bytes left out]\n"));
    }

    #[test]
    fn output_and_lines_are_captured() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo one; echo two; echo oops >&2"]);
        let mut process = Process::start(command);
        assert_eq!(process.expect("tw", Duration::from_secs(10)), "o");
        let output = process.output(Duration::from_secs(10));
        assert!(output.status.success());
        assert_eq!(output.stdout, b"one\ntwo\n");
        assert_eq!(output.stderr, b"oops\n");
    }

    #[test]
    fn killing_reaches_the_whole_process_group() {
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 30 & echo $!; wait"]);
        let mut process = Process::start(command);
        let sleeper: i32 = process.expect("", Duration::from_secs(10)).parse().unwrap();
        let started = Instant::now();
        assert_eq!(process.wait(Duration::from_millis(100)), None);
        process.kill();
        assert!(process.try_wait().is_some());
        // The orphaned sleep is gone too: reaped, or a zombie waiting for
        // whoever adopted it.
        let alive = || {
            let stat = std::fs::read_to_string(format!("/proc/{sleeper}/stat")).unwrap_or_default();
            stat.rsplit_once(')')
                .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while alive() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        assert!(!alive(), "sleep {sleeper} survived");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
