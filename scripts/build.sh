#!/usr/bin/env bash
# Builds the SPA (trunk, offline) and then the release server binary that embeds it.
# Prints the binary's path on the last line.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"

log "building the web interface (trunk, release: the full and the public app)"
"$ROOT/scripts/build-spa.sh"

log "building the server (release)"
cargo build --release --locked -p backend
echo "$CARGO_TARGET_DIR/release/pocket-id"
