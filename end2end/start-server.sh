#!/bin/sh
# Starts one server for the Playwright suite (usage: start-server.sh PORT
# [CALLBACK_WINDOW_SECS [INSTITUTION_FILE]]): a fresh database every run,
# the demo data, and a clock fixed inside service hours so the suite does not
# depend on when it runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-3101}
db_dir=$(mktemp -d "${TMPDIR:-/tmp}/renkei-e2e.XXXXXX")
export RENKEI_LISTEN="127.0.0.1:$port"
export RENKEI_PUBLIC_URL="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$db_dir/renkei.db"
export RENKEI_DIST="$here/../dist"
export RENKEI_DEMO=1
# Mails are written here as .eml (no SMTP in the suite); tests read them.
export RENKEI_OUTBOX_DIR="${TMPDIR:-/tmp}/renkei-e2e-outbox-$port"
rm -rf "$RENKEI_OUTBOX_DIR"
export RENKEI_MAIL_POLL_SECS=1
export RENKEI_NOW="${E2E_NOW:-2026-11-26T10:00:00+09:00}"
export RENKEI_LOG="${RENKEI_LOG:-warn}"
# Every test browses from 127.0.0.1: the per-address throttle would stand
# for one very busy customer (the black-box suite tests the throttles).
export RENKEI_THROTTLE_IP_PER_MIN=100000
# Optional second argument: the phone window in seconds (default 120).
export RENKEI_CALLBACK_WINDOW_SECS="${2:-120}"
# Optional third argument: the credit union's profile (default: the demo's).
if [ -n "${3:-}" ]; then export RENKEI_INSTITUTION_FILE="$here/$3"; fi
exec "${RENKEI_BIN:-$here/../target/debug/renkei-server}" serve
