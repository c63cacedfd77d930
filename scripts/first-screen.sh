#!/usr/bin/env bash
# Prints the customer's first screen's weight on the wire and its time to
# usable under Lighthouse's mobile throttling (not a test; the figures go in
# the README). Builds the release SPA and a demo server, starts it on a free
# port with a fresh database, measures, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
scripts/setup.sh --e2e
make spa
cargo build --profile server -p renkei-server --features fixture
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
RENKEI_DEMO=1 RENKEI_LISTEN="127.0.0.1:$port" RENKEI_PUBLIC_URL="http://127.0.0.1:$port" \
  RENKEI_NOW=2026-11-26T10:00:00+09:00 DATABASE_URL="sqlite://$dir/r.db" \
  RENKEI_OUTBOX_DIR="$dir/outbox" RENKEI_LOG=warn target/server/renkei-server serve \
  >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/.well-known/oauth-authorization-server" >/dev/null && break
  sleep 0.1
done
(cd end2end && node first-screen.mjs "http://127.0.0.1:$port")
# Both bundles as built (raw, and the brotli copy the server sends): the
# customer's screens, and the staff console's (its own bundle, never
# loaded by a customer).
for bundle in dist/renkei-app-*_bg.wasm dist/staff/renkei-staff-*_bg.wasm; do
  printf '%-24s %8d bytes wasm, %7d bytes brotli\n' \
    "$(basename "$(dirname "$bundle")")/$(basename "$bundle" | sed 's/-[0-9a-f]*_bg.wasm//')" \
    "$(stat -c %s "$bundle")" "$(stat -c %s "$bundle.br")"
done
