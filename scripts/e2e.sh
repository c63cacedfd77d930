#!/usr/bin/env bash
# Runs the Playwright suite against a server it starts itself (see
# end2end/start-server.sh) on a free port with a fresh database.
set -euo pipefail
cd "$(dirname "$0")/../end2end"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export E2E_PORT=$port
exec npx playwright test "$@"
