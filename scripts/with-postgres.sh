#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster of its own, then stops
# and removes it (also when the command fails): initdb into a fresh folder,
# listening only on a Unix socket in that folder (no TCP port to collide
# with), trust for the local socket. The command sees RENKEI_TEST_POSTGRES,
# the socket folder; the test helpers make one database per test in it.
#
# fsync is off (unless RENKEI_PG_DURABLE=1): the cluster is thrown away, and the tests kill Renkei, not
# PostgreSQL. Debian's postgresql is installed by `scripts/setup.sh --e2e`.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z $pgbin ]]; then
  echo "with-postgres: PostgreSQL is not installed (scripts/setup.sh --e2e installs it)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/renkei-pg.XXXXXX)
# PostgreSQL refuses to run as root: as root, the cluster is the postgres
# user's.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[[ $(id -u) -eq 0 ]] && chown postgres "$dir"

stop() {
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_owner "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync >/dev/null
# RENKEI_PG_DURABLE=1 (the benchmark) keeps PostgreSQL's durable defaults.
durability="-c fsync=off -c synchronous_commit=off"
[[ ${RENKEI_PG_DURABLE:-0} == 1 ]] && durability=""
as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-c listen_addresses='' -k $dir $durability -c max_connections=400" \
  start >/dev/null

export RENKEI_TEST_POSTGRES=$dir
"$@"
