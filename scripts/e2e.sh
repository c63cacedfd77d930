#!/usr/bin/env bash
# Runs the Playwright suite against servers it starts itself (see
# end2end/start-server.sh), each on a free port with a fresh database.
set -euo pipefail
cd "$(dirname "$0")/../end2end"
# Six free ports: one server per Playwright project, one with a 3-second
# phone window for the expiry test, one on the stand-in host gateway, one
# for the staff console.
E2E_PORTS=$(python3 -c '
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks: s.bind(("127.0.0.1", 0))
print(",".join(str(s.getsockname()[1]) for s in socks))')
export E2E_PORTS
exec npx playwright test "$@"
