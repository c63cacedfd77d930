#!/usr/bin/env bash
# The contract, checked by a fuzzer: starts the server (demo mode, a fresh
# database) on a free loopback port and runs schemathesis against its own
# /openapi.json — every operation, MAX_EXAMPLES generated cases each
# (default 60: over 1,000 in all). Any 5xx, any status code, content type,
# header or body the document does not allow, or a crash fails the run.
# schemathesis comes from PyPI into tools/.venv (scripts/setup.sh --e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${RENKEI_BIN:-target/debug/renkei-server}
examples=${MAX_EXAMPLES:-60}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
base="http://127.0.0.1:$port"
# Demo mode at a fixed instant inside service hours; throttles out of the
# fuzzer's way (they are tested on their own).
env RENKEI_DEMO=1 RENKEI_NOW=2026-11-26T01:00:00Z RENKEI_LISTEN="127.0.0.1:$port" \
  RENKEI_PUBLIC_URL="$base" DATABASE_URL="sqlite://$dir/r.db" RENKEI_OUTBOX_DIR="$dir/outbox" \
  RENKEI_DIST="$dir/none" RENKEI_THROTTLE_IP_PER_MIN=1000000 RENKEI_THROTTLE_FLOW_PER_MIN=1000000 \
  RENKEI_TWILIO_AUTH_TOKEN=contract-twilio-token \
  RENKEI_LOG=warn "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  curl -fs "$base/healthz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log"; exit 1; }
  sleep 0.1
done
# A linkage in progress, so the flow API is fuzzed past "no flow": its
# cookie and CSRF token, and the demo app's Basic credentials for /oauth/*.
jar="$dir/cookies"
curl -fs -o /dev/null -c "$jar" -G "$base/oauth/authorize" \
  --data-urlencode response_type=code --data-urlencode client_id=demo-creco \
  --data-urlencode "redirect_uri=$base/demo/callback" --data-urlencode scope=account_info \
  --data-urlencode state=contract --data-urlencode code_challenge_method=S256 \
  --data-urlencode code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM
# (curl writes HttpOnly cookies as "#HttpOnly_<host>" lines.)
cookie=$(awk '(/^#HttpOnly_/ || !/^#/) && NF >= 7 { printf "%s=%s; ", $6, $7 }' "$jar")
[[ -n $cookie ]] || { echo "contract: no flow cookie" >&2; exit 1; }
csrf=$(curl -fs -b "$jar" "$base/api/flow" | python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
status=0
tools/.venv/bin/st run "$base/openapi.json" \
  -H "Cookie: ${cookie%; }" -H "x-renkei-csrf: $csrf" --auth demo-creco:renkei-demo-client-secret \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "$examples" --seed 20261127 --request-timeout 10 \
  --suppress-health-check all "$@" 2>&1 | tee "$dir/st.log" || status=$?
# The issue's floor: at least 1,000 generated cases over every operation.
cases=$(grep -oE '^ *[0-9]+ generated' "$dir/st.log" | grep -oE '[0-9]+' | tail -1)
if [[ -z $cases || $cases -lt 1000 ]]; then
  echo "contract: only ${cases:-0} generated cases (at least 1,000 wanted)" >&2
  status=1
fi
if ! kill -0 "$pid" 2>/dev/null; then
  echo "contract: the server died" >&2
  cat "$dir/server.log" >&2
  exit 1
fi
if grep -q "panicked" "$dir/server.log"; then
  echo "contract: the server panicked" >&2
  grep -A5 panicked "$dir/server.log" >&2
  exit 1
fi
exit $status
