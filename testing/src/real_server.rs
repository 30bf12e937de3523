//! A real `opencode serve` against the echo provider, for the end-to-end tests.
//!
//! Every [`OpencodeServer`] gets its own echo provider, its own temporary
//! HOME/XDG directories and project directory, and a free port on 127.0.0.1,
//! so tests can run in parallel and never touch the developer's own opencode
//! state or the internet. opencode-lua's own [`opencode::server`] starts and
//! stops it (free port, start attempts, output tail, process tree). A server
//! that cannot be started is a test failure (a panic with the server's
//! output), never a skip.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opencode::server::{ServeOptions, Server};
use serde_json::{json, Value};

use crate::echo_provider::EchoProvider;
use crate::http;

/// How long `opencode serve` may take to print its listening line (it usually takes 1.5-4 s
/// on an idle machine; several servers starting at once on a loaded one take many times that).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
/// The variables of this process the server sees; it gets no others.
const INHERITED: &[&str] = &["PATH", "SHELL", "LANG", "LC_ALL", "TMPDIR", "TERM"];
/// The user name opencode expects when `OPENCODE_SERVER_PASSWORD` is set.
pub const USERNAME: &str = "opencode";

/// The repository's root folder (this crate's parent).
pub fn repo_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

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
/// Dropping it stops the server and everything it spawned, then removes the directories.
pub struct OpencodeServer {
    server: Server,
    root: PathBuf,
    project: PathBuf,
    // Dropped after the server (fields drop in declaration order after `Drop::drop`).
    provider: EchoProvider,
}

impl OpencodeServer {
    /// Starts the server and returns once it listens and its configuration loads.
    /// Panics (with the server's output) when that does not happen in time.
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

        let mut options = ServeOptions::new();
        options.bin = binary.clone();
        options.password = opts.password.clone();
        options.timeout = STARTUP_TIMEOUT;
        options.cwd = Some(project.clone());
        options.env = isolated_env(&root);
        let server = Server::start(&options).unwrap_or_else(|e| {
            panic!(
                "opencode serve ({}) failed to start: {e}\n--- log ---\n{}",
                binary.display(),
                log_tail(&root)
            )
        });
        let server = OpencodeServer {
            server,
            root,
            project,
            provider,
        };
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

    /// Base URL, e.g. `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        self.server.url()
    }

    pub fn password(&self) -> Option<&str> {
        self.server.password()
    }

    /// The running server, as opencode-lua's API sees it.
    pub fn server(&self) -> &Server {
        &self.server
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
        self.server.output()
    }

    /// The end of opencode's own log file (it logs there, not to stdout).
    pub fn log_tail(&self) -> String {
        log_tail(&self.root)
    }

    /// A request with this server's credentials (if it has a password).
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> http::Response {
        let auth = self.password().map(|p| (USERNAME, p));
        http::request(self.url(), method, path, body, auth)
    }
}

impl Drop for OpencodeServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- opencode server output ({}) ---\n{}\n--- opencode log ---\n{}",
                self.url(),
                self.output(),
                self.log_tail()
            );
        }
        self.server.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The server's environment: the few variables of [`INHERITED`], its own
/// HOME and XDG directories under `root`, and nothing that downloads.
fn isolated_env(root: &Path) -> Vec<(OsString, Option<OsString>)> {
    let mut env: Vec<(OsString, Option<OsString>)> = std::env::vars_os()
        .filter(|(name, _)| !INHERITED.iter().any(|kept| name == kept))
        .map(|(name, _)| (name, None))
        .collect();
    let set = [
        ("HOME", root.join("home").into_os_string()),
        ("XDG_CONFIG_HOME", root.join("config").into_os_string()),
        ("XDG_DATA_HOME", root.join("data").into_os_string()),
        ("XDG_CACHE_HOME", root.join("cache").into_os_string()),
        ("XDG_STATE_HOME", root.join("state").into_os_string()),
        ("OPENCODE_DISABLE_AUTOUPDATE", "1".into()),
        ("OPENCODE_DISABLE_MODELS_FETCH", "1".into()),
        ("OPENCODE_DISABLE_LSP_DOWNLOAD", "1".into()),
        ("OPENCODE_DISABLE_SHARE", "1".into()),
        // opencode installs @opencode-ai/plugin from npm into its config directory in the
        // background (about 6 s and 95 MB); offline mode makes that fail at once, harmlessly.
        ("npm_config_offline", "true".into()),
    ];
    env.extend(set.into_iter().map(|(name, value)| (OsString::from(name), Some(value))));
    env
}

/// The end of opencode's newest log file under `root`.
fn log_tail(root: &Path) -> String {
    let dir = root.join("data/opencode/log");
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
    let path = repo_dir().join(".cache/opencode/node_modules/.bin/opencode");
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
