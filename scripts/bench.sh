#!/usr/bin/env bash
# The benchmark harness (bench/): builds the SPA and the release server, installs
# node-oidc-provider from its lockfile, and runs `pocket-bench` with the given arguments
# (none: the full matrix, written to docs/BENCHMARKS.md and docs/benchmarks.json).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pocket-id-rs/target}"
./scripts/build.sh
if [ ! -d bench/node/node_modules ] || [ bench/node/package-lock.json -nt bench/node/node_modules/.package-lock.json ]; then
  npm ci --prefix bench/node --no-audit --no-fund --loglevel=error
fi
cargo build --release --locked -p bench
exec "$CARGO_TARGET_DIR/release/pocket-bench" --server-bin "$CARGO_TARGET_DIR/release/pocket-id" "$@"
