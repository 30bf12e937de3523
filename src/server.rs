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

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::client::{Config, Error, ErrorKind, DEFAULT_USERNAME};

/// The line `opencode serve` prints once it accepts connections.
const LISTENING: &str = "opencode server listening on ";
/// Lines of output kept for error messages and [`Server::output`].
const OUTPUT_LINES: usize = 40;
/// A longer line is cut (opencode prints whole stack traces on one line at times).
const LINE_LIMIT: usize = 1000;
/// Lines of output quoted in an error message.
const ERROR_LINES: usize = 12;
/// How long a server may take to end after SIGTERM before it gets SIGKILL.
const STOP_GRACE: Duration = Duration::from_millis(1500);
/// The same when the whole process is exiting (every server at once).
const EXIT_GRACE: Duration = Duration::from_millis(1000);
/// Attempts when a port picked for `port = 0` was taken before opencode bound it.
const START_ATTEMPTS: usize = 3;

/// How to start `opencode serve`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServeOptions {
    /// The opencode program. Default: `OPENCODE_BIN`, else `opencode` on the `PATH`.
    pub bin: PathBuf,
    /// Address to listen on. Default `127.0.0.1`.
    pub hostname: String,
    /// Port to listen on; 0 (the default) picks a free one. (opencode's own
    /// `--port 0` would take 4096.)
    pub port: u16,
    /// Sets `OPENCODE_SERVER_PASSWORD` for the server; `None` runs it without
    /// a password (and without the variable, even when this process has it).
    /// Default: a random password, so that only this program can use the server.
    pub password: Option<String>,
    /// opencode configuration (the JSON of opencode.json), handed over as
    /// `OPENCODE_CONFIG_CONTENT`; opencode merges it over the configuration
    /// files it finds.
    pub config: Option<String>,
    /// How long to wait for the listening line. Default 30 s.
    pub timeout: Duration,
    /// The directory the server runs in: its project. Default: the current one.
    pub cwd: Option<PathBuf>,
    /// Environment changes for the server, in order: `Some` sets, `None` removes.
    /// The rest of this process's environment is inherited.
    pub env: Vec<(OsString, Option<OsString>)>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions::new()
    }
}

impl ServeOptions {
    pub fn new() -> Self {
        ServeOptions {
            bin: std::env::var_os("OPENCODE_BIN")
                .filter(|bin| !bin.is_empty())
                .map_or_else(|| PathBuf::from("opencode"), PathBuf::from),
            hostname: "127.0.0.1".into(),
            port: 0,
            password: Some(random_password()),
            config: None,
            timeout: Duration::from_secs(30),
            cwd: None,
            env: Vec::new(),
        }
    }

    /// The value the server sees for environment variable `name`.
    fn env_value(&self, name: &str) -> Option<OsString> {
        match self.env.iter().rev().find(|(key, _)| key == name) {
            Some((_, value)) => value.clone(),
            None => std::env::var_os(name),
        }
    }
}

/// 128 random bits, hex-encoded.
pub fn random_password() -> String {
    let mut bytes = [0u8; 16];
    let filled = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if filled.is_err() {
        // No /dev/urandom (a chroot?): the kernel's getrandom(2) directly.
        // SAFETY: getrandom writes at most `bytes.len()` bytes into the buffer.
        let n = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
        assert_eq!(n, bytes.len() as isize, "no source of random numbers");
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What stopping needs; shared with the registry that stops every server
/// still running when the process exits.
struct Process {
    pid: u32,
    child: Mutex<Option<Child>>,
}

/// A running `opencode serve`, stopped (with everything it started) when
/// dropped, when [`Server::stop`] is called, or when this process exits.
///
/// ```no_run
/// use opencode::client::{Client, NewSession, SendOptions};
/// use opencode::server::{ServeOptions, Server};
///
/// let mut options = ServeOptions::new(); // OPENCODE_BIN or `opencode`, a free port, a random password
/// options.cwd = Some("/path/to/project".into());
/// let server = Server::start(&options)?;
/// let client = Client::connect(server.config())?;
/// let session = client.new_session(&NewSession::new())?;
/// println!("{}", client.send(&session.id, "explain this repo", &SendOptions::new())?.text());
/// server.stop();
/// # Ok::<(), opencode::client::Error>(())
/// ```
pub struct Server {
    process: Arc<Process>,
    url: String,
    username: String,
    password: Option<String>,
    output: Arc<Mutex<VecDeque<String>>>,
    /// One per output pipe; each reports when its pipe has ended.
    readers: Mutex<Vec<mpsc::Receiver<()>>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("url", &self.url)
            .field("pid", &self.process.pid)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Starts `opencode serve` and waits until it listens. Fails with kind
    /// `timeout` when it does not within `options.timeout`, `connect` when it
    /// exits first, and `config` when the program cannot be run; the message
    /// quotes the last lines the server printed.
    pub fn start(options: &ServeOptions) -> Result<Server, Error> {
        if let Some(config) = &options.config {
            check_config(config).map_err(|detail| Error::new(ErrorKind::Config, None, detail))?;
        }
        let mut attempt = 1;
        loop {
            match Server::spawn(options) {
                Err((_, true)) if options.port == 0 && attempt < START_ATTEMPTS => attempt += 1,
                Err((error, _)) => return Err(error),
                Ok(server) => return Ok(server),
            }
        }
    }

    /// One attempt; the flag says whether it failed because the port was taken.
    fn spawn(options: &ServeOptions) -> Result<Server, (Error, bool)> {
        let port = match options.port {
            0 => free_port(&options.hostname).map_err(|e| {
                let message = format!("cannot find a free port on {}: {e}", options.hostname);
                (Error::new(ErrorKind::Config, None, message), false)
            })?,
            port => port,
        };
        let mut command = Command::new(&options.bin);
        command
            .arg("serve")
            .arg("--hostname")
            .arg(&options.hostname)
            .arg("--port")
            .arg(port.to_string());
        if let Some(cwd) = &options.cwd {
            command.current_dir(cwd);
        }
        for (name, value) in &options.env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        match &options.password {
            Some(password) => command.env("OPENCODE_SERVER_PASSWORD", password),
            None => command.env_remove("OPENCODE_SERVER_PASSWORD"),
        };
        if let Some(config) = &options.config {
            command.env("OPENCODE_CONFIG_CONTENT", config);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so that stopping it reaches everything it started.
            .process_group(0);
        let mut child = spawn_tied(command).map_err(|e| {
            let message = format!("cannot run {} serve: {e}", options.bin.display());
            (Error::new(ErrorKind::Config, None, message), false)
        })?;
        register_exit_hook();
        let process = Arc::new(Process {
            pid: child.id(),
            child: Mutex::new(None),
        });
        let output = Arc::new(Mutex::new(VecDeque::new()));
        let (url_tx, url_rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let readers = vec![
            read_lines(stdout, Arc::clone(&output), Some(url_tx)),
            read_lines(stderr, Arc::clone(&output), None),
        ];
        *lock(&process.child) = Some(child);
        // From here on, dropping `server` stops the process.
        let mut server = Server {
            process,
            url: String::new(),
            username: options
                .env_value("OPENCODE_SERVER_USERNAME")
                .and_then(|name| name.into_string().ok())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| DEFAULT_USERNAME.to_owned()),
            password: options.password.clone(),
            output,
            readers: Mutex::new(readers),
        };

        let deadline = Instant::now() + options.timeout;
        loop {
            match url_rx.recv_timeout(Duration::from_millis(20)) {
                Ok(url) => {
                    server.url = url;
                    register(&server.process);
                    return Ok(server);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                // Standard output closed: the exit shows below, soon.
                Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(Duration::from_millis(20)),
            }
            let exited = lock(&server.process.child)
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if let Some(status) = exited {
                server.wait_for_readers(Duration::from_millis(500));
                let tail = server.output_tail(ERROR_LINES);
                // opencode 1.18 says only "ServeError" when its port is taken.
                let port_taken = ["ServeError", "EADDRINUSE", "address already in use"]
                    .iter()
                    .any(|sign| tail.contains(sign));
                let message = format!(
                    "{} serve exited ({status}) before it listened on port {port}{}",
                    options.bin.display(),
                    quote(&tail)
                );
                return Err((Error::new(ErrorKind::Connect, None, message), port_taken));
            }
            if Instant::now() >= deadline {
                server.stop();
                let message = format!(
                    "{} serve did not listen within {}s{}",
                    options.bin.display(),
                    options.timeout.as_secs_f64(),
                    quote(&server.output_tail(ERROR_LINES))
                );
                return Err((Error::new(ErrorKind::Timeout, None, message), false));
            }
        }
    }

    /// The server's URL, such as `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The process id of `opencode serve` (also the id of its process group).
    pub fn pid(&self) -> u32 {
        self.process.pid
    }

    /// A client configuration for this server: its URL and credentials.
    pub fn config(&self) -> Config {
        let mut config = Config::with_url(self.url.clone());
        config.username = self.username.clone();
        config.password = self.password.clone();
        config
    }

    /// True until the server was stopped or ended by itself.
    pub fn is_running(&self) -> bool {
        match lock(&self.process.child).as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// The last lines the server printed (standard output and error, interleaved).
    pub fn output(&self) -> String {
        self.output_tail(OUTPUT_LINES)
    }

    fn output_tail(&self, lines: usize) -> String {
        let output = lock(&self.output);
        let skip = output.len().saturating_sub(lines);
        output.iter().skip(skip).cloned().collect::<Vec<_>>().join("\n")
    }

    /// Stops the server and everything it started: SIGTERM, then SIGKILL for
    /// whatever is left after a grace period. Returns once the server's
    /// process has ended. Calling it again does nothing.
    pub fn stop(&self) {
        stop_all(&[Arc::clone(&self.process)], STOP_GRACE);
        self.wait_for_readers(Duration::from_millis(200));
    }

    /// Waits (at most `limit`) for the output readers to reach the end of the pipes.
    fn wait_for_readers(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        for done in lock(&self.readers).iter() {
            let left = deadline.saturating_duration_since(Instant::now());
            let _ = done.recv_timeout(left);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// ": its last output: a | b | c", or nothing when there was none.
fn quote(tail: &str) -> String {
    let lines: Vec<&str> = tail.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        "; it printed nothing".to_owned()
    } else {
        format!("; its last output: {}", lines.join(" | "))
    }
}

/// Spawns `command` so that the kernel sends it SIGTERM should this process
/// end without stopping it (a crash, SIGKILL, an uncaught Ctrl-C), through
/// the parent-death signal. That signal follows the *thread* that forked, so
/// the fork happens on a thread that lives as long as the process, not on
/// the caller's, which may end long before the server should.
///
/// Unlike our other threads, the spawning thread keeps SIGPIPE as the host
/// left it: a child inherits the signal mask of the thread that forks it, and
/// opencode and the commands it runs must get the host's, not ours.
fn spawn_tied(mut command: Command) -> std::io::Result<Child> {
    type Job = (Command, mpsc::Sender<std::io::Result<Child>>);
    static KEEPER: Mutex<Option<mpsc::Sender<Job>>> = Mutex::new(None);

    let parent = std::process::id();
    // SAFETY: between fork and exec the closure only makes async-signal-safe calls.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Already orphaned (the parent died before the prctl): nobody would signal us.
            if libc::getppid() as u32 != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
    let (reply, answer) = mpsc::channel();
    let sent = {
        let mut keeper = lock(&KEEPER);
        if keeper.is_none() {
            let (jobs, queue) = mpsc::channel::<Job>();
            let started = std::thread::Builder::new()
                .name("opencode-serve-spawner".into())
                .spawn(move || {
                    // Ends only with the process: nothing closes `jobs`, which lives in KEEPER.
                    while let Ok((mut command, reply)) = queue.recv() {
                        let _ = reply.send(command.spawn());
                    }
                });
            if started.is_ok() {
                *keeper = Some(jobs);
            }
        }
        match keeper.as_ref() {
            Some(jobs) => jobs.send((command, reply)).map_err(|e| e.0 .0),
            None => Err(command),
        }
    };
    match sent {
        Ok(()) => answer
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("the spawning thread is gone"))),
        // No spawning thread: spawn here; the parent-death signal then follows this thread.
        Err(mut command) => command.spawn(),
    }
}

fn free_port(hostname: &str) -> std::io::Result<u16> {
    TcpListener::bind((hostname, 0))
        .or_else(|_| TcpListener::bind(("127.0.0.1", 0)))?
        .local_addr()
        .map(|address| address.port())
}

/// Keeps the last lines of `pipe` in `output`, sends the URL of the listening
/// line to `listening`, and reports on the returned channel when the pipe ends.
fn read_lines(
    pipe: impl Read + Send + 'static,
    output: Arc<Mutex<VecDeque<String>>>,
    listening: Option<mpsc::Sender<String>>,
) -> mpsc::Receiver<()> {
    let (done_tx, done) = mpsc::channel();
    // Should the thread not start, `done_tx` is gone and the channel reads as done.
    let _ = std::thread::Builder::new()
        .name("opencode-serve-output".into())
        .spawn(move || {
            // Only reads, but no thread of ours may die of a write (see crate::sigpipe).
            crate::sigpipe::block_for_this_thread();
            let mut reader = BufReader::new(pipe);
            let mut bytes = Vec::new();
            loop {
                bytes.clear();
                match reader.read_until(b'\n', &mut bytes) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let text = String::from_utf8_lossy(&bytes);
                let mut line = strip_escapes(text.trim_end());
                if let (Some(url), Some(tx)) = (line.trim().strip_prefix(LISTENING), &listening) {
                    let _ = tx.send(url.trim().trim_end_matches('/').to_owned());
                }
                if line.len() > LINE_LIMIT {
                    let mut end = LINE_LIMIT;
                    while !line.is_char_boundary(end) {
                        end -= 1;
                    }
                    line.truncate(end);
                    line.push_str(" ...");
                }
                let mut lines = lock(&output);
                if lines.len() == OUTPUT_LINES {
                    lines.pop_front();
                }
                lines.push_back(line);
            }
            let _ = done_tx.send(());
        });
    done
}

/// `line` without terminal escape sequences (opencode colours its errors).
fn strip_escapes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
        } else if chars.clone().next() == Some('[') {
            // CSI: parameters and intermediates, up to a final byte in '@'..='~'.
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next(); // a two-character escape
        }
    }
    out
}

/// A process found in /proc: its id and start time (so that a recycled id is not hit).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pid {
    pid: u32,
    start: u64,
}

/// `(pid, parent, start time)` of every process, from /proc.
fn process_table() -> Vec<(u32, u32, u64)> {
    let mut table = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return table;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if let Some((parent, start)) = stat(pid) {
            table.push((pid, parent, start));
        }
    }
    table
}

/// The parent and start time of `pid`, from /proc/PID/stat.
fn stat(pid: u32) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields restart after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // Field 4 of proc(5) is the parent, field 22 the start time; `fields` begins at field 3.
    Some((fields.get(1)?.parse().ok()?, fields.get(19)?.parse().ok()?))
}

/// Every live descendant of `root`.
fn descendants(root: u32) -> Vec<Pid> {
    let table = process_table();
    let mut found = vec![root];
    let mut out = Vec::new();
    let mut i = 0;
    // Bounded: each process is added at most once, and the table is finite.
    while i < found.len() && found.len() <= table.len() + 1 {
        let parent = found[i];
        for &(pid, ppid, start) in &table {
            if ppid == parent && !found.contains(&pid) {
                found.push(pid);
                out.push(Pid { pid, start });
            }
        }
        i += 1;
    }
    out
}

fn signal(target: libc::pid_t, sig: libc::c_int) {
    // SAFETY: kill(2) has no memory effects; a stale target fails with ESRCH.
    unsafe {
        libc::kill(target, sig);
    }
}

/// Signals a descendant found earlier, and the process group it leads if it
/// leads one (opencode's bash tool starts commands in groups of their own),
/// unless its id now names another process.
fn signal_known(process: Pid, sig: libc::c_int) {
    if stat(process.pid).map(|(_, start)| start) == Some(process.start) {
        signal(process.pid as libc::pid_t, sig);
        // While the process lives its id is no other group's: this fails harmlessly
        // (ESRCH) when it leads none.
        signal(-(process.pid as libc::pid_t), sig);
    }
}

/// Stops servers together: every tree gets SIGTERM, the servers get `grace`
/// to end, then whatever remains of each tree gets SIGKILL and the servers are
/// reaped.
fn stop_all(processes: &[Arc<Process>], grace: Duration) {
    let mut stopping = Vec::new();
    for process in processes {
        let Some(child) = lock(&process.child).take() else {
            continue; // stopped already
        };
        unregister(process);
        // Collect the tree before signalling: a child whose parent ended is
        // adopted by init and can no longer be told apart from other processes.
        let tree = descendants(process.pid);
        signal(-(process.pid as libc::pid_t), libc::SIGTERM);
        for &member in &tree {
            signal_known(member, libc::SIGTERM);
        }
        stopping.push((child, tree));
    }
    let deadline = Instant::now() + grace;
    for (child, tree) in &mut stopping {
        while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if matches!(child.try_wait(), Ok(None)) {
            for member in descendants(child.id()) {
                if !tree.contains(&member) {
                    tree.push(member);
                }
            }
        }
    }
    for (mut child, tree) in stopping {
        let group = child.id() as libc::pid_t;
        signal(-group, libc::SIGKILL);
        for member in tree {
            signal_known(member, libc::SIGKILL);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Servers still running, stopped by the exit hook when the process exits
/// without dropping them (`os.exit` skips Lua's garbage collection).
static RUNNING: Mutex<Vec<Weak<Process>>> = Mutex::new(Vec::new());

fn register(process: &Arc<Process>) {
    let mut running = lock(&RUNNING);
    running.retain(|weak| weak.strong_count() > 0);
    running.push(Arc::downgrade(process));
}

fn unregister(process: &Arc<Process>) {
    lock(&RUNNING).retain(|weak| weak.strong_count() > 0 && !std::ptr::eq(weak.as_ptr(), Arc::as_ptr(process)));
}

fn register_exit_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `stop_at_exit` is an `extern "C" fn()` that never unwinds.
        unsafe {
            libc::atexit(stop_at_exit);
        }
    });
}

extern "C" fn stop_at_exit() {
    let _ = std::panic::catch_unwind(|| {
        let processes: Vec<Arc<Process>> = match RUNNING.try_lock() {
            Ok(running) => running.iter().filter_map(Weak::upgrade).collect(),
            Err(std::sync::TryLockError::Poisoned(running)) => {
                running.into_inner().iter().filter_map(Weak::upgrade).collect()
            }
            // Held by a thread that exit() left running: stopping is best effort.
            Err(std::sync::TryLockError::WouldBlock) => return,
        };
        stop_all(&processes, EXIT_GRACE);
    });
}

/// opencode reads `OPENCODE_CONFIG_CONTENT` as a JSON object; anything else
/// would be dropped or make it fail with a message far from the cause.
pub(crate) fn check_config(config: &str) -> Result<(), String> {
    match serde_json::from_str::<serde_json::Value>(config) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        Ok(other) => Err(format!(
            "the opencode configuration must be a JSON object, got {}",
            match other {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Bool(_) => "a boolean",
                _ => "null",
            }
        )),
        Err(e) => Err(format!("the opencode configuration is not valid JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_passwords_differ() {
        let (a, b) = (random_password(), random_password());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn quote_joins_the_last_lines() {
        assert_eq!(quote(""), "; it printed nothing");
        assert_eq!(quote("a\n\n b \nc"), "; its last output: a | b | c");
    }

    #[test]
    fn escapes_are_stripped() {
        assert_eq!(
            strip_escapes("\u{1b}[91m\u{1b}[1mError: \u{1b}[0mUnexpected error"),
            "Error: Unexpected error"
        );
        assert_eq!(strip_escapes("plain ü"), "plain ü");
    }

    #[test]
    fn stat_reads_this_process() {
        let (parent, start) = stat(std::process::id()).expect("own stat");
        assert!(parent > 0 && start > 0);
    }

    #[test]
    fn a_configuration_that_is_not_a_json_object_is_refused_before_starting() {
        for (config, says) in [
            ("{not json", "not valid JSON"),
            ("[1]", "an array"),
            ("\"x\"", "a string"),
        ] {
            let mut options = ServeOptions::new();
            options.bin = "/nonexistent/opencode".into();
            options.config = Some(config.into());
            let err = Server::start(&options).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{err}");
            assert!(err.message().contains(says), "{config}: {err}");
        }
    }

    #[test]
    fn missing_program_is_a_config_error() {
        let mut options = ServeOptions::new();
        options.bin = "/nonexistent/opencode".into();
        let err = Server::start(&options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        assert!(err.message().contains("/nonexistent/opencode"), "{err}");
    }

    #[test]
    fn early_exit_quotes_the_output() {
        let mut options = ServeOptions::new();
        options.bin = "sh".into();
        // `sh serve ...` runs the script file "serve" in cwd: give it one.
        let dir = std::env::temp_dir().join(format!("opencode-serve-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("serve"),
            "echo starting; echo 'boom: bad config' >&2; exit 3\n",
        )
        .unwrap();
        options.cwd = Some(dir.clone());
        let err = Server::start(&options).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
        assert!(err.message().contains("boom: bad config"), "{err}");
        assert!(err.message().contains("starting"), "{err}");
    }

    #[test]
    fn a_server_that_never_listens_times_out_and_is_stopped() {
        let dir = std::env::temp_dir().join(format!("opencode-serve-unit-t-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("serve"), "echo warming up; sleep 30 & wait\n").unwrap();
        let mut options = ServeOptions::new();
        options.bin = "sh".into();
        options.cwd = Some(dir.clone());
        options.timeout = Duration::from_millis(500);
        let start = Instant::now();
        let err = Server::start(&options).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(err.message().contains("warming up"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
    }
}
