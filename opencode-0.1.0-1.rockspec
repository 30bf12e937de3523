-- The `opencode` Lua module (opencode.so) for LuaRocks, built from this checkout:
--
--   luarocks make                                  (into the default tree)
--   luarocks --lua-version 5.4 --tree lua_modules make opencode-0.1.0-1.rockspec
--
-- It needs Rust's cargo on PATH; cargo fetches the crates, LuaRocks fetches nothing.
-- The module is built for the interpreter LuaRocks builds for: Lua 5.1 to 5.4
-- (and 5.5) or LuaJIT, told apart by asking that interpreter itself.
rockspec_format = "3.0"
package = "opencode"
version = "0.1.0-1"

source = {
   -- `luarocks make` builds the working tree and never reads this; set the
   -- repository's address here before publishing the rockspec.
   url = "git+file://.",
}

description = {
   summary = "Drive an opencode AI coding server from Lua",
   detailed = [[
A native module, written in Rust, for the HTTP API of `opencode serve`: connect,
create sessions, send prompts and read the AI's replies, with errors as
`nil, err` values. It also carries a ComputerCraft-compatible settings store.]],
   license = "MIT",
   labels = { "ai", "http", "opencode" },
}

dependencies = {
   "lua >= 5.1",
}

build = {
   type = "command",
   -- $(LUA) is the interpreter LuaRocks builds for; it names the mlua feature
   -- (lua51 ... lua55, or luajit). The target dir is the module's own, so this
   -- build shares nothing with `cargo build` or `cargo test` in the same checkout.
   build_command = [[
set -e
lua_feature=`"$(LUA)" -e 'io.write(jit and "luajit" or "lua" .. _VERSION:gsub("%D", ""))'`
echo "opencode: building opencode.so for $lua_feature"
cargo build --release --lib --no-default-features --features "module,$lua_feature" --target-dir target/luarocks
case `uname -s` in Darwin) lib=libopencode.dylib ;; *) lib=libopencode.so ;; esac
cp "target/luarocks/release/$lib" target/luarocks/opencode.so
]],
   install = {
      lib = { opencode = "target/luarocks/opencode.so" },
   },
   -- No docs directory: install README.md only.
   copy_directories = {},
}
