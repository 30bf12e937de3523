//! How to start `opencode serve`: [`ServeOptions`], and the checks made
//! before anything runs.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

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
    pub(super) fn env_value(&self, name: &str) -> Option<OsString> {
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
    use crate::client::ErrorKind;
    use crate::server::Server;

    #[test]
    fn random_passwords_differ() {
        let (a, b) = (random_password(), random_password());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
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
}
