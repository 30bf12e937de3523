//! Running the Lua test scripts: in the `opencode-lua` host (Lua 5.4 compiled
//! in) and in Debian's stock interpreters, each loading the `opencode.so` built
//! for it by tools/build-module.sh.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The stock interpreters the tests run under: (command, module build feature).
pub const STOCK: &[(&str, &str)] = &[
    ("lua5.4", "lua54"),
    ("lua5.1", "lua51"),
    ("luajit", "luajit"),
    ("lua5.2", "lua52"),
    ("lua5.3", "lua53"),
];

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn host_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_opencode-lua"))
}

/// Builds (once per test process) opencode.so for `lua` and returns its folder,
/// ready for package.cpath.
pub fn module_dir(lua: &str) -> PathBuf {
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let dir = manifest_dir().join("target/lua").join(lua);
    if !built.iter().any(|b| b == lua) {
        let output = Command::new("bash")
            .arg(manifest_dir().join("tools/build-module.sh"))
            .args([lua, "--debug"])
            .current_dir(manifest_dir())
            .output()
            .expect("run tools/build-module.sh");
        assert!(
            output.status.success(),
            "building opencode.so for {lua} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        built.push(lua.to_owned());
    }
    assert!(dir.join("opencode.so").exists(), "{} missing", dir.display());
    dir
}

/// How a script is run: by the host, or by a stock interpreter.
#[derive(Clone, Debug)]
pub enum Runner {
    Host,
    Stock { interpreter: String, lua: String },
}

impl Runner {
    pub fn stock(interpreter: &str, lua: &str) -> Runner {
        Runner::Stock {
            interpreter: interpreter.into(),
            lua: lua.into(),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Runner::Host => "opencode-lua".into(),
            Runner::Stock { interpreter, .. } => interpreter.clone(),
        }
    }

    /// A command running `script` with `args`; stock interpreters get
    /// package.cpath pointing at their opencode.so and package.path at lua/.
    pub fn command(&self, script: &Path, args: &[&str]) -> Command {
        let lua_dir = manifest_dir().join("lua");
        let mut command = match self {
            Runner::Host => Command::new(host_binary()),
            Runner::Stock { interpreter, lua } => {
                let so_dir = module_dir(lua);
                let mut command = Command::new(interpreter);
                command.arg("-e").arg(format!(
                    "package.cpath = '{}/?.so;' .. package.cpath; package.path = '{}/?.lua;' .. package.path",
                    so_dir.display(),
                    lua_dir.display()
                ));
                command
            }
        };
        command.arg(script).args(args);
        command
    }
}

/// Runs a command with a time bound; panics (failing the test) past it.
pub fn run_bounded(mut command: Command, limit: Duration) -> Output {
    use std::io::Read;
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out_thread.join().unwrap(),
        stderr: err_thread.join().unwrap(),
    }
}

/// Runs a Lua test script and asserts that it exited 0 and reported no failure.
pub fn run_lua_test(runner: &Runner, script: &str, args: &[&str]) -> String {
    let path = manifest_dir().join("tests/lua").join(script);
    let output = run_bounded(runner.command(&path, args), Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(" passed, 0 failed"),
        "{script} under {} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        runner.name(),
        output.status
    );
    stdout
}
