#!/usr/bin/env bash
# Builds opencode.so, the module stock Lua interpreters load with require("opencode").
#
#   tools/build-module.sh [LUA] [--debug]
#
# LUA is one of lua51 lua52 lua53 lua54 lua55 luajit (default lua54). The module
# lands in target/lua/LUA/opencode.so; put that folder on package.cpath:
#   lua5.4 -e 'package.cpath = "target/lua/lua54/?.so;" .. package.cpath' script.lua
set -euo pipefail

lua=${1:-lua54}
profile=release
[ "${2:-}" = "--debug" ] && profile=debug
case "$lua" in
  lua51 | lua52 | lua53 | lua54 | lua55 | luajit) ;;
  *) echo "usage: $0 [lua51|lua52|lua53|lua54|lua55|luajit] [--debug]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
mkdir -p target/lua/"$lua"
flags=(--lib --no-default-features --features "module,$lua" --target-dir target/module)
[ "$profile" = release ] && flags+=(--release)
# Every Lua version shares one target dir (the HTTP stack is built once) but
# writes the same libopencode.so: build and copy under one lock.
(
  flock 9
  cargo build --quiet "${flags[@]}"
  cp target/module/"$profile"/libopencode.so target/lua/"$lua"/opencode.so.tmp
  mv target/lua/"$lua"/opencode.so.tmp target/lua/"$lua"/opencode.so
) 9>target/module.lock
echo "target/lua/$lua/opencode.so"
