#!/usr/bin/env bash
# Installs what a fresh machine lacks to build (and, with --e2e, to test)
# Renkei, and skips what is already there. Safe to run any number of times;
# `make run` and `make test` run it first. Everything comes from the package
# registries (crates.io, npm, Debian); nothing is downloaded at build time.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14   # 0.22 needs rustc 1.96
SCHEMATHESIS_VERSION=4.32.0
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Installs a Debian package (as root, or with sudo).
apt_install() {
  local sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

# npm ci only when node_modules does not match the lock file.
npm_ci() {
  local dir=$1 stamp="$1/node_modules/.renkei-lock.sha256" want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
    return
  fi
  say "npm ci in $dir"
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  echo "$want" > "$stamp"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  say "installing trunk $TRUNK_VERSION (compiled once, ~11 min)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\$"; then
  # Without --locked: its lock file names a dependency newer than the
  # registry copy here.
  say "installing wasm-bindgen-cli $WBG_VERSION (compiled once, ~4 min)"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi

# OpenSSL's headers: webauthn-rs (the staff console's passkeys) links it.
if ! pkg-config --exists openssl 2>/dev/null; then
  say "installing Debian's libssl-dev and pkg-config"
  apt_install libssl-dev pkg-config
fi

# brotli for the precompressed SPA assets (scripts/compress.sh).
if ! command -v brotli >/dev/null; then
  say "installing Debian's brotli"
  apt_install brotli
fi

# wasm-opt from the npm package binaryen 132 (Debian's v108 breaks the page).
npm_ci tools

# Trunk builds offline, so every crate must already be in the local cache.
cargo fetch --locked >/dev/null

if [[ ${1:-} == --e2e ]]; then
  if [[ ! -x /usr/bin/chromium ]]; then
    say "installing Debian's chromium"
    apt_install chromium
  fi
  npm_ci end2end
  # The black-box suite runs again on PostgreSQL (scripts/with-postgres.sh
  # starts a throwaway cluster of its own; Debian's package only brings the
  # binaries, and its own cluster is left alone).
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "installing Debian's postgresql"
    apt_install postgresql
  fi
  # Debian's nginx runs deploy/nginx/renkei.conf in the TLS deployment test.
  if [[ ! -x /usr/sbin/nginx ]]; then
    say "installing Debian's nginx"
    apt_install nginx
  fi
  # schemathesis (PyPI) fuzzes the OpenAPI contract (scripts/contract.sh).
  if ! tools/.venv/bin/st --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION into tools/.venv"
    python3 -m venv tools/.venv
    tools/.venv/bin/pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
  fi
fi
say "ready"
