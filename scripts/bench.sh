#!/usr/bin/env bash
# The benchmark (not a test): starts the release server (a production build:
# no demo app) on a free loopback port with a fresh database and the demo
# bank data, runs `renkei-bench` against it over HTTP, and stops it.
# Usage: scripts/bench.sh [FLOWS] [CONCURRENCY] [READS_PER_FLOW]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --profile server -p renkei-server -p renkei-bench
bin=target/server/renkei-server
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
RENKEI_DEMO=1 RENKEI_LISTEN="127.0.0.1:$port" RENKEI_PUBLIC_URL="http://127.0.0.1:$port" \
  DATABASE_URL="sqlite://$dir/bench.db" RENKEI_OUTBOX_DIR="$dir/outbox" RENKEI_LOG=warn \
  RENKEI_MAX_INFLIGHT=1024 RENKEI_THROTTLE_IP_PER_MIN=1000000 "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/.well-known/oauth-authorization-server" >/dev/null && break
  sleep 0.1
done
target/server/renkei-bench --url "http://127.0.0.1:$port" --flows "${1:-30}" --concurrency "${2:-3}" --reads "${3:-20}"
