#!/usr/bin/env bash
# Command 1 of the README: build everything, then start the server on http://localhost:1411
# with SQLite under ./data (override with the usual environment variables or a .env file).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/build.sh"
log "starting Pocket ID on ${APP_URL:-http://localhost:${PORT:-1411}} (Ctrl-C to stop)"
exec "$CARGO_TARGET_DIR/release/pocket-id"
