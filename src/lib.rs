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
mod tls;

pub use lua::{module, register, BUNDLED_SCRIPTS, SETTINGS_SOURCE};
pub use mlua;

/// The entry point stock interpreters call when a script runs `require("opencode")`.
#[cfg(feature = "module")]
#[mlua::lua_module(name = "opencode")]
fn opencode_module(lua: &mlua::Lua) -> mlua::Result<mlua::Table> {
    module(lua)
}
