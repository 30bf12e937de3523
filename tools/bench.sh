#!/usr/bin/env bash
# Runs every benchmark of BENCHMARKS.md, one after another, and writes the
# figures to target/bench/report.md (with --write, also into BENCHMARKS.md).
#
#   tools/bench.sh [--write] [--quick]
#   tools/bench.sh --report [--write]    (only the report, from target/bench/*.json)
#
# It installs what it needs (tools/setup.sh: lua5.4 and opencode; the JS SDK
# into benches/node), builds opencode.so, the opencode-lua host and the
# benchmark programs (benches/driver) in release mode, starts a minimal local
# server and real opencode servers with the echo provider on 127.0.0.1, runs
# the benchmarks, and stops the servers. --quick runs fewer rounds, for a
# check that everything works (its figures are not the ones to quote).
# Everything runs one thing at a time: on a small machine, benchmarks running
# side by side would time each other.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

write=false
quick=false
report_only=false
for arg in "$@"; do
  case "$arg" in
    --write) write=true ;;
    --quick) quick=true ;;
    --report) report_only=true ;;
    *) echo "usage: $0 [--write] [--quick] | --report [--write]" >&2; exit 2 ;;
  esac
done

out=target/bench
mkdir -p "$out/lua54"
log() { echo "bench.sh: $*" >&2; }
started=$(date +%s)

# Writes target/bench/report.md from the JSON files (and with --write puts it
# into BENCHMARKS.md between its bench.sh markers).
report() {
  "$bench" report --dir "$out" --out "$out/report.md" >/dev/null
  if $write; then
    python3 - "$out/report.md" BENCHMARKS.md <<'PY'
import sys
report, path = open(sys.argv[1]).read(), sys.argv[2]
text = open(path).read()
begin, end = "<!-- bench.sh:begin -->", "<!-- bench.sh:end -->"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(f"{head}{begin}\n{report.rstrip()}\n{end}{tail}")
PY
    log "BENCHMARKS.md updated"
  fi
  cat "$out/report.md"
}

bench=$repo/target/bench/driver/release/bench
if $report_only; then
  (cd benches/driver && cargo build --quiet --release --bins --target-dir ../../target/bench/driver)
  report
  exit 0
fi
rm -f "$out"/*.json "$out"/loadavg.* "$out/started"
date -u '+%Y-%m-%d %H:%M' >"$out/started"

# --- what it needs ------------------------------------------------------------
bash tools/setup.sh
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v strip >/dev/null || missing+=(binutils)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -d benches/node/node_modules/@opencode-ai/sdk ] || (cd benches/node && npm ci --no-audit --no-fund --silent)

# --- builds -------------------------------------------------------------------
log "building (release): opencode-lua, the echo provider, opencode.so, benches/driver"
cargo build --quiet --release --bin opencode-lua
cargo build --quiet --release -p opencode-testing --bin opencode-echo-provider
# opencode.so exactly as tools/build-module.sh lua54 builds it, but in a target
# folder of its own (so no other build can swap in another Lua's or a debug
# module meanwhile) and left unstripped for the size breakdown; the module the
# benchmarks load is that file stripped, as the release profile's strip does.
CARGO_PROFILE_RELEASE_STRIP=false cargo build --quiet --release --lib \
  --no-default-features --features module,lua54 --target-dir target/bench/module
strip --strip-all -o "$out/lua54/opencode.so" target/bench/module/release/libopencode.so
(cd benches/driver && cargo build --quiet --release --bins --target-dir ../../target/bench/driver)
host=$repo/target/release/opencode-lua
common=(--cpath "$out/lua54" --host "$host")

# --- servers ------------------------------------------------------------------
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits for "... listening on URL" in FILE and prints the URL.
wait_url() {
  local file=$1
  for _ in $(seq 240); do
    if grep -q "listening on" "$file" 2>/dev/null; then
      sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$file" | head -1
      return 0
    fi
    sleep 0.5
  done
  echo "bench.sh: no server came up; its output:" >&2
  cat "$file" >&2
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# opencode answers its first requests slowly (it loads the provider and
# plugins): a few whole cycles before anything is timed.
warm_up() {
  local url=$1
  for _ in 1 2 3; do
    id=$(curl -sS --fail -X POST -H 'Content-Type: application/json' -d '{}' "$url/session" |
      sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
    curl -sS --fail -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d '{"parts":[{"type":"text","text":"warm up"}]}' "$url/session/$id/message"
    curl -sS --fail -o /dev/null -X DELETE "$url/session/$id"
  done
}

target/bench/driver/release/bench_server >"$out/minimal.out" 2>&1 &
pids+=($!)
minimal=$(wait_url "$out/minimal.out")
tools/echo-server.sh >"$out/opencode.out" 2>&1 &
pids+=($!)
opencode=$(wait_url "$out/opencode.out")
warm_up "$opencode"
log "minimal server $minimal, opencode $opencode"

cat /proc/loadavg >"$out/loadavg.start"
# Against the minimal server, many short rounds: bursts of other work on the
# machine then spoil a few rounds rather than shift every figure.
if $quick; then
  minimal_rounds=5 opencode_rounds=3 cycles=1000 pairs=40 messages=2 reps=1
else
  minimal_rounds=25 opencode_rounds=9 cycles=10000 pairs=300 messages=5 reps=3
fi

# --- 1. latency ---------------------------------------------------------------
log "1. latency, minimal server"
"$bench" latency --url "$minimal" --server "minimal server" "${common[@]}" --rounds "$minimal_rounds" \
  --round-ms 60 --out "$out/latency-minimal.json"
log "1. latency, opencode"
"$bench" latency --url "$opencode" --server "opencode with the echo provider" "${common[@]}" \
  --rounds "$opencode_rounds" --round-ms 400 --out "$out/latency-opencode.json"

# --- 2. require ---------------------------------------------------------------
log "2. require"
"$bench" require --cpath "$out/lua54" --pairs "$pairs" --out "$out/require.json"

# --- 4. throughput ------------------------------------------------------------
log "4. throughput"
"$bench" throughput --url "$minimal" --server "minimal server" "${common[@]}" --n 100 --reps "$reps" \
  --out "$out/throughput-minimal.json"
"$bench" throughput --url "$opencode" --server "opencode with the echo provider" "${common[@]}" --n 100 --reps 1 \
  --out "$out/throughput-opencode.json"

log "4. 1000 pending send_async"
"$bench" pending --url "$minimal" --server "minimal server" "${common[@]}" --n 1000 --out "$out/pending.json"

# --- 5. memory ----------------------------------------------------------------
log "5. memory ($cycles cycles)"
"$bench" memory --url "$minimal" --server "minimal server" "${common[@]}" --cycles "$cycles" --every 100 \
  --out "$out/memory.json"

# --- 3. streaming -------------------------------------------------------------
log "3. streaming, minimal server"
"$bench" stream --url "$minimal" --server "minimal server" "${common[@]}" --messages "$messages" --words 40 \
  --delay-ms 10 --out "$out/stream-minimal.json"
# A second opencode whose echo provider is reached through the driver's timing
# proxy (see benches/opencode-via-proxy.sh), streaming a chunk every 10 ms.
kill "${pids[1]}" && wait "${pids[1]}" 2>/dev/null || true
proxy_port=$(free_port)
OPENCODE_BIN=$repo/benches/opencode-via-proxy.sh BENCH_PROXY_URL=http://127.0.0.1:$proxy_port \
  BENCH_UPSTREAM_FILE=$repo/$out/upstream BENCH_OPENCODE=$repo/.cache/opencode/node_modules/.bin/opencode \
  tools/echo-server.sh --chunk-delay-ms 10 >"$out/opencode-proxy.out" 2>&1 &
pids+=($!)
streaming=$(wait_url "$out/opencode-proxy.out")
log "3. streaming, opencode $streaming (provider via proxy port $proxy_port)"
"$bench" stream --url "$streaming" --server "opencode with the echo provider" "${common[@]}" \
  --messages "$messages" --words 40 --delay-ms 10 --proxy-port "$proxy_port" --upstream "$(cat "$out/upstream")" \
  --out "$out/stream-opencode.json"

# --- 6. size ------------------------------------------------------------------
log "6. size"
"$bench" size --so "$out/lua54/opencode.so" --unstripped target/bench/module/release/libopencode.so \
  --out "$out/size.json"

# --- report -------------------------------------------------------------------
cat /proc/loadavg >"$out/loadavg.end"
log "done in $(($(date +%s) - started)) s"
report
