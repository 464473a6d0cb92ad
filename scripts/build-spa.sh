#!/usr/bin/env bash
# Builds the SPA into frontend/dist (which release server binaries embed): trunk (release,
# offline) once per app, merged into one folder, then brotli/gzip copies of every file.
#   frontend/index.html  -> index.html   the full app (every page)
#   frontend/public.html -> public.html  the public app (sign-in, sign-up, consent, device,
#                                        logout), which the server sends for those paths
# trunk empties its dist folder on every build, so the public app is built into a folder of its
# own first. The apps' scripts and wasm are named after their binaries (frontend-<hash>,
# frontend-public-<hash>); the shared files (style, favicon) are the same bytes in both builds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# npm binaryen's wasm-opt first on PATH: Debian's older wasm-opt produces broken wasm.
export PATH="$ROOT/frontend/node_modules/.bin:$PATH"
# Leptos' type erasure: each component and view closure becomes an AnyView (one shared type)
# instead of its own nested type, so far fewer generic copies get compiled. The full app's wasm
# is a fifth smaller and builds twice as fast; the pages behave the same. wasm target only.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components"
PUBLIC_DIST="$CARGO_TARGET_DIR/spa-public-dist"
trunk build --release --offline --dist "$PUBLIC_DIST" --html-output public.html frontend/public.html
trunk build --release --offline   # frontend/index.html into frontend/dist (Trunk.toml)

for f in "$PUBLIC_DIST"/*; do
  target="$ROOT/frontend/dist/$(basename "$f")"
  if [ -e "$target" ] && ! cmp -s "$f" "$target"; then
    die "the two SPA builds both made $(basename "$f") with different contents"
  fi
  cp "$f" "$target"
done
rm -rf "$PUBLIC_DIST"
node "$ROOT/scripts/precompress.mjs" "$ROOT/frontend/dist"
