# The two commands of the README: `make run` and `make test`. Both first run
# scripts/setup.sh, which installs what a fresh machine lacks.

SHELL := /bin/bash
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

RENKEI_DEMO ?= 1
export RENKEI_DEMO
# No incremental compilation data: a clean clone's test run builds the
# workspace under several feature sets, and the incremental caches alone
# grew past 25 GB on this machine (CI runs on the same disk).
CARGO_INCREMENTAL ?= 0
export CARGO_INCREMENTAL

.PHONY: run test setup setup-e2e spa server lint unit e2e contract bench first-screen clean

## run: build the SPA (release, wasm-opt) and serve it with the demo data and
## the demo fintech app at /demo (the `demo` feature; a production build
## leaves it out: `cargo build --profile server -p renkei-server`).
run: setup spa
	cargo build --profile server -p renkei-server --features demo
	./target/server/renkei-server serve

## test: format, lints, Rust tests (SQLite, then PostgreSQL), SPA build,
## Playwright in Chromium, the OpenAPI contract fuzzed by schemathesis.
test: setup-e2e lint unit spa e2e contract

setup:
	scripts/setup.sh

setup-e2e:
	scripts/setup.sh --e2e

## spa: the customer's screens into dist/, then the staff console's own
## bundle into dist/staff (after: the first build empties dist/).
spa:
	trunk build --release
	trunk build staff/index.html --release --dist dist/staff --public-url /staff/
	@# The customer's bundle carries nothing of the console (its codes' text).
	@if grep -q "サインインが必要です" dist/*.wasm; then \
	  echo "the customer's wasm contains the staff console's text" >&2; exit 1; fi
	scripts/compress.sh dist

lint:
	@# Every statement checked at build time, its offline data not stale.
	scripts/sqlx-prepare.sh --check
	@if grep -rnE 'sqlx::(query(_as|_scalar)?(\(|::<)|raw_sql)' storage server/src | grep -v _sqlx_migrations; then \
	  echo "a statement not checked at build time (use sqlx::query!)" >&2; exit 1; fi
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features -- -D warnings
	cargo clippy -p renkei-app -p renkei-staff --target wasm32-unknown-unknown -- -D warnings
	@# A production build of the bank server has nothing but the bank in it:
	@# no demo app, demo data or stand-in in its dependencies, no demo
	@# customer's name, pepper or secret in its binary.
	@if cargo tree -p renkei-server -e normal --prefix none | grep -E '^renkei-(demo|fixture|carrier|host-gateway) '; then \
	  echo "a production build of renkei-server depends on the demo or a stand-in" >&2; exit 1; fi
	cargo build -p renkei-server
	@# (grep -a, not strings: the names are UTF-8, which strings skips.)
	@if grep -aoE 'ﾃﾞ-ﾀ ﾀﾛｳ|ﾔﾏﾀﾞ ﾊﾅｺ|ｽｽﾞｷ ｲﾁﾛｳ|ｻﾄｳ ｼﾞﾛｳ|renkei-demo-telephony-secret|cmVua2VpLWRlbW8tcGluLXBlcHBlcg|renkei-demo-client-secret' target/debug/renkei-server; then \
	  echo "the production binary carries demo data" >&2; exit 1; fi

## unit: the Rust tests on SQLite, then the black-box suite again on a
## throwaway PostgreSQL cluster (with the two-instance tests).
unit:
	cargo test --workspace
	scripts/with-postgres.sh cargo test --workspace --test api

e2e:
	cargo build -p renkei-server -p renkei-host-gateway --features renkei-server/demo
	scripts/e2e.sh

## contract: schemathesis against a live server and its /openapi.json.
contract:
	cargo build -p renkei-server -p renkei-host-gateway --features renkei-server/demo
	scripts/contract.sh

## bench: N whole linkages and API reads against a local release server (not a test).
bench: setup
	scripts/bench.sh $(FLOWS) $(CONCURRENCY) $(READS)

## first-screen: SOA201's bytes on the wire and time to usable on a throttled phone (not a test).
first-screen:
	scripts/first-screen.sh

clean:
	rm -rf dist target/debug/renkei-server target/server/renkei-server
