#!/usr/bin/env bash
# Writes a brotli (.br) and a gzip (.gz) copy beside every asset of the
# built SPA, at the strongest settings, once per build: the server then
# sends them as they are to a browser that accepts them (tower-http's
# precompressed ServeDir), with no compression work per request.
# Usage: scripts/compress.sh [DIST]
set -euo pipefail
dir=${1:-dist}
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.svg' -o -name '*.json' \) -print0 |
  while IFS= read -r -d '' f; do
    gzip -9 -n -k -f "$f"
    brotli -q 11 -k -f "$f"
  done
