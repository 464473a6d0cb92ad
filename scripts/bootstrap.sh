#!/usr/bin/env bash
# Installs what the build needs and is missing (idempotent; tools already present are kept):
# the wasm32 target, trunk and wasm-bindgen-cli at pinned versions, and the npm packages
# (binaryen's wasm-opt). With --test it also installs Chromium, the e2e npm packages and the
# Python packages of the authlib relying party (a venv in ~/.cache/pocket-id-rs/venv).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

command -v cargo >/dev/null || die "Rust is not installed: see https://rustup.rs"
command -v npm >/dev/null || { log "installing Node.js and npm (Debian)"; as_root apt-get update -qq; as_root apt-get install -y -qq nodejs npm; }

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Cargo installs build in a scratch dir of their own so they never touch the project's target dir.
install_tool() { # crate version binary
  if [ "$("$3" --version 2>/dev/null | awk '{print $2}')" != "$2" ]; then
    log "installing $1 $2 (one-time, a few minutes)"
    CARGO_TARGET_DIR="$HOME/.cache/pocket-id-rs/tools-build" cargo install --locked "$1@$2"
  fi
}
install_tool trunk "$TRUNK_VERSION" trunk
install_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen

npm_ci() { # folder
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    log "installing npm packages in $1"
    npm ci --prefix "$1" --no-audit --no-fund --loglevel=error
  fi
}
npm_ci frontend

if [ "${1:-}" = "--test" ]; then
  npm_ci e2e
  # node-oidc-provider, the other side of the benchmark (its smoke run is in the tests).
  npm_ci bench/node
  if ! command -v chromium >/dev/null; then
    log "installing Chromium (Debian) for the browser tests"
    as_root apt-get update -qq
    as_root apt-get install -y -qq chromium
  fi
  # The Python relying party of the browser tests (e2e/rp/authlib_rp.py): authlib + requests
  # in a venv outside the checkout. Installed once; later runs touch no network unless
  # e2e/requirements.txt changes (a copy of the installed one is kept in the venv).
  PY_VENV="$HOME/.cache/pocket-id-rs/venv"
  if ! "$PY_VENV/bin/python" -c 'import authlib, requests' 2>/dev/null \
    || ! cmp -s e2e/requirements.txt "$PY_VENV/requirements.txt"; then
    log "installing the Python packages of the browser tests into $PY_VENV"
    if ! "$PY_VENV/bin/python" -c '' 2>/dev/null; then
      rm -rf "$PY_VENV"
      if ! python3 -m venv "$PY_VENV" 2>/dev/null; then
        # Debian ships venv (ensurepip) apart from python3.
        as_root apt-get update -qq
        as_root apt-get install -y -qq python3 python3-venv
        rm -rf "$PY_VENV"
        python3 -m venv "$PY_VENV"
      fi
    fi
    "$PY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r e2e/requirements.txt
    cp e2e/requirements.txt "$PY_VENV/requirements.txt"
  fi
  # schemathesis for scripts/schemathesis.sh, in a venv of its own (its pins differ).
  ST_VENV="$HOME/.cache/pocket-id-rs/st-venv"
  if ! "$ST_VENV/bin/schemathesis" --version >/dev/null 2>&1 \
    || ! cmp -s e2e/schemathesis/requirements.txt "$ST_VENV/requirements.txt"; then
    log "installing schemathesis into $ST_VENV"
    "$ST_VENV/bin/python" -c '' 2>/dev/null || { rm -rf "$ST_VENV"; python3 -m venv "$ST_VENV"; }
    "$ST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r e2e/schemathesis/requirements.txt
    cp e2e/schemathesis/requirements.txt "$ST_VENV/requirements.txt"
  fi
fi
