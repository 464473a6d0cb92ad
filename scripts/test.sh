#!/usr/bin/env bash
# Command 2 of the README: every check and test. Format, lints (host and wasm32), unit and API
# tests on SQLite and PostgreSQL, the OpenAPI drift check, the SPA release build, schemathesis
# against the documented API and the browser tests against the release binary.
#   POCKET_ID_REQUIRE_POSTGRES=1  fail instead of skipping when PostgreSQL is unreachable (CI)
#   TEST_DATABASE_URL             PostgreSQL admin URL (default postgres://postgres@127.0.0.1:5432/postgres)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

declare -a TIMES=()
step() { # name command...
  local name="$1"; shift
  log "$name"
  local t0=$SECONDS
  "$@"
  TIMES+=("$(printf '%-44s %4ds' "$name" $((SECONDS - t0)))")
}

step "bootstrap (tools, npm packages, chromium)" "$ROOT/scripts/bootstrap.sh" --test

# PostgreSQL: the API suite runs every database test on it too when it is reachable.
PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_HOSTPORT="$(node -e 'const u=new URL(process.argv[1]);console.log(`${u.hostname||"127.0.0.1"} ${u.port||5432}`)' "$PG_URL")"
if (exec 3<>"/dev/tcp/${PG_HOSTPORT% *}/${PG_HOSTPORT#* }") 2>/dev/null; then
  log "PostgreSQL reachable at ${PG_HOSTPORT/ /:}: database tests run on SQLite and PostgreSQL"
else
  printf '\n\033[1;33m%s\n%s\n%s\033[0m\n' "################################################################" \
    "SKIPPED: postgres (${PG_HOSTPORT/ /:} unreachable): database tests run on SQLite only" \
    "################################################################"
  [ "${POCKET_ID_REQUIRE_POSTGRES:-0}" = "1" ] && die "PostgreSQL is required (POCKET_ID_REQUIRE_POSTGRES=1)"
fi

step "rustfmt" cargo fmt --all --check
step "clippy (host)" cargo clippy --workspace --all-targets --locked -- -D warnings
step "clippy (wasm32: frontend, shared)" cargo clippy -p frontend -p pocket-shared --target wasm32-unknown-unknown --locked -- -D warnings
step "shared compiles for wasm32" cargo check -p pocket-shared --target wasm32-unknown-unknown --locked

build_spa() {
  "$ROOT/scripts/build-spa.sh"
}
step "SPA release build (trunk)" build_spa

if cargo nextest --version >/dev/null 2>&1; then
  step "unit + API tests (nextest)" cargo nextest run --workspace --locked --no-fail-fast
else
  step "unit + API tests" cargo test --workspace --locked --no-fail-fast
fi

step "server release build" cargo build --release --locked -p backend
# A few seconds of the benchmark harness on tiny data, against node-oidc-provider too, so it
# cannot rot (the full run is `make bench`).
step "benchmark harness smoke run" cargo run --quiet --locked -p bench -- --smoke \
  --server-bin "$CARGO_TARGET_DIR/release/pocket-id"
step "schemathesis (API fuzzing with an admin API key)" env POCKET_ID_BIN="$CARGO_TARGET_DIR/release/pocket-id" "$ROOT/scripts/schemathesis.sh"
# POCKET_ID_PYTHON: the venv bootstrap.sh --test filled for the authlib relying party.
step "browser tests (Playwright + Chromium)" env POCKET_ID_BIN="$CARGO_TARGET_DIR/release/pocket-id" \
  POCKET_ID_PYTHON="$HOME/.cache/pocket-id-rs/venv/bin/python" \
  node --test --test-reporter=spec e2e/tests/

log "all checks passed"
printf '  %s\n' "${TIMES[@]}"
