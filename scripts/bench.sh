#!/usr/bin/env bash
# The benchmark (not a test): starts the release server (a production build:
# no demo app) on a free loopback port with a fresh database, the demo bank
# data and a synthetic population of CUSTOMERS customers (default: one per
# worker), runs `renkei-bench` against it over HTTP, and stops it.
# Usage: scripts/bench.sh [FLOWS] [CONCURRENCY] [READS_PER_FLOW]
# On a machine with 2+ cores the server is pinned to SERVER_CPUS (default
# CPU 0; its hashing pool gets one worker per CPU there) and the load driver
# to the others, so the driver does not eat the server's cores.
# NEAR_FREE=1 hashes PINs with m=8 KiB, t=1 (demo mode allows it), so the
# server's CPU per linkage shows everything but argon2. After the run it
# prints the server's CPU time and peak RSS, read from /proc.
# BACKEND=postgres runs INSTANCES (default 2) servers on one database of a
# throwaway PostgreSQL cluster (scripts/with-postgres.sh, here with fsync
# and synchronous commit on, as in production), requests going to each in
# turn; the figures are then the instances' sums, and the time sessions
# spent waiting for a lock (pg_stat_activity sampled every 10 ms) is
# printed per linkage.
# UNIONS=N (issue #22): the platform at scale. Before the servers start, N
# credit unions (codes 3000…) are added by `renkei-server institution add`
# and each is given UNION_ACCOUNTS (default 5,000) synthetic accounts by
# `records import` (PINs hashed once by `records hash-pin`, the same file
# for every union: an account number is unique only within its union);
# linkage i then runs at union i mod N through its own issuer. After the
# run, `console_probe` (an example of the server crate, built with the
# test-only staff session) times the staff console's union list and
# account lookup at that size. UNIONS=1 is the same run at one union.
# Before the run, one linkage (and one read) against a server of its own
# that logs every statement (sqlx::query at debug, inside each request's
# span) gives the statements per request, printed after the run.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${BACKEND:-sqlite}
if [[ $backend == postgres && -z ${RENKEI_TEST_POSTGRES:-} ]]; then
  RENKEI_PG_DURABLE=1 exec scripts/with-postgres.sh "$0" "$@"
fi
# The synthetic population is demo data (the `fixture` feature).
cargo build --profile server -p renkei-server -p renkei-bench --features renkei-server/fixture
bin=target/server/renkei-server
flows=${1:-30}
concurrency=${2:-3}
reads=${3:-20}
# One synthetic customer per linkage: a phone's callback number stays bound
# to its flow through the window and a quiet period, so none is linked twice.
customers=${CUSTOMERS:-$flows}
unions=${UNIONS:-0}
union_accounts=${UNION_ACCOUNTS:-5000}
if (( unions > 0 )); then
  (( flows <= union_accounts )) || { echo "UNION_ACCOUNTS must be at least FLOWS" >&2; exit 1; }
  # The probe builds the server's library again with `testkit`: its own
  # cargo run, so the server binary measured stays without it.
  cargo build --profile server -p renkei-server --example console_probe --features testkit
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$dir"' EXIT
export RENKEI_DEMO=1
if [[ ${NEAR_FREE:-0} == 1 ]]; then export RENKEI_ARGON2_M_KIB=8 RENKEI_ARGON2_T=1; fi
cpus=$(nproc)
server_pin=() driver_pin=() server_cores=$cpus
if [[ $cpus -ge 2 ]]; then
  server_cpus=${SERVER_CPUS:-0}
  server_cores=$(python3 -c "import sys; print(len(set(int(c) for p in sys.argv[1].split(',') for c in (range(int(p.split('-')[0]), int(p.split('-')[-1]) + 1)))))" "$server_cpus")
  driver_cpus=$(python3 -c "import sys; s=set(int(c) for p in sys.argv[1].split(',') for c in range(int(p.split('-')[0]), int(p.split('-')[-1]) + 1)); print(','.join(str(c) for c in range($cpus) if c not in s))" "$server_cpus")
  server_pin=(taskset -c "$server_cpus")
  [[ -n $driver_cpus ]] && driver_pin=(taskset -c "$driver_cpus")
fi
if [[ $backend == postgres ]]; then
  instances=${INSTANCES:-2}
  # As in production: an ordinary role, held to row-level security (a
  # superuser would pass it by and measure less than a deployment does).
  psql -q "postgres://postgres@localhost/postgres?host=$RENKEI_TEST_POSTGRES" \
    -c "DO \$\$ BEGIN CREATE ROLE renkei_app LOGIN NOSUPERUSER NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" \
    -c "CREATE DATABASE bench OWNER renkei_app"
  database_url="postgres://renkei_app@localhost/bench?host=$RENKEI_TEST_POSTGRES"
else
  instances=1
  database_url="sqlite://$dir/bench.db"
fi
union_codes=()
if (( unions > 0 )); then
  started=$(date +%s)
  export DATABASE_URL="$database_url" RENKEI_PUBLIC_URL=http://127.0.0.1 RENKEI_OUTBOX_DIR="$dir/outbox" RENKEI_LOG=warn
  target/server/renkei-bench --pins "$union_accounts" | "$bin" records hash-pin >"$dir/hashes.csv"
  target/server/renkei-bench --accounts-csv <"$dir/hashes.csv" >"$dir/accounts.csv"
  for k in $(seq 0 $((unions - 1))); do
    code=$((3000 + k))
    union_codes+=("$code")
    printf 'name = "ベンチ第%s信用組合"\ncode = "%s"\ncontact_phone = "0120-300-%03d"\ncontact_hours = "平日 9時～15時"\nterms_version = "2026-10"\nmail_from = "ベンチ <noreply@bench%s.example>"\nbrand_color = "#1d4f91"\n' \
      "$k" "$code" "$((k % 1000))" "$code" >"$dir/profile.toml"
    "$bin" institution add --code "$code" --profile "$dir/profile.toml" >/dev/null
    "$bin" records import --institution "$code" --accounts "$dir/accounts.csv" --mode full >/dev/null
  done
  unset DATABASE_URL RENKEI_PUBLIC_URL RENKEI_OUTBOX_DIR RENKEI_LOG
  echo "population: $unions union(s) × $union_accounts accounts imported in $(( $(date +%s) - started )) s"
  customers=0 bench_customers=$flows
fi
ports=()
for i in $(seq 1 "$instances"); do ports+=("$(free_port)"); done
public="http://127.0.0.1:${ports[0]}"
urls=$(printf 'http://127.0.0.1:%s,' "${ports[@]}"); urls=${urls%,}
# One after the other: each migrates and seeds at start; the next finds it done.
for i in $(seq 0 $((instances - 1))); do
  port=${ports[$i]}
  env RENKEI_DEMO_CUSTOMERS="$customers" RENKEI_HASH_WORKERS="$server_cores" \
    RENKEI_LISTEN="127.0.0.1:$port" RENKEI_PUBLIC_URL="$public" \
    DATABASE_URL="$database_url" RENKEI_OUTBOX_DIR="$dir/outbox" RENKEI_LOG=warn \
    RENKEI_MAX_INFLIGHT=1024 RENKEI_THROTTLE_IP_PER_MIN=1000000 "${server_pin[@]}" "$bin" serve >"$dir/server-$i.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  # Seeding hashes every synthetic customer's PIN before the server listens.
  for _ in $(seq 1 3000); do
    curl -fs "http://127.0.0.1:$port/.well-known/oauth-authorization-server" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server-$i.log"; exit 1; }
    sleep 0.1
  done
done
# Statements per request: one linkage against a server of its own on the
# same backend kind, logging each statement inside its request's span.
count_statements() {
  local port log sdb
  port=$(free_port) log="$dir/statements.log"
  if [[ $backend == postgres ]]; then
    psql -q "postgres://postgres@localhost/postgres?host=$RENKEI_TEST_POSTGRES" -c "CREATE DATABASE statements"
    sdb="postgres://postgres@localhost/statements?host=$RENKEI_TEST_POSTGRES"
  else
    sdb="sqlite://$dir/statements.db"
  fi
  env RENKEI_DEMO_CUSTOMERS=1 RENKEI_ARGON2_M_KIB=8 RENKEI_ARGON2_T=1 \
    RENKEI_LISTEN="127.0.0.1:$port" RENKEI_PUBLIC_URL="http://127.0.0.1:$port" \
    DATABASE_URL="$sdb" RENKEI_OUTBOX_DIR="$dir/outbox-statements" NO_COLOR=1 \
    RENKEI_LOG="warn,sqlx::query=debug,tower_http=debug" "$bin" serve >"$log" 2>&1 &
  local spid=$!
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/.well-known/oauth-authorization-server" >/dev/null && break
    sleep 0.1
  done
  target/server/renkei-bench --url "http://127.0.0.1:$port" --flows 1 --concurrency 1 \
    --reads 1 --customers 1 --server-cores 1 --pin-check-ms 1 >/dev/null
  kill "$spid"; wait "$spid" 2>/dev/null || true
  # Each statement's line names its request's span; query strings and the
  # account's id are left out of the path.
  sed 's/\x1b\[[0-9;]*m//g' "$log" | grep 'sqlx::query' \
    | grep -o 'request{method=[A-Z]* uri=[^ }?]*' \
    | sed -e 's/request{method=//' -e 's/ uri=/ /' -e 's#/accounts/[^/]*#/accounts/{id}#' \
    | sort | uniq -c | awk '
        { n += $1; if ($3 !~ /^\/api\/v1\// && !($2 == "GET" && $3 == "/api/flow")) link += $1
          printf "  %3d  %s %s\n", $1, $2, $3 }
        END { printf "  %3d  in all; %d for the linkage (PAR to token, the reads and the SPA'"'"'s GET /api/flow left out)\n", n, link }'
}
statements=$(count_statements)

# Lock waits on PostgreSQL: sessions seen waiting for a lock, every 10 ms.
lock_sampler() {
  psql -qAt "postgres://postgres@localhost/bench?host=$RENKEI_TEST_POSTGRES" <<'SQL' >"$dir/lockwaits"
SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'bench' \watch 0.01
SQL
}

# utime + stime of the server, in clock ticks.
cpu_ticks() { local t=0 p; for p in "${pids[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
rss() { local p; for p in "${pids[@]}"; do awk -v k="$1" '$1 == k":" {printf "%.1f MB ", $2 / 1024}' "/proc/$p/status"; done; }
before=$(cpu_ticks)
rss_before=$(rss VmRSS)
# One PIN check, timed with the server's code on the server's own CPU(s)
# (their speed is what limits it), before and after the run.
check_ms=$("${server_pin[@]}" target/server/renkei-bench --time-pin-check)
if [[ $backend == postgres ]]; then
  "${driver_pin[@]}" bash -c "$(declare -f lock_sampler); dir=$dir RENKEI_TEST_POSTGRES=$RENKEI_TEST_POSTGRES lock_sampler" &
  sampler=$!
fi
unions_arg=$(IFS=,; echo "${union_codes[*]}")
"${driver_pin[@]}" target/server/renkei-bench --url "$urls" --flows "$flows" \
  --concurrency "$concurrency" --reads "$reads" --customers "${bench_customers:-$customers}" \
  --server-cores "$server_cores" --pin-check-ms "$check_ms" ${unions_arg:+--unions "$unions_arg"}
echo "one PIN check on the server's CPU: $check_ms ms before the run, $("${server_pin[@]}" target/server/renkei-bench --time-pin-check) ms after"
after=$(cpu_ticks)
hz=$(getconf CLK_TCK)
awk -v t=$((after - before)) -v hz="$hz" -v n="$flows" -v reads="$reads" 'BEGIN {
  ms = t * 1000 / hz
  printf "\nserver CPU: %.0f ms in all", ms
  if (reads == 0) printf " = %.2f ms per linkage", ms / n
  printf "\n"
}'
if [[ $backend == postgres ]]; then
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  awk -v n="$flows" '/^[0-9]+$/ { samples++; waiting += $1 } END {
    printf "lock waits: %.3f s in all over %d samples = %.2f ms per linkage (sessions waiting for a lock, sampled every 10 ms)\n",
      waiting * 0.01, samples, waiting * 10 / n }' "$dir/lockwaits"
fi
echo "server peak RSS: $(rss VmHWM)(seeded and idle: $rss_before)"
if (( unions > 0 )); then
  # The middle union, and an account its linkages did not touch.
  middle=${union_codes[$((unions / 2))]}
  echo
  echo "staff console at $unions union(s) × $union_accounts accounts (union $middle):"
  DATABASE_URL="$database_url" target/server/examples/console_probe "$public" "$middle" \
    900 ordinary "$(printf '%07d' $((union_accounts - 1)))"
fi
echo "server: $backend, $instances instance(s), ${server_pin[*]:-unpinned}, $server_cores hashing worker(s) each"
echo
echo "statements per request, one linkage and one read ($backend):"
echo "$statements"
