//! Script processes: a line protocol on stdin/stdout, each stdout line stamped as it is
//! read, so that a script in stock Lua (which has no fine clock) is timed from outside.
//!
//! Not opencode-testing's process harness, whose reader hands lines over unstamped
//! after keeping a copy under a lock: a stamp taken where the line is received would
//! add that hand-over to every timed line (the streaming figures are a few hundred µs).
//! And a script's standard error goes straight to the terminal, as it happens.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use crate::opts::Opts;
use crate::stats::now_ns;
use crate::Res;

/// A running script; `lines` gets each stdout line with the instant and wall-clock ns it was read.
pub struct Script {
    pub name: String,
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<(Instant, u128, String)>,
}

impl Script {
    pub fn spawn(name: &str, command: &mut Command) -> Res<Script> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{name}: cannot start {command:?}: {e}"))?;
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            while matches!(reader.read_line(&mut line), Ok(n) if n > 0) {
                let stamp = (Instant::now(), now_ns(), line.trim_end_matches('\n').to_owned());
                if tx.send(stamp).is_err() {
                    break;
                }
                line.clear();
            }
        });
        Ok(Script {
            name: name.to_owned(),
            child,
            stdin,
            lines: rx,
        })
    }

    pub fn send(&mut self, line: &str) -> Res<()> {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("{}: {e}", self.name))
    }

    pub fn next_line(&mut self, limit: Duration) -> Res<(Instant, u128, String)> {
        self.lines
            .recv_timeout(limit)
            .map_err(|_| format!("{}: no answer within {limit:?} (or it exited)", self.name))
    }

    /// Waits for one exact line, skipping nothing.
    pub fn expect(&mut self, want: &str, limit: Duration) -> Res<Instant> {
        let (at, _, line) = self.next_line(limit)?;
        if line != want {
            return Err(format!("{}: expected {want:?}, got {line:?}", self.name));
        }
        Ok(at)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn finish(mut self) {
        let _ = self.send("quit");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `lua5.4 SCRIPT` (or `--lua`), loading opencode.so from `--cpath` when given.
pub fn lua_command(opts: &Opts, script: &str) -> Res<Command> {
    let mut command = Command::new(opts.get("lua").unwrap_or("lua5.4"));
    command.arg(script);
    if let Some(dir) = opts.get("cpath") {
        command.env("LUA_CPATH", format!("{dir}/?.so;;"));
    }
    Ok(command)
}

/// Open descriptors of process `pid`, counted from outside so the script need not.
pub fn count_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| dir.count())
        .unwrap_or(0)
}
