#!/usr/bin/env bash
# Stands in for the opencode binary when tools/bench.sh starts
# tools/echo-server.sh for the streaming benchmark (OPENCODE_BIN=this script).
# echo-server.sh runs it in the project folder it has written opencode.json to;
# this points the echo provider's baseURL at the benchmark's timing proxy
# (BENCH_PROXY_URL), writes the provider's own address to BENCH_UPSTREAM_FILE
# for the proxy to forward to, and runs the real opencode (BENCH_OPENCODE).
set -euo pipefail
: "${BENCH_PROXY_URL:?}" "${BENCH_UPSTREAM_FILE:?}" "${BENCH_OPENCODE:?}"
node - "$BENCH_PROXY_URL" "$BENCH_UPSTREAM_FILE" <<'JS'
const fs = require("fs");
const [proxy, upstreamFile] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync("opencode.json", "utf8"));
const options = config.provider.echo.options;
const upstream = new URL(options.baseURL);
fs.writeFileSync(upstreamFile, `${upstream.host}\n`);
options.baseURL = `${proxy}${upstream.pathname}`;
fs.writeFileSync("opencode.json", JSON.stringify(config, null, 2));
JS
exec "$BENCH_OPENCODE" "$@"
