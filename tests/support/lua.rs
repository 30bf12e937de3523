//! Running the Lua test scripts: in the `opencode-lua` host (Lua 5.4 compiled
//! in) and in Debian's stock interpreters, each loading the `opencode.so` built
//! for it by tools/build-module.sh.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

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
///
/// Each Lua has a lock of its own: a test that wants one module never waits
/// for another test's build of a different one in this process. (Builds still
/// take turns on tools/build-module.sh's lock of the shared cargo target dir;
/// tools/test.sh builds every module before the tests, so that turn is short.)
pub fn module_dir(lua: &str) -> PathBuf {
    static BUILDS: Mutex<Vec<(String, Arc<Build>)>> = Mutex::new(Vec::new());
    let build = {
        let mut builds = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
        match builds.iter().find(|(name, _)| name == lua) {
            Some((_, build)) => Arc::clone(build),
            None => {
                let build = Arc::new(OnceLock::new());
                builds.push((lua.to_owned(), Arc::clone(&build)));
                build
            }
        }
    };
    // Only the callers that want this same module wait here.
    let built = build.get_or_init(|| build_module(lua));
    if let Err(problem) = built {
        panic!("{problem}");
    }
    let dir = manifest_dir().join("target/lua").join(lua);
    assert!(dir.join("opencode.so").exists(), "{} missing", dir.display());
    dir
}

/// One module's build: done once, its outcome shared by every caller.
type Build = OnceLock<Result<(), String>>;

/// Runs tools/build-module.sh for `lua` (a debug build).
fn build_module(lua: &str) -> Result<(), String> {
    let output = Command::new("bash")
        .arg(manifest_dir().join("tools/build-module.sh"))
        .args([lua, "--debug"])
        .current_dir(manifest_dir())
        .output()
        .map_err(|e| format!("cannot run tools/build-module.sh: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "building opencode.so for {lua} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
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

pub use opencode_testing::process::run_bounded;

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
