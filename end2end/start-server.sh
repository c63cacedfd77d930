#!/bin/sh
# Starts the server for the Playwright suite: a fresh database every run,
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
export RENKEI_NOW="${E2E_NOW:-2026-11-26T10:00:00+09:00}"
export RENKEI_LOG="${RENKEI_LOG:-warn}"
exec "${RENKEI_BIN:-$here/../target/debug/renkei-server}" serve
