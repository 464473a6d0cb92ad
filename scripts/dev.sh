#!/usr/bin/env bash
# Development mode: the backend (debug build, reading the SPA from disk) on :1411 and
# `trunk serve` on http://localhost:8080 with live reload, proxying /api, /.well-known,
# /authorize and /healthz to the backend (see Trunk.toml). trunk serve builds the full app only
# (every page, for every path); the public app that release builds send for the sign-in pages
# is built by scripts/build-spa.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"
cargo build -p backend
APP_URL="${APP_URL:-http://localhost:8080}" "$CARGO_TARGET_DIR/debug/pocket-id" &
BACKEND=$!
trap 'kill $BACKEND 2>/dev/null' EXIT
# Its own output folder, so frontend/dist keeps the release build that release binaries embed.
PATH="$ROOT/frontend/node_modules/.bin:$PATH" trunk serve --offline --dist "$ROOT/frontend/dist-dev"
