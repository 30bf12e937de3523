//! Managed servers: `opencode.serve{...}` starts a real `opencode serve` whose
//! model is the echo provider, and `client:close()`, garbage collection and the
//! interpreter's exit each stop it with everything it started; failures to
//! start quote the server's output; `opencode-lua --serve` runs scripts
//! against a server of their own.
//!
//! Every server gets its own HOME, XDG directories and project directory, so
//! nothing touches the developer's opencode state or the network.

#[path = "support/lua.rs"]
mod lua;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lua::{host_binary, manifest_dir, run_bounded, Runner, STOCK};
use opencode_testing::echo_provider::EchoProvider;
use opencode_testing::process::Process;
use opencode_testing::real_server::{opencode_binary, opencode_config};

/// How long a server may take to start and answer a first prompt.
const SERVER_LIMIT: Duration = Duration::from_secs(90);
/// How long an interpreter may take to exit once its script is done.
const EXIT_LIMIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------------
// A private opencode world: HOME, XDG directories, a project, an echo provider

struct Sandbox {
    root: PathBuf,
    provider: EchoProvider,
}

impl Sandbox {
    fn new(name: &str) -> Sandbox {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("opencode-lua-serve-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["home", "config", "data", "cache", "state", "project"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        // A git repository bounds opencode's upward search for configuration.
        let _ = Command::new("git")
            .args(["init", "-q"])
            .current_dir(root.join("project"))
            .status();
        Sandbox {
            root,
            provider: EchoProvider::start(0),
        }
    }

    fn project(&self) -> PathBuf {
        self.root.join("project")
    }

    /// opencode.json for the echo provider, as JSON text.
    fn config(&self) -> String {
        opencode_config(&self.provider.url(), None).to_string()
    }

    /// The environment that keeps opencode inside the sandbox.
    fn env(&self) -> Vec<(String, String)> {
        let dir = |name: &str| self.root.join(name).display().to_string();
        vec![
            ("HOME".into(), dir("home")),
            ("XDG_CONFIG_HOME".into(), dir("config")),
            ("XDG_DATA_HOME".into(), dir("data")),
            ("XDG_CACHE_HOME".into(), dir("cache")),
            ("XDG_STATE_HOME".into(), dir("state")),
            ("OPENCODE_DISABLE_AUTOUPDATE".into(), "1".into()),
            ("OPENCODE_DISABLE_MODELS_FETCH".into(), "1".into()),
            ("OPENCODE_DISABLE_LSP_DOWNLOAD".into(), "1".into()),
            ("OPENCODE_DISABLE_SHARE".into(), "1".into()),
            // opencode installs a plugin from npm in the background; offline, that fails at once.
            ("npm_config_offline".into(), "true".into()),
        ]
    }

    /// The same environment as a Lua table constructor, for `opencode.serve{ env = ... }`.
    fn lua_env(&self) -> String {
        let fields: Vec<String> = self
            .env()
            .iter()
            .map(|(name, value)| format!("[{}] = {}", lua_string(name), lua_string(value)))
            .collect();
        format!("{{ {}, OPENCODE_SERVE_TEST_NOT_SET = false }}", fields.join(", "))
    }

    /// A command whose environment keeps opencode inside the sandbox.
    fn isolate(&self, command: &mut Command) {
        command
            .current_dir(self.project())
            .envs(self.env())
            .env_remove("OPENCODE_SERVER_URL")
            .env_remove("OPENCODE_SERVER_PASSWORD")
            .env_remove("OPENCODE_CONFIG")
            .env_remove("OPENCODE_CONFIG_CONTENT");
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.root.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn write_executable(&self, name: &str, text: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.write(name, text);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn lua_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn opencode() -> String {
    opencode_binary().display().to_string()
}

// ---------------------------------------------------------------------------------------------
// Processes

/// True while `pid` is a live process (a zombie counts as gone).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next()),
            Some("Z" | "X")
        ),
        Err(_) => false,
    }
}

/// The parent of every process, from /proc.
fn parents() -> Vec<(u32, u32)> {
    let mut table = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse().ok())
        {
            table.push((pid, ppid));
        }
    }
    table
}

/// A descendant of `root` whose command line contains `needle`.
fn descendant(root: u32, needle: &str) -> Option<u32> {
    let table = parents();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() && i <= table.len() {
        let parent = found[i];
        for &(pid, ppid) in &table {
            if ppid == parent && !found.contains(&pid) {
                found.push(pid);
            }
        }
        i += 1;
    }
    found.into_iter().skip(1).find(|pid| {
        std::fs::read(format!("/proc/{pid}/cmdline"))
            .map(|cmdline| String::from_utf8_lossy(&cmdline).replace('\0', " ").contains(needle))
            .unwrap_or(false)
    })
}

/// Waits (bounded) for a descendant of `root` running `needle`.
fn wait_for_descendant(root: u32, needle: &str) -> u32 {
    let deadline = Instant::now() + SERVER_LIMIT;
    loop {
        if let Some(pid) = descendant(root, needle) {
            return pid;
        }
        assert!(Instant::now() < deadline, "no process {needle:?} under {root} in time");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every live process whose working directory is `dir`.
fn processes_in(dir: &Path) -> Vec<u32> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    parents()
        .into_iter()
        .map(|(pid, _)| pid)
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd == dir) && alive(*pid))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// A script the test talks to: lines out, lines in

/// A Lua script or the host running, with a pipe to its standard input.
struct Script {
    process: Process,
}

impl Script {
    fn start(what: String, command: Command) -> Script {
        Script {
            process: Process::start_with_stdin(command).named(what),
        }
    }

    fn report(&self) -> String {
        self.process.report()
    }

    /// Waits for the next line starting with `prefix` and returns the rest of it.
    fn expect(&mut self, prefix: &str) -> String {
        self.process.expect(prefix, SERVER_LIMIT)
    }

    fn expect_pid(&mut self) -> u32 {
        let pid = self.expect("pid ");
        pid.parse()
            .unwrap_or_else(|_| panic!("bad pid {pid:?}: {}", self.report()))
    }

    fn say(&mut self, line: &str) {
        self.process.say(line);
    }

    /// Waits for the process to exit; fails past `limit`. The time is taken
    /// when the exit is seen, before the last output is collected.
    fn exit(&mut self, limit: Duration) -> (ExitStatus, Duration) {
        let start = Instant::now();
        while self.process.try_wait().is_none() && start.elapsed() <= limit {
            std::thread::sleep(Duration::from_millis(10));
        }
        let took = start.elapsed();
        match self.process.wait(Duration::ZERO) {
            Some(status) => (status, took),
            None => {
                self.process.kill();
                panic!("still running after {limit:?}: {}", self.report())
            }
        }
    }

    fn exit_cleanly(&mut self, limit: Duration) -> Duration {
        use std::os::unix::process::ExitStatusExt;
        let (status, took) = self.exit(limit);
        assert_eq!(status.signal(), None, "killed by a signal: {}", self.report());
        assert_eq!(status.code(), Some(0), "exit status: {}", self.report());
        took
    }
}

/// Runs Lua `source` (written into the sandbox) under `runner`.
fn lua_script(sandbox: &Sandbox, runner: &Runner, name: &str, source: &str, args: &[&str]) -> Script {
    let path = sandbox.write(name, source);
    let mut command = runner.command(&path, args);
    command.current_dir(sandbox.project());
    Script::start(format!("{name} under {}", runner.name()), command)
}

fn stock(interpreter: &str) -> Runner {
    let (interpreter, lua) = STOCK
        .iter()
        .find(|(name, _)| *name == interpreter)
        .unwrap_or_else(|| panic!("{interpreter} is not in STOCK"));
    Runner::stock(interpreter, lua)
}

// ---------------------------------------------------------------------------------------------
// close()

const CLOSE_SCRIPT: &str = r#"
local opencode = require("opencode")
local function print(line) -- flushed: Lua 5.1's print leaves a pipe's output in the buffer
  io.stdout:write(line, "\n")
  io.stdout:flush()
end
local bin, config, project = arg[1], arg[2], arg[3]
local client = assert(opencode.serve({
  bin = bin, config = config, timeout = 60, cwd = project, env = ENV,
}))
local info = client:server()
print("pid " .. info.pid)
assert(info.running == true, "running")
assert(info.url == client:url(), "url")
assert(#info.password == 32, "a random password")
assert(not tostring(client):find(info.password, 1, true), "tostring hides the password")
local intruder, refused, kind = opencode.connect({ url = client:url(), password = "wrong" })
assert(not intruder and kind == "auth", "the password is required: " .. tostring(refused))
assert(opencode.connect({ url = client:url(), password = info.password })) -- the password works
local plain = assert(opencode.connect({ url = client:url(), password = info.password }))
assert(plain:server() == nil, "a connected client has no server")
assert(plain:close() == true, "close on a connected client does nothing")

local session = assert(client:new_session({ title = "serve" }))
local reply = assert(client:send(session, "hello serve"))
print("reply " .. reply.text)
local busy = assert(client:new_session({ title = "tool" }))
tool = assert(client:send_async(busy, "[[bash:sleep 97]]")) -- the AI runs a long command
print("sent")
io.read("*l")
assert(client:close() == true)
print("running " .. tostring(client:server().running))
local ok, _, kind = client:health()
print("after " .. tostring(kind))
assert(client:close() == true) -- again: nothing left to do
"#;

fn close_stops_the_server_and_its_tools(runner: &Runner) {
    let sandbox = Sandbox::new("close");
    let source = CLOSE_SCRIPT.replace("ENV", &sandbox.lua_env());
    let project = sandbox.project().display().to_string();
    let mut script = lua_script(
        &sandbox,
        runner,
        "close.lua",
        &source,
        &[&opencode(), &sandbox.config(), &project],
    );
    let pid = script.expect_pid();
    assert!(alive(pid));
    assert_eq!(script.expect("reply "), "echo: hello serve", "{}", script.report());
    script.expect("sent");
    let tool = wait_for_descendant(pid, "sleep 97");
    script.say("close");
    assert_eq!(script.expect("running "), "false");
    assert!(!alive(pid), "the server {pid} outlived close(): {}", script.report());
    assert!(
        !alive(tool),
        "the AI's command {tool} outlived close(): {}",
        script.report()
    );
    assert_eq!(script.expect("after "), "connect");
    script.exit_cleanly(EXIT_LIMIT);
    assert_eq!(processes_in(&sandbox.project()), Vec::<u32>::new(), "processes left");
}

#[test]
fn close_stops_the_server_and_its_tools_in_the_host() {
    close_stops_the_server_and_its_tools(&Runner::Host);
}

#[test]
fn close_stops_the_server_and_its_tools_in_lua54() {
    close_stops_the_server_and_its_tools(&stock("lua5.4"));
}

// ---------------------------------------------------------------------------------------------
// Garbage collection

const GC_SCRIPT: &str = r#"
local opencode = require("opencode")
local function print(line) -- flushed: Lua 5.1's print leaves a pipe's output in the buffer
  io.stdout:write(line, "\n")
  io.stdout:flush()
end
local bin, config, project = arg[1], arg[2], arg[3]
-- The client lives only in this function's frame, gone once it returns.
local function start()
  local client = assert(opencode.serve({ bin = bin, config = config, timeout = 60, cwd = project, env = ENV }))
  assert(client:health())
  return client:server().pid
end
print("pid " .. start())
for _ = 1, 3 do
  collectgarbage()
end
print("collected")
io.read("*l")
"#;

fn collecting_the_client_stops_the_server(runner: &Runner) {
    let sandbox = Sandbox::new("gc");
    let source = GC_SCRIPT.replace("ENV", &sandbox.lua_env());
    let project = sandbox.project().display().to_string();
    let mut script = lua_script(
        &sandbox,
        runner,
        "gc.lua",
        &source,
        &[&opencode(), &sandbox.config(), &project],
    );
    let pid = script.expect_pid();
    script.expect("collected");
    assert!(!alive(pid), "the server {pid} outlived its client: {}", script.report());
    script.say("done");
    script.exit_cleanly(EXIT_LIMIT);
}

#[test]
fn collecting_the_client_stops_the_server_in_the_host() {
    collecting_the_client_stops_the_server(&Runner::Host);
}

#[test]
fn collecting_the_client_stops_the_server_in_luajit() {
    collecting_the_client_stops_the_server(&stock("luajit"));
}

// ---------------------------------------------------------------------------------------------
// The interpreter's exit, without close

fn exit_stops_the_server(runner: &Runner, ending: &str, with_tool: bool) {
    let sandbox = Sandbox::new("exit");
    let config = sandbox.config();
    let script_path = manifest_dir().join("tests/lua/exit_serve.lua");
    let bin = opencode();
    let mut args = vec![bin.as_str(), config.as_str(), ending];
    if with_tool {
        args.push("[[bash:sleep 98]]");
    }
    let mut command = runner.command(&script_path, &args);
    sandbox.isolate(&mut command);
    let what = format!("exit_serve.lua {ending} (tool: {with_tool}) under {}", runner.name());
    let mut script = Script::start(what, command);
    let pid = script.expect_pid();
    let tool = with_tool.then(|| {
        script.expect("sent");
        wait_for_descendant(pid, "sleep 98")
    });
    script.say("go");
    script.expect("ready");
    let took = script.exit_cleanly(EXIT_LIMIT);
    eprintln!("{}: exited in {took:?}", script.process.what());
    assert!(
        !alive(pid),
        "the server {pid} outlived the interpreter: {}",
        script.report()
    );
    if let Some(tool) = tool {
        assert!(
            !alive(tool),
            "the AI's command {tool} outlived the interpreter: {}",
            script.report()
        );
    }
    assert_eq!(processes_in(&sandbox.project()), Vec::<u32>::new(), "processes left");
}

#[test]
fn exit_stops_the_server_in_the_host() {
    exit_stops_the_server(&Runner::Host, "return", true);
    exit_stops_the_server(&Runner::Host, "exit", true);
    exit_stops_the_server(&Runner::Host, "exit_close", false);
}

#[test]
fn exit_stops_the_server_in_lua54() {
    let runner = stock("lua5.4");
    exit_stops_the_server(&runner, "return", false);
    exit_stops_the_server(&runner, "exit", true);
    exit_stops_the_server(&runner, "exit_close", true);
}

#[test]
fn exit_stops_the_server_in_lua51_and_luajit() {
    for interpreter in ["lua5.1", "luajit"] {
        let runner = stock(interpreter);
        exit_stops_the_server(&runner, "return", true);
        exit_stops_the_server(&runner, "exit", false);
    }
}

// ---------------------------------------------------------------------------------------------
// Failures to start

const ERRORS_SCRIPT: &str = r#"
local opencode = require("opencode")
local root, bin, taken = arg[1], arg[2], tonumber(arg[3])
local function show(name, client, message, kind)
  assert(client == nil, name .. ": expected a failure")
  print(name .. " " .. kind .. " " .. message)
end
show("exited", opencode.serve({ bin = root .. "/exits.sh", timeout = 10 }))
show("slow", opencode.serve({ bin = root .. "/slow.sh", timeout = 1 }))
show("missing", opencode.serve({ bin = root .. "/no-such-program" }))
show("taken", opencode.serve({ bin = bin, port = taken, timeout = 60, cwd = root .. "/project" }))
for _, options in ipairs({ { prot = 1 }, { port = 70000 }, { password = true }, { env = { X = 1 } }, { cwd = root .. "/nowhere" }, { config = "{not json" } }) do
  local ok, message = pcall(function()
    local client = opencode.serve(options) -- the line the error must point at
    return client
  end)
  assert(not ok)
  print("raised " .. message)
end
"#;

fn failures_quote_the_output(runner: &Runner) {
    let sandbox = Sandbox::new("errors");
    sandbox.write_executable(
        "exits.sh",
        "#!/bin/sh\necho \"fake opencode $*\"\necho 'Error: cannot load the configuration' >&2\nexit 3\n",
    );
    sandbox.write_executable(
        "slow.sh",
        "#!/bin/sh\necho warming up\necho $$ > \"$(dirname \"$0\")/slow.pid\"\nexec sleep 60\n",
    );
    // A port opencode cannot have.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = listener.local_addr().unwrap().port().to_string();
    let root = sandbox.root.display().to_string();
    let mut command = runner.command(
        &sandbox.write("errors.lua", ERRORS_SCRIPT),
        &[&root, &opencode(), &taken],
    );
    sandbox.isolate(&mut command);
    let output = run_bounded(command, SERVER_LIMIT);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = format!(
        "{} under {}\n--- stdout\n{stdout}--- stderr\n{}",
        output.status,
        runner.name(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{report}");
    let line = |name: &str| -> String {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")).map(str::to_owned))
            .unwrap_or_else(|| panic!("no line {name:?}: {report}"))
    };
    let exited = line("exited");
    assert!(exited.starts_with("connect "), "{exited}");
    assert!(
        exited.contains("exited (exit status: 3) before it listened"),
        "{exited}"
    );
    assert!(
        exited.contains("fake opencode serve --hostname 127.0.0.1 --port"),
        "{exited}"
    );
    assert!(exited.contains("Error: cannot load the configuration"), "{exited}");
    let slow = line("slow");
    assert!(slow.starts_with("timeout "), "{slow}");
    assert!(slow.contains("did not listen within 1s"), "{slow}");
    assert!(slow.contains("warming up"), "{slow}");
    let slow_pid: u32 = std::fs::read_to_string(sandbox.root.join("slow.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(!alive(slow_pid), "the server that never listened is still running");
    let missing = line("missing");
    assert!(missing.starts_with("config "), "{missing}");
    assert!(missing.contains("no-such-program"), "{missing}");
    let port_taken = line("taken");
    assert!(port_taken.starts_with("connect "), "{port_taken}");
    assert!(port_taken.contains(&format!("port {taken}")), "{port_taken}");
    assert!(port_taken.contains("ServeError"), "{port_taken}");
    let raised: Vec<&str> = stdout.lines().filter_map(|l| l.strip_prefix("raised ")).collect();
    assert_eq!(raised.len(), 6, "{report}");
    assert!(
        raised[0].contains("bad argument #1 to 'serve' (unknown option 'prot'"),
        "{}",
        raised[0]
    );
    assert!(
        raised[1].contains("option 'port': port number 0-65535 expected, got 70000"),
        "{}",
        raised[1]
    );
    assert!(
        raised[2].contains("option 'password': string or false expected, got boolean"),
        "{}",
        raised[2]
    );
    assert!(
        raised[3].contains("option 'env': value of X must be a string"),
        "{}",
        raised[3]
    );
    assert!(
        raised[4].contains("option 'cwd':") && raised[4].contains("is not a directory"),
        "{}",
        raised[4]
    );
    assert!(
        raised[5].contains("bad argument #1 to 'serve' (option 'config': the opencode configuration is not valid JSON"),
        "{}",
        raised[5]
    );
    for raised in raised {
        assert!(
            raised.starts_with("errors.lua:") || raised.contains("/errors.lua:"),
            "points at the caller: {raised}"
        );
    }
    drop(listener);
}

#[test]
fn failures_to_start_quote_the_output_in_the_host() {
    failures_quote_the_output(&Runner::Host);
}

#[test]
fn failures_to_start_quote_the_output_in_lua51() {
    failures_quote_the_output(&stock("lua5.1"));
}

// ---------------------------------------------------------------------------------------------
// opencode-lua --serve

#[test]
fn host_serve_flag_runs_scripts_against_their_own_server() {
    let sandbox = Sandbox::new("flag");
    let config = sandbox.write("echo-config.json", &sandbox.config());
    // Whatever the settings and the environment say, --serve's server wins.
    std::fs::write(
        sandbox.project().join(".settings"),
        "{\n  [ \"opencc.url\" ] = \"http://127.0.0.1:9\",\n}",
    )
    .unwrap();
    let host = |args: &[&str]| {
        let mut command = Command::new(host_binary());
        command.arg("--serve").arg("--config").arg(&config).args(args);
        sandbox.isolate(&mut command);
        command
            .env("OPENCODE_BIN", opencode_binary())
            .env("OPENCODE_SERVER_URL", "http://127.0.0.1:9");
        let output = run_bounded(command, SERVER_LIMIT);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.success(),
            "{args:?}: {}\n{stdout}\n{stderr}",
            output.status
        );
        assert_eq!(processes_in(&sandbox.project()), Vec::<u32>::new(), "processes left");
        stdout
    };

    assert_eq!(host(&["ai-helloworld", "hello", "serve"]), "echo: hello serve\n");

    let script = sandbox.write(
        "flag.lua",
        r#"
local opencode = require("opencode")
local client = assert(opencode.connect()) -- OPENCODE_SERVER_URL and OPENCODE_SERVER_PASSWORD
local session = assert(client:new_session())
print(#os.getenv("OPENCODE_SERVER_PASSWORD"), assert(client:send(session, table.concat({ ... }, " "))).text)
-- The variables were in this process's environment from its start (which
-- /proc/self/environ shows), not set later by a process that already had
-- threads, which is not safe.
local environ = assert(io.open("/proc/self/environ")):read("*a")
print("given at start: " .. tostring(("\0" .. environ):find("\0OPENCODE_SERVER_URL=" .. os.getenv("OPENCODE_SERVER_URL") .. "\0", 1, true) ~= nil))
"#,
    );
    assert_eq!(
        host(&[script.to_str().unwrap(), "from", "a", "file"]),
        "32\techo: from a file\ngiven at start: true\n"
    );
}

#[test]
fn host_serve_flag_without_a_script_is_a_usage_error() {
    let output = Command::new(host_binary()).arg("--serve").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--serve needs a script"));
}
