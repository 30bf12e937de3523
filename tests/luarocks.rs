//! The rockspec at the repository root, as a user runs it: `luarocks make`
//! into a fresh tree with Debian's luarocks (no rocks server is contacted;
//! only cargo fetches crates), then stock lua5.4 loads the installed module.
//!
//! The rockspec builds in its own cargo target dir (target/luarocks), so this
//! test shares no build output with `cargo test` or tools/build-module.sh.

#[path = "support/lua.rs"]
mod lua;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use lua::{manifest_dir, run_bounded};

/// A release build of the HTTP stack from nothing takes a minute or two.
const BUILD_LIMIT: Duration = Duration::from_secs(900);
const RUN_LIMIT: Duration = Duration::from_secs(60);

fn rockspec() -> PathBuf {
    manifest_dir().join(format!("opencode-{}-1.rockspec", env!("CARGO_PKG_VERSION")))
}

/// A fresh, empty folder under the system temp dir, removed when dropped.
struct TempTree(PathBuf);

impl TempTree {
    fn new(name: &str) -> TempTree {
        let path = std::env::temp_dir().join(format!("opencode-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp tree");
        TempTree(path)
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn luarocks(tree: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("luarocks");
    // What is tested is the rockspec's way in (build, install, load), not the
    // optimiser: without LTO and with parallel codegen the release build the
    // rockspec runs takes a fraction of the time on a busy 2-core machine.
    command
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .args(["--lua-version", "5.4", "--tree"])
        .arg(tree)
        .args(args)
        .current_dir(manifest_dir());
    command
}

fn check(what: &str, output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A port nothing listens on.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[test]
fn luarocks_make_installs_a_module_stock_lua_loads() {
    let rockspec = rockspec();
    assert!(
        rockspec.exists(),
        "{} missing (named after the crate's version)",
        rockspec.display()
    );
    let tree = TempTree::new("luarocks");

    let make = run_bounded(luarocks(&tree.0, &["make", rockspec.to_str().unwrap()]), BUILD_LIMIT);
    let log = check("luarocks make", &make);
    assert!(
        log.contains("building opencode.so for lua54"),
        "built for the wrong Lua:\n{log}"
    );
    let installed = tree.0.join("lib/lua/5.4/opencode.so");
    assert!(
        installed.exists(),
        "{} missing after luarocks make:\n{log}",
        installed.display()
    );

    // The tree's C module path, as `eval $(luarocks path)` would set it.
    let cpath = check(
        "luarocks path",
        &run_bounded(luarocks(&tree.0, &["path", "--lr-cpath"]), RUN_LIMIT),
    );
    let cpath = cpath.trim();
    assert!(
        cpath.contains(tree.0.to_str().unwrap()),
        "luarocks path --lr-cpath: {cpath}"
    );

    let script = r#"
        local opencode = require("opencode")
        local found = package.searchpath("opencode", package.cpath)
        assert(found == os.getenv("EXPECTED_SO"), "loaded " .. tostring(found))
        assert(opencode._VERSION == os.getenv("EXPECTED_VERSION"), "_VERSION " .. tostring(opencode._VERSION))
        local client, message, kind = opencode.connect(os.getenv("DEAD_URL"))
        assert(client == nil, "connected to a dead port")
        assert(type(message) == "string" and kind == "connect", "failure " .. tostring(message))
        print("ok " .. opencode._VERSION)
    "#;
    let mut lua = Command::new("lua5.4");
    lua.arg("-e")
        .arg(script)
        .env("LUA_CPATH_5_4", format!("{cpath};;"))
        .env("EXPECTED_SO", &installed)
        .env("EXPECTED_VERSION", format!("opencode {}", env!("CARGO_PKG_VERSION")))
        .env("DEAD_URL", dead_url());
    let stdout = check("lua5.4 require(\"opencode\")", &run_bounded(lua, RUN_LIMIT));
    assert_eq!(stdout.trim(), format!("ok opencode {}", env!("CARGO_PKG_VERSION")));
}
