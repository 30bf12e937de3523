#!/usr/bin/env bash
# Starts a local opencode server whose model is the echo provider (no AI account,
# no network): prints its URL as "opencode server listening on URL" and runs
# until interrupted. Used by tools/demo.sh and the benchmarks.
#
#   tools/echo-server.sh [--port N] [--chunk-delay-ms N] [--password PW]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

port=""
delay=0
password=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --chunk-delay-ms) delay=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    *) echo "usage: $0 [--port N] [--chunk-delay-ms N] [--password PW]" >&2; exit 2 ;;
  esac
done

opencode=${OPENCODE_BIN:-$repo/.cache/opencode/node_modules/.bin/opencode}
[ -x "$opencode" ] || { echo "opencode is not installed: run tools/setup.sh" >&2; exit 1; }
cargo build --quiet -p opencode-testing --bin opencode-echo-provider
provider=$repo/target/debug/opencode-echo-provider

work=$(mktemp -d "${TMPDIR:-/tmp}/opencode-echo.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$work"/{home,config,data,cache,state,project}
setsid "$provider" --chunk-delay-ms "$delay" >"$work/provider.out" &
pids+=($!)
for _ in $(seq 100); do
  grep -q "listening on" "$work/provider.out" 2>/dev/null && break
  sleep 0.05
done
provider_url="$(sed -n 's/^listening on //p' "$work/provider.out")/v1"
[ "$provider_url" != "/v1" ] || { echo "the echo provider did not start" >&2; exit 1; }

cat >"$work/project/opencode.json" <<JSON
{
  "\$schema": "https://opencode.ai/config.json",
  "autoupdate": false, "share": "disabled", "lsp": false, "formatter": false, "snapshot": false,
  "model": "echo/echo", "small_model": "echo/echo", "enabled_providers": ["echo"],
  "provider": { "echo": {
    "npm": "@ai-sdk/openai-compatible", "name": "Echo",
    "options": { "baseURL": "$provider_url", "apiKey": "echo" },
    "models": { "echo": { "name": "Echo", "tool_call": true, "cost": { "input": 0, "output": 0 },
                          "limit": { "context": 100000, "output": 4096 } } } } },
  "permission": { "bash": "allow", "edit": "allow", "webfetch": "deny", "websearch": "deny" }
}
JSON
git -C "$work/project" init -q

if [ -z "$port" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fi
(
  cd "$work/project"
  export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data \
    XDG_CACHE_HOME=$work/cache XDG_STATE_HOME=$work/state \
    OPENCODE_DISABLE_AUTOUPDATE=1 OPENCODE_DISABLE_MODELS_FETCH=1 OPENCODE_DISABLE_LSP_DOWNLOAD=1 \
    OPENCODE_DISABLE_SHARE=1 npm_config_offline=true
  if [ -n "$password" ]; then export OPENCODE_SERVER_PASSWORD=$password; else unset OPENCODE_SERVER_PASSWORD; fi
  exec setsid "$opencode" serve --hostname 127.0.0.1 --port "$port"
) 2>"$work/server.err" &
pids+=($!)
wait "${pids[-1]}"
