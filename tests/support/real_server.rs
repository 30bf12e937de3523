//! Test harness that runs a real `opencode serve` against the local echo provider.
//!
//! Include it with `#[path = "support/real_server.rs"] mod real_server;`. Every
//! [`OpencodeServer`] gets its own echo provider, its own temporary HOME/XDG directories and
//! project directory, and a free port on 127.0.0.1, so tests can run in parallel and never
//! touch the developer's own opencode state or the internet. A server that cannot be started
//! is a test failure (a panic with the server's output), never a skip.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long `opencode serve` may take to print its listening line (it usually takes 1.5-4 s
/// on an idle machine; several servers starting at once on a loaded one take many times that).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the echo provider may take to print its listening line (milliseconds when idle).
const PROVIDER_STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the output readers may take to read what an exited server printed last.
const LAST_OUTPUT_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts when the port picked for opencode was taken by someone else in the meantime.
const START_ATTEMPTS: usize = 3;
/// Lines of server output kept for failure messages.
const OUTPUT_LINES: usize = 200;
/// Timeout for one request made with [`http_request`].
const HTTP_TIMEOUT: Duration = Duration::from_secs(120);
/// The user name opencode expects when `OPENCODE_SERVER_PASSWORD` is set.
pub const USERNAME: &str = "opencode";

// ---------------------------------------------------------------------------------------------
// Echo provider

/// A running `opencode-echo-provider`; killed when dropped.
pub struct EchoProvider {
    child: Child,
    port: u16,
}

impl EchoProvider {
    /// Starts the provider, pausing `chunk_delay_ms` between streamed chunks.
    pub fn start(chunk_delay_ms: u64) -> EchoProvider {
        let binary = env!("CARGO_BIN_EXE_opencode-echo-provider");
        let mut child = Command::new(binary)
            .args(["--port", "0", "--chunk-delay-ms", &chunk_delay_ms.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start echo provider {binary}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(PROVIDER_STARTUP_TIMEOUT) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("echo provider did not print its listening line within {PROVIDER_STARTUP_TIMEOUT:?}");
            }
        };
        let port = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                let _ = child.wait();
                panic!("unexpected first line from echo provider: {line:?}")
            });
        EchoProvider { child, port }
    }

    /// The OpenAI-compatible base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for EchoProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// opencode server

/// How to start an [`OpencodeServer`].
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Sets `OPENCODE_SERVER_PASSWORD` (user name `opencode`).
    pub password: Option<String>,
    /// Pause between streamed chunks of the echo provider.
    pub chunk_delay_ms: u64,
    /// The `permission` entry of opencode.json; default `{"bash": "allow", ...}` so tools
    /// run without asking. Pass e.g. `json!({"bash": "ask"})` to exercise permission requests.
    pub permission: Option<Value>,
}

/// A running `opencode serve` with its own echo provider and temporary directories.
/// Dropping it kills the server and everything it spawned, then removes the directories.
pub struct OpencodeServer {
    child: Option<Child>,
    url: String,
    password: Option<String>,
    root: PathBuf,
    project: PathBuf,
    output: Arc<Mutex<VecDeque<String>>>,
    // Dropped after the server (fields drop in declaration order after `Drop::drop`).
    provider: EchoProvider,
}

impl OpencodeServer {
    /// Starts the server and returns once it listens and its configuration loads.
    /// Panics (with the server's output) when that does not happen within 60 s.
    pub fn start(opts: ServerOptions) -> OpencodeServer {
        let binary = opencode_binary();
        let provider = EchoProvider::start(opts.chunk_delay_ms);
        let root = unique_temp_dir();
        let project = root.join("project");
        for dir in ["home", "config", "data", "cache", "state", "project"] {
            std::fs::create_dir_all(root.join(dir))
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", root.join(dir).display()));
        }
        // A git repository bounds opencode's upward search for opencode.json/AGENTS.md, so
        // stray files in the temp directory's parents cannot leak into the tests.
        let _ = Command::new("git")
            .args(["init", "-q"])
            .current_dir(&project)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let config = opencode_config(&provider.url(), opts.permission.as_ref());
        let config_text = serde_json::to_string_pretty(&config).expect("config serializes");
        std::fs::write(project.join("opencode.json"), config_text).expect("write opencode.json");

        let mut server = OpencodeServer {
            child: None,
            url: String::new(),
            password: opts.password.clone(),
            root,
            project,
            output: Arc::new(Mutex::new(VecDeque::new())),
            provider,
        };
        for attempt in 1..=START_ATTEMPTS {
            match server.spawn(&binary) {
                Ok(()) => break,
                Err(reason) => {
                    let output = server.output();
                    let port_taken = output.contains("ServeError") || output.contains("EADDRINUSE");
                    if !(port_taken && attempt < START_ATTEMPTS) {
                        panic!(
                            "opencode serve ({}) failed to start: {reason}\n--- server output ---\n{output}\n--- log ---\n{}",
                            binary.display(),
                            server.log_tail()
                        );
                    }
                }
            }
        }
        // Configuration errors only surface on the first request, so ask for it now.
        let config = server.request("GET", "/config", None);
        if config.status != 200 {
            panic!(
                "opencode serve rejected its configuration: HTTP {} {}\n--- server output ---\n{}",
                config.status,
                config.body,
                server.output()
            );
        }
        server
    }

    /// Spawns `opencode serve` and waits for its listening line.
    fn spawn(&mut self, binary: &Path) -> Result<(), String> {
        self.kill();
        self.output.lock().unwrap().clear();
        let port = free_port();
        let root = &self.root;
        let mut command = Command::new(binary);
        command
            .args(["serve", "--hostname", "127.0.0.1", "--port", &port.to_string()])
            .current_dir(&self.project)
            .env_clear()
            .env("HOME", root.join("home"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("XDG_DATA_HOME", root.join("data"))
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("XDG_STATE_HOME", root.join("state"))
            .env("OPENCODE_DISABLE_AUTOUPDATE", "1")
            .env("OPENCODE_DISABLE_MODELS_FETCH", "1")
            .env("OPENCODE_DISABLE_LSP_DOWNLOAD", "1")
            .env("OPENCODE_DISABLE_SHARE", "1")
            // opencode installs @opencode-ai/plugin from npm into its config directory in the
            // background (about 6 s and 95 MB); offline mode makes that fail at once, harmlessly.
            .env("npm_config_offline", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so Drop can kill everything it spawned.
            .process_group(0);
        for name in ["PATH", "SHELL", "LANG", "LC_ALL", "TMPDIR", "TERM"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        if let Some(password) = &self.password {
            command.env("OPENCODE_SERVER_PASSWORD", password);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;

        let (tx, rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        collect_output(stdout, Arc::clone(&self.output), tx.clone());
        collect_output(stderr, Arc::clone(&self.output), tx);
        self.child = Some(child);

        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(url) => {
                    self.url = url;
                    return Ok(());
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = self.child.as_mut().and_then(|c| c.wait().ok());
                    return Err(format!("it exited ({status:?}) before listening"));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                // The readers end (dropping their senders) once they have
                // collected the last lines; a process it left behind holding
                // the pipes ends the wait at the bound instead.
                let deadline = Instant::now() + LAST_OUTPUT_TIMEOUT;
                while rx
                    .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    .is_ok()
                {}
                return Err(format!("it exited ({status}) before listening"));
            }
            if Instant::now() >= deadline {
                self.kill();
                return Err(format!("no listening line within {STARTUP_TIMEOUT:?}"));
            }
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The directory opencode serves (holds `opencode.json`; a fresh git repository).
    pub fn project_dir(&self) -> &Path {
        &self.project
    }

    pub fn provider(&self) -> &EchoProvider {
        &self.provider
    }

    /// The last lines the server printed on stdout and stderr.
    pub fn output(&self) -> String {
        let lines = self.output.lock().unwrap();
        lines.iter().cloned().collect::<Vec<_>>().join("\n")
    }

    /// The end of opencode's own log file (it logs there, not to stdout).
    pub fn log_tail(&self) -> String {
        let dir = self.root.join("data/opencode/log");
        let newest = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .max();
        let Some(path) = newest else {
            return format!("(no log in {})", dir.display());
        };
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// A request with this server's credentials (if it has a password).
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> HttpResponse {
        let auth = self.password.as_deref().map(|p| (USERNAME, p));
        http_request(&self.url, method, path, body, auth)
    }

    fn kill(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id();
        let mut targets = vec![format!("-{pid}")];
        targets.extend(descendants(pid).iter().map(u32::to_string));
        let killed = Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .args(&targets)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if killed.is_err() {
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}

impl Drop for OpencodeServer {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!(
                "--- opencode server output ({}) ---\n{}\n--- opencode log ---\n{}",
                self.url,
                self.output(),
                self.log_tail()
            );
        }
        self.kill();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The opencode.json every test server uses: only the echo provider, nothing that downloads.
pub fn opencode_config(provider_url: &str, permission: Option<&Value>) -> Value {
    let permission = permission
        .cloned()
        .unwrap_or_else(|| json!({"bash": "allow", "edit": "allow", "webfetch": "deny", "websearch": "deny"}));
    json!({
        "$schema": "https://opencode.ai/config.json",
        "autoupdate": false,
        "share": "disabled",
        "lsp": false,
        "formatter": false,
        "snapshot": false,
        "model": "echo/echo",
        "small_model": "echo/echo",
        "enabled_providers": ["echo"],
        "provider": {
            "echo": {
                "npm": "@ai-sdk/openai-compatible",
                "name": "Echo",
                "options": {"baseURL": provider_url, "apiKey": "echo"},
                "models": {
                    "echo": {
                        "name": "Echo",
                        "tool_call": true,
                        "cost": {"input": 0, "output": 0},
                        "limit": {"context": 100000, "output": 4096}
                    }
                }
            }
        },
        "permission": permission,
    })
}

/// `OPENCODE_BIN`, else the copy `tools/setup.sh` installs under `.cache/`.
pub fn opencode_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("OPENCODE_BIN") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            panic!("OPENCODE_BIN={} does not exist", path.display());
        }
        return path;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/opencode/node_modules/.bin/opencode");
    if !path.exists() {
        panic!(
            "opencode is not installed at {} - run `bash tools/setup.sh` (or set OPENCODE_BIN)",
            path.display()
        );
    }
    path
}

fn unique_temp_dir() -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("opencode-lua-test-{}-{n}-{nanos:08x}", std::process::id()));
        if std::fs::create_dir(&dir).is_ok() {
            return dir;
        }
    }
    panic!(
        "cannot create a temporary directory in {}",
        std::env::temp_dir().display()
    );
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port on 127.0.0.1")
}

/// Keeps the last lines of `pipe` in `output`; sends the URL once the listening line shows.
fn collect_output(
    pipe: impl Read + Send + 'static,
    output: Arc<Mutex<VecDeque<String>>>,
    listening: mpsc::Sender<String>,
) {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if let Some(url) = line.trim().strip_prefix("opencode server listening on ") {
                let _ = listening.send(url.trim().trim_end_matches('/').to_string());
            }
            let mut lines = output.lock().unwrap();
            if lines.len() == OUTPUT_LINES {
                lines.pop_front();
            }
            lines.push_back(line);
        }
    });
}

/// All live descendants of `pid`, read from /proc (opencode's bash tool detaches its children).
fn descendants(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The command name may contain spaces and parentheses; fields restart after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.push((child, ppid));
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(parents.iter().filter(|(_, p)| *p == parent).map(|(c, _)| *c));
        i += 1;
    }
    found.remove(0);
    found
}

// ---------------------------------------------------------------------------------------------
// Minimal blocking HTTP client for the harness's own checks

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("HTTP {} body is not JSON ({e}): {:?}", self.status, self.body))
    }
}

/// One HTTP/1.1 request (`Connection: close`) to `base_url` + `path`.
pub fn http_request(
    base_url: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    basic_auth: Option<(&str, &str)>,
) -> HttpResponse {
    let authority = base_url
        .strip_prefix("http://")
        .unwrap_or(base_url)
        .trim_end_matches('/');
    let mut stream = TcpStream::connect(authority).unwrap_or_else(|e| panic!("cannot connect to {base_url}: {e}"));
    stream.set_read_timeout(Some(HTTP_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(HTTP_TIMEOUT)).unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nAccept: */*\r\n");
    if method != "GET" && method != "HEAD" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    if let Some((user, password)) = basic_auth {
        head.push_str(&format!(
            "Authorization: Basic {}\r\n",
            base64(format!("{user}:{password}").as_bytes())
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();

    // opencode keeps the connection open despite `Connection: close`, so the body is
    // framed by Content-Length or chunked encoding, not by end of stream.
    let mut reader = BufReader::new(stream);
    let fail = |what: &str| -> ! { panic!("{method} {path}: {what}") };
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .unwrap_or_else(|e| fail(&format!("reading the response failed: {e}")));
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| fail(&format!("bad status line {line:?}")));
    let mut headers = Vec::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => fail("connection closed inside the headers"),
            Ok(_) => {}
            Err(e) => fail(&format!("reading headers failed: {e}")),
        }
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    let result = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        read_chunks(&mut reader, &mut body)
    } else if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body)
    } else if status == 204 || status == 304 || method == "HEAD" {
        Ok(())
    } else {
        reader.read_to_end(&mut body).map(drop)
    };
    result.unwrap_or_else(|e| fail(&format!("reading the body failed: {e}")));
    HttpResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}

fn read_chunks(reader: &mut impl BufRead, body: &mut Vec<u8>) -> std::io::Result<()> {
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            // Trailers, then the blank line that ends the body.
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(());
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
