//! opencode-lua: drive an [opencode](https://opencode.ai) AI coding server from Lua.
//!
//! One package, two faces:
//! - built with the `module` feature, the library is `opencode.so`, which stock
//!   interpreters load with `require("opencode")`;
//! - built with `vendored` (the default), it is an rlib for Rust programs that
//!   host Lua: [`register`] installs the module into their [`mlua::Lua`].
//!
//! [`client`] is the plain Rust HTTP client underneath, usable without Lua.

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
    pin_in_memory();
    module(lua)
}

/// Keeps opencode.so loaded until the process ends. A stock interpreter
/// unloads its C modules (dlclose) when it closes its state: at the end of a
/// script, or in os.exit(code, true). A thread of ours still running then (the
/// output readers of a managed server, a background runtime winding down)
/// would run unmapped code and crash the interpreter on its way out. Opening
/// ourselves once more with RTLD_NODELETE makes every dlclose keep us mapped.
#[cfg(feature = "module")]
fn pin_in_memory() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: dladdr only fills `info` for an address in a loaded object (this
        // function's); the file name it returns is valid while that object is
        // loaded, and dlopen copies it. The handle is deliberately never closed.
        unsafe {
            let mut info: libc::Dl_info = std::mem::zeroed();
            if libc::dladdr(pin_in_memory as *const libc::c_void, &mut info) != 0 && !info.dli_fname.is_null() {
                libc::dlopen(info.dli_fname, libc::RTLD_NOW | libc::RTLD_NODELETE);
            }
        }
    });
}
