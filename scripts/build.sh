#!/usr/bin/env bash
# Builds the SPA (trunk, offline) and then the release server binary that embeds it.
# Prints the binary's path on the last line.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"

log "building the web interface (trunk, release)"
# npm binaryen's wasm-opt first on PATH: Debian's older wasm-opt produces broken wasm.
PATH="$ROOT/frontend/node_modules/.bin:$PATH" trunk build --release --offline
node "$ROOT/scripts/precompress.mjs" "$ROOT/frontend/dist"

log "building the server (release)"
cargo build --release --locked -p backend
echo "$CARGO_TARGET_DIR/release/pocket-id"
