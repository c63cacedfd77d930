#!/usr/bin/env bash
# Every SQL statement checked at build time: builds each backend's crate
# (storage/sqlite, storage/postgres) against a freshly migrated database of
# that backend, so sqlx's query macros check each statement's SQL, its
# parameters' and its columns' types and nullability, and writes what they
# learnt to the crate's offline data (.sqlx/, committed; an ordinary build
# reads it and needs no database).
#
#   scripts/sqlx-prepare.sh          rewrite storage/*/.sqlx
#   scripts/sqlx-prepare.sh --check  fail when the committed data are stale
#                                    (a statement added, changed or gone, or
#                                    a migration that changes its result)
#
# PostgreSQL comes from scripts/with-postgres.sh (a throwaway cluster) unless
# RENKEI_TEST_POSTGRES already names one.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[[ ${1:-} == --check ]] && check=1
if [[ -z ${RENKEI_TEST_POSTGRES:-} ]]; then
  exec scripts/with-postgres.sh "$0" "$@"
fi

work=$(mktemp -d /tmp/renkei-sqlx.XXXXXX)
trap 'rm -rf "$work"' EXIT

# SQLite: the migrations in order, as sqlx::migrate! applies them.
python3 - "$work/prepare.db" storage/sqlite/migrations/*.sql <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for path in sys.argv[2:]:
    db.executescript(open(path, encoding="utf-8").read())
db.commit()
PY

pg="postgres://postgres@localhost/renkei_sqlx_prepare?host=$RENKEI_TEST_POSTGRES"
psql -q -h "$RENKEI_TEST_POSTGRES" -U postgres -d postgres \
  -c "DROP DATABASE IF EXISTS renkei_sqlx_prepare" -c "CREATE DATABASE renkei_sqlx_prepare"
for f in storage/postgres/migrations/*.sql; do
  psql -q -v ON_ERROR_STOP=1 -h "$RENKEI_TEST_POSTGRES" -U postgres -d renkei_sqlx_prepare -f "$f"
done

status=0
for backend in sqlite postgres; do
  crate=storage/$backend
  out=$work/$backend
  mkdir -p "$out"
  # Its own target folder: the macros ran against a live database there, and
  # a rebuild of the crate is what makes them run again.
  touch "$crate/src/lib.rs"
  SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$out" \
    SQLITE_DATABASE_URL="sqlite://$work/prepare.db" POSTGRES_DATABASE_URL="$pg" \
    cargo check --quiet -p "renkei-storage-$backend" --features testkit \
    --target-dir target/sqlx-prepare
  if [[ $check == 1 ]]; then
    if ! diff -r "$crate/.sqlx" "$out" >/dev/null 2>&1; then
      echo "sqlx-prepare: $crate/.sqlx is stale (run scripts/sqlx-prepare.sh and commit it):" >&2
      diff -r "$crate/.sqlx" "$out" | head -20 >&2 || true
      status=1
    fi
  else
    rm -rf "$crate/.sqlx"
    cp -r "$out" "$crate/.sqlx"
    echo "sqlx-prepare: $crate/.sqlx: $(ls "$crate/.sqlx" | wc -l) statements"
  fi
done
exit $status
