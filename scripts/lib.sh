#!/usr/bin/env bash
# Shared settings for the build and test scripts: pinned tool versions, cache locations.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
WASM_BINDGEN_VERSION="0.2.129"   # must equal the wasm-bindgen pin in Cargo.toml

# Build output lives outside the checkout, so a fresh clone on the same machine rebuilds in seconds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pocket-id-rs/target}"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi
}
