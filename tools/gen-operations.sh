#!/usr/bin/env bash
# Writes the operation table (src/client/operations.rs), the generated section
# of types/opencode.lua and docs/operations.md anew from the OpenAPI spec in
# spec/. The same test, run without OPENCODE_REGENERATE, fails when they drift.
#
#   tools/gen-operations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OPENCODE_REGENERATE=1 cargo test --quiet --test operations_table
