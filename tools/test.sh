#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests, the Lua test scripts in the
# built-in Lua and in Debian's stock interpreters (each loading its own
# opencode.so), and the end-to-end tests against a real opencode server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo test --no-fail-fast "$@"
