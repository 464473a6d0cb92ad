#!/usr/bin/env bash
# Fuzzes the documented REST API with schemathesis (PyPI): starts the release binary on a fresh
# SQLite database, creates the first admin and an admin API key through the API, then runs
# schemathesis against /api/openapi.json with that key. Fails on any 5xx response or any
# response that does not match the documented schema. Bounded to a few minutes.
#   POCKET_ID_BIN      the server binary (default: the release build)
#   SCHEMATHESIS_MAX_EXAMPLES  test cases per operation (default 12)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

BIN="${POCKET_ID_BIN:-$CARGO_TARGET_DIR/release/pocket-id}"
ST="$HOME/.cache/pocket-id-rs/st-venv/bin/schemathesis"
[ -x "$BIN" ] || die "no server binary at $BIN (cargo build --release -p backend)"
[ -x "$ST" ] || die "schemathesis is not installed: run scripts/bootstrap.sh --test"

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
cleanup() {
  [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null
  # SCHEMATHESIS_SERVER_LOG: keep the server's log there (to debug a failure).
  [ -n "${SCHEMATHESIS_SERVER_LOG:-}" ] && cp "$WORK/server.log" "$SCHEMATHESIS_SERVER_LOG"
  rm -rf "$WORK"
}
trap cleanup EXIT

# Rate limits off: the fuzzer sends thousands of requests from one address.
(cd "$WORK" && exec env APP_URL="http://localhost:$PORT" PORT="$PORT" ENCRYPTION_KEY="schemathesis-encryption-key-0123" \
  DB_CONNECTION_STRING="$WORK/pocket-id.db" DISABLE_RATE_LIMITING=true APP_ENV=test \
  "$BIN" >"$WORK/server.log" 2>&1) &
PID=$!
for _ in $(seq 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$BASE/healthz" >/dev/null || { cat "$WORK/server.log"; die "the server did not start"; }

# The first admin (session cookie), then an admin API key created with that session.
JAR="$WORK/cookies"
curl -fsS -c "$JAR" -H 'content-type: application/json' \
  -d '{"username":"fuzz-admin","email":"fuzz@example.com","firstName":"Fuzz","lastName":"Admin"}' \
  "$BASE/api/signup/setup" >/dev/null || die "setup failed"
EXPIRES="$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)"
KEY="$(curl -fsS -b "$JAR" -H 'content-type: application/json' \
  -d "{\"name\":\"schemathesis\",\"expiresAt\":\"$EXPIRES\"}" "$BASE/api/api-keys" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')" || die "API key creation failed"

# APP_URL names localhost: WebAuthn relying parties need a host name, not an IP address.
# Excluded: logout, and deleting API keys (the fuzzer finds the key it authenticates with and
# revokes it); the API suite covers both.
set +e
"$ST" run "$BASE/api/openapi.json" \
  --header "X-API-Key: $KEY" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-12}" \
  --phases examples,coverage,fuzzing \
  --workers 2 --seed 1411 --no-shrink --generation-database none \
  --request-timeout 10 --max-time "${SCHEMATHESIS_MAX_TIME:-240}" \
  --exclude-path /api/webauthn/logout --exclude-operation-id delete_api_key \
  --suppress-health-check all \
  --no-color --output-truncate true
STATUS=$?
set -e
if grep -q 'panicked' "$WORK/server.log"; then
  grep -B2 -A8 'panicked' "$WORK/server.log" | head -40
  die "the server panicked during the fuzz run"
fi
[ "$STATUS" -eq 0 ] || { tail -40 "$WORK/server.log"; die "schemathesis found failures (exit $STATUS)"; }
log "schemathesis: no server errors, every response matched the schema"
