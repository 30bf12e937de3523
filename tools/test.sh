#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests, the Lua test scripts in the
# built-in Lua and in Debian's stock interpreters (each loading its own
# opencode.so), the end-to-end tests against a real opencode server, and the
# README's quick start (tools/demo.sh), which must print the echo and exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
# The whole workspace: opencode-lua and testing/, the tests' support crate.
cargo fmt --all --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
# Each stock interpreter's opencode.so, before the tests: the builds share one
# cargo target dir and take turns, so a test that needs one module would
# otherwise wait for another Lua's first build. The tests' own builds are then
# up-to-date checks.
for lua in lua54 lua51 lua52 lua53 luajit; do
  bash tools/build-module.sh "$lua" --debug >/dev/null
done
cargo test --workspace --no-fail-fast "$@"
demo=$(bash tools/demo.sh "hello world")
[ "$demo" = "echo: hello world" ] || { echo "tools/demo.sh printed: $demo" >&2; exit 1; }
echo "tools/demo.sh: ok"
