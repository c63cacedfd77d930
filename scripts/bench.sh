#!/usr/bin/env bash
# The benchmark (not a test): starts the release server (a production build:
# no demo app) on a free loopback port with a fresh database and the demo
# bank data, runs `renkei-bench` against it over HTTP, and stops it.
# Usage: scripts/bench.sh [FLOWS] [CONCURRENCY] [READS_PER_FLOW]
# NEAR_FREE=1 hashes PINs with m=8 KiB, t=1 (demo mode allows it), so the
# server's CPU per linkage shows everything but argon2. After the run it
# prints the server's CPU time and peak RSS, read from /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --profile server -p renkei-server -p renkei-bench
bin=target/server/renkei-server
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
argon=()
if [[ ${NEAR_FREE:-0} == 1 ]]; then argon=(RENKEI_ARGON2_M_KIB=8 RENKEI_ARGON2_T=1); fi
env "${argon[@]}" RENKEI_DEMO=1 RENKEI_LISTEN="127.0.0.1:$port" RENKEI_PUBLIC_URL="http://127.0.0.1:$port" \
  DATABASE_URL="sqlite://$dir/bench.db" RENKEI_OUTBOX_DIR="$dir/outbox" RENKEI_LOG=warn \
  RENKEI_MAX_INFLIGHT=1024 RENKEI_THROTTLE_IP_PER_MIN=1000000 "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/.well-known/oauth-authorization-server" >/dev/null && break
  sleep 0.1
done
# utime + stime of the server, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(cpu_ticks)
flows=${1:-30}
target/server/renkei-bench --url "http://127.0.0.1:$port" --flows "$flows" --concurrency "${2:-3}" --reads "${3:-20}"
after=$(cpu_ticks)
hz=$(getconf CLK_TCK)
awk -v t=$((after - before)) -v hz="$hz" -v n="$flows" -v reads="${3:-20}" 'BEGIN {
  ms = t * 1000 / hz
  printf "\nserver CPU: %.0f ms in all", ms
  if (reads == 0) printf " = %.2f ms per linkage", ms / n
  printf "\n"
}'
echo "server peak RSS: $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status")"
