//! opencode-lua: drive an [opencode](https://opencode.ai) AI coding server from Lua.
//!
//! One package, two faces:
//! - built with the `module` feature, the library is `opencode.so`, which stock
//!   interpreters load with `require("opencode")`;
//! - built with `vendored` (the default), it is an rlib for Rust programs that
//!   host Lua: [`register`] installs the module into their [`mlua::Lua`].
//!
//! [`client`] is the plain Rust HTTP client underneath, usable without Lua, and
//! [`server`] starts and stops an `opencode serve` of your own.
//!
//! ```no_run
//! use opencode::client::{Client, Config, NewSession, SendOptions};
//!
//! let client = Client::connect(Config::with_url("http://127.0.0.1:4096"))?;
//! let session = client.new_session(&NewSession::new().title("hello"))?;
//! let reply = client.send(&session.id, "hello world", &SendOptions::new())?;
//! println!("{}", reply.text());
//! # Ok::<(), opencode::client::Error>(())
//! ```
//!
//! The README and `docs/` of the repository describe the Lua API, the
//! guarantees and the architecture; `docs/rust-api.md` is the tour of this API.

#[cfg(not(any(
    feature = "lua51",
    feature = "lua52",
    feature = "lua53",
    feature = "lua54",
    feature = "lua55",
    feature = "luajit"
)))]
compile_error!("choose the Lua to build for: one of the features lua51, lua52, lua53, lua54, lua55, luajit");

#[cfg(all(feature = "module", feature = "vendored"))]
compile_error!("the features `module` and `vendored` cannot be combined: build opencode.so with --no-default-features --features module,lua54");

// A managed server is tied to its parent with prctl(PR_SET_PDEATHSIG), its
// process tree is read from /proc, and SIGPIPE is handled with Linux's signal
// calls: none of these exist elsewhere, and a build that silently left them
// out would leak servers or let a closed connection kill the interpreter.
#[cfg(not(target_os = "linux"))]
compile_error!(
    "opencode-lua supports Linux only: src/server.rs and the SIGPIPE guard use prctl, /proc and Linux signal handling"
);

pub mod client;
mod lua;
pub mod server;
mod sigpipe;
mod tls;

pub use lua::{module, register, BUNDLED_SCRIPTS, SETTINGS_SOURCE};
pub use mlua;

/// The entry point stock interpreters call when a script runs `require("opencode")`.
#[cfg(feature = "module")]
#[mlua::lua_module(name = "opencode")]
fn opencode_module(lua: &mlua::Lua) -> mlua::Result<mlua::Table> {
    pin_in_memory().map_err(mlua::Error::runtime)?;
    module(lua)
}

/// Keeps opencode.so loaded until the process ends. A stock interpreter
/// unloads its C modules (dlclose) when it closes its state: at the end of a
/// script, or in os.exit(code, true). A thread of ours still running then (the
/// output readers of a managed server, a background runtime winding down)
/// would run unmapped code and crash the interpreter on its way out. Opening
/// ourselves once more with RTLD_NODELETE makes every dlclose keep us mapped.
#[cfg(feature = "module")]
fn pin_in_memory() -> Result<(), String> {
    static PINNED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    PINNED
        .get_or_init(|| {
            // SAFETY: dladdr only fills `info` for an address in a loaded object
            // (this function's); the file name it returns is valid while that
            // object is loaded. RTLD_NOLOAD makes dlopen return a handle only
            // to an object that is already loaded, so a relative name that
            // now resolves to another file (the working directory changed)
            // loads nothing: the handle is then null and we say so. The handle
            // is deliberately never closed.
            unsafe {
                let mut info: libc::Dl_info = std::mem::zeroed();
                if libc::dladdr(pin_in_memory as *const libc::c_void, &mut info) == 0 || info.dli_fname.is_null() {
                    return Err("opencode: cannot find which file opencode.so was loaded from".to_owned());
                }
                let handle = libc::dlopen(info.dli_fname, libc::RTLD_NOW | libc::RTLD_NOLOAD | libc::RTLD_NODELETE);
                if handle.is_null() {
                    let name = std::ffi::CStr::from_ptr(info.dli_fname).to_string_lossy();
                    return Err(format!(
                        "opencode: cannot keep {name} loaded until exit (it no longer names the loaded module); load it by an absolute path in package.cpath"
                    ));
                }
                Ok(())
            }
        })
        .clone()
}
