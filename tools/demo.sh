#!/usr/bin/env bash
# Runs ai-helloworld against a local opencode server whose model is the echo
# provider, so it works on a fresh machine with no AI account and no network
# beyond the package registries (opencode is installed from npm the first time).
#
#   tools/demo.sh [PROMPT...]
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh >/dev/null
cargo build --quiet --bin opencode-lua

log=$(mktemp)
setsid bash tools/echo-server.sh --chunk-delay-ms 30 >"$log" 2>&1 &
server=$!
# Exit with the script's own status: under `set -e` a bare `wait` for the
# server we just killed (status 143) would end the trap, and the script, with it.
trap 'status=$?; kill -- -$server 2>/dev/null; wait $server 2>/dev/null || true; rm -f "$log"; exit $status' EXIT

url=""
for _ in $(seq 600); do
  url=$(sed -n 's/^opencode server listening on //p' "$log")
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the opencode server did not start:" >&2; cat "$log" >&2; exit 1; }

echo "opencode server (echo model) at $url" >&2
OPENCODE_SERVER_URL=$url OPENCODE_SERVER_PASSWORD= target/debug/opencode-lua ai-helloworld "$@"
