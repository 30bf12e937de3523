//! [`Server`]: starts `opencode serve` and waits until it listens; the
//! handle to the running server, which stops it when dropped.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use super::exit::{register, register_exit_hook};
use super::lock;
use super::options::{check_config, ServeOptions};
use super::output::{quote, read_lines, tail, Lines, OUTPUT_LINES};
use super::process::{spawn_tied, stop_all, Process};
use crate::client::{Config, Error, ErrorKind, DEFAULT_USERNAME};

/// Lines of output quoted in an error message.
const ERROR_LINES: usize = 12;
/// How long a server may take to end after SIGTERM before it gets SIGKILL.
const STOP_GRACE: Duration = Duration::from_millis(1500);
/// Attempts when a port picked for `port = 0` was taken before opencode bound it.
const START_ATTEMPTS: usize = 3;

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
    output: Lines,
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
        let output: Lines = Arc::default();
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
        tail(&self.output, lines)
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

fn free_port(hostname: &str) -> std::io::Result<u16> {
    TcpListener::bind((hostname, 0))
        .or_else(|_| TcpListener::bind(("127.0.0.1", 0)))?
        .local_addr()
        .map(|address| address.port())
}

#[cfg(test)]
mod tests {
    use super::*;

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
