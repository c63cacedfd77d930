#!/bin/sh
# Starts one server for the Playwright suite (usage: start-server.sh PORT
# [CALLBACK_WINDOW_SECS [INSTITUTION_FILE [RECORDS_DIR [gateway]]]]): a fresh database
# every run, the core system's files in RECORDS_DIR imported first,
# the demo data, and a clock fixed inside service hours so the suite does not
# depend on when it runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-3101}
db_dir=$(mktemp -d "${TMPDIR:-/tmp}/renkei-e2e.XXXXXX")
export RENKEI_LISTEN="127.0.0.1:$port"
# E2E_HOST=localhost for the staff console: WebAuthn refuses an IP address
# as the relying party.
export RENKEI_PUBLIC_URL="http://${E2E_HOST:-127.0.0.1}:$port"
export DATABASE_URL="sqlite://$db_dir/renkei.db"
export RENKEI_DIST="$here/../dist"
export RENKEI_DEMO=1
# Where this server's database is, for a test that runs a staff command on it.
echo "$DATABASE_URL" >"${TMPDIR:-/tmp}/renkei-e2e-db-$port"
# Mails are written here as .eml (no SMTP in the suite); tests read them.
export RENKEI_OUTBOX_DIR="${TMPDIR:-/tmp}/renkei-e2e-outbox-$port"
rm -rf "$RENKEI_OUTBOX_DIR"
export RENKEI_MAIL_POLL_SECS=1
export RENKEI_NOW="${E2E_NOW:-2026-11-26T10:00:00+09:00}"
export RENKEI_LOG="${RENKEI_LOG:-warn}"
# Every test browses from 127.0.0.1: the per-address throttle would stand
# for one very busy customer (the black-box suite tests the throttles).
export RENKEI_THROTTLE_IP_PER_MIN=100000
export RENKEI_THROTTLE_SIGN_IN_PER_MIN=100000
# The demo app links with server-provided DPoP nonces on, as under fapi2:
# it must retry once with the nonce it is given (RFC 9449 §8).
export RENKEI_DPOP_NONCE=1
# A number stays bound to its flow for its window and a quiet period after
# it, and the whole suite runs inside one such period: a pool large enough
# for every linkage of one customer on this server (carrierCall dials the
# number SOA209 shows).
RENKEI_CALLBACK_NUMBERS=$(seq -f '01200001%02g' 11 60 | paste -sd, -)
export RENKEI_CALLBACK_NUMBERS
# Optional second argument: the phone window in seconds (default 120).
export RENKEI_CALLBACK_WINDOW_SECS="${2:-120}"
# Optional third argument: the credit union's profile (default: the demo's).
if [ -n "${3:-}" ]; then export RENKEI_INSTITUTION_FILE="$here/$3"; fi
bin="${RENKEI_BIN:-$here/../target/debug/renkei-server}"
# Optional fourth argument: a folder of core-system exports, loaded the way
# a bank would: PINs hashed by `records hash-pin`, joined to the accounts
# file, then one import, before the server starts.
load_records() {
  rec="$here/$1"
  "$bin" records hash-pin <"$rec/pins.csv" >"$db_dir/pin-hashes.csv"
  python3 - "$rec/accounts.csv" "$db_dir/pin-hashes.csv" "$db_dir/accounts.csv" <<'PY'
import csv, sys
hashes = {(r["branch"], r["kind"], r["number"].zfill(7)): r["pin_hash"]
          for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
with open(sys.argv[3], "w", encoding="utf-8", newline="") as out:
    w = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
    w.writeheader()
    for r in rows:
        r["pin_hash"] = hashes.get((r["branch"], r["kind"], r["number"].zfill(7)), r["pin_hash"])
        w.writerow(r)
PY
  "$bin" records import --mode delta --accounts "$db_dir/accounts.csv" \
    --transactions "$rec/transactions.csv" >/dev/null
}
# Optional fifth argument `gateway`: the exports go into the bank's own
# database instead, served by the stand-in host gateway
# (`renkei-host-gateway`), and this server reads the records from it over HTTP
# (RENKEI_RECORDS_URL), holding none of them.
if [ "${5:-}" = gateway ]; then
  (DATABASE_URL="sqlite://$db_dir/bank.db" && export DATABASE_URL && load_records "$4")
  DATABASE_URL="sqlite://$db_dir/bank.db" "$(dirname "$bin")/renkei-host-gateway" \
    --listen 127.0.0.1:0 >"$db_dir/gateway.out" &
  gateway_pid=$!
  trap 'kill $gateway_pid 2>/dev/null || true' EXIT INT TERM
  for _ in $(seq 1 100); do
    grep -q '^stand-in host gateway on ' "$db_dir/gateway.out" 2>/dev/null && break
    sleep 0.1
  done
  RENKEI_RECORDS_URL=$(sed -n 's/^stand-in host gateway on //p' "$db_dir/gateway.out" | head -n 1)
  export RENKEI_RECORDS_URL
  "$bin" serve
  exit $?
fi
if [ -n "${4:-}" ]; then load_records "$4"; fi
exec "$bin" serve
