#!/usr/bin/env bash
# Installs what the tests need, skipping whatever is already there:
# Debian's stock Lua interpreters and Neovim, the opencode server (npm opencode-ai, pinned,
# cached in .cache/opencode) and the Rust crates.
set -euo pipefail
cd "$(dirname "$0")/.."

OPENCODE_VERSION=1.18.33
# Each package installs the command of the same name.
LUA_PACKAGES=(lua5.1 lua5.2 lua5.3 lua5.4 luajit luarocks)

missing=()
for pkg in "${LUA_PACKAGES[@]}"; do
  command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v flock >/dev/null 2>&1 || missing+=(util-linux)
# ripgrep: opencode searches file contents (GET /find) with `rg` from the PATH,
# and would otherwise download it from GitHub, which the offline tests cannot.
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
# Neovim (LuaJIT inside) for examples/nvim.lua and tests/nvim.rs; the command is nvim.
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
# Debian's luarocks 3.8 looks for lua.h before any build, even one that needs no headers.
[ -f /usr/include/lua5.4/lua.h ] || missing+=(liblua5.4-dev)
# libuv bindings, for the event-loop example (examples/luv_loop.lua).
[ -f /usr/lib/x86_64-linux-gnu/lua/5.4/luv.so ] || [ -n "$(find /usr/lib -path '*lua/5.4/luv.so' 2>/dev/null | head -1)" ] || missing+=(lua-luv)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

opencode=.cache/opencode/node_modules/.bin/opencode
if [ "$(OPENCODE_DISABLE_AUTOUPDATE=1 "$opencode" --version 2>/dev/null || true)" != "$OPENCODE_VERSION" ]; then
  echo "setup: installing opencode-ai@$OPENCODE_VERSION into .cache/opencode"
  mkdir -p .cache/opencode
  (cd .cache/opencode && npm install --no-audit --no-fund --no-save --silent "opencode-ai@$OPENCODE_VERSION")
  [ "$(OPENCODE_DISABLE_AUTOUPDATE=1 "$opencode" --version)" = "$OPENCODE_VERSION" ]
fi

cargo fetch --quiet
echo "setup: ready (opencode $OPENCODE_VERSION, $(lua5.4 -v 2>&1), $(luajit -v 2>&1 | head -1))"
