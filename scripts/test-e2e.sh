#!/usr/bin/env bash
# End-to-end browser test (apps/web/e2e): builds the web app, starts it on
# a free port with a fresh SQLite database and its demo data, mail going to
# Mailpit, and drives Debian's Chromium through it with playwright-core.
#
# Mailpit: EZSCALE_TEST_MAILPIT_SMTP and EZSCALE_TEST_MAILPIT_API name a
# running one (scripts/test.sh exports them); without them this script
# builds Mailpit at the version pinned in tools/go.mod and starts its own,
# as scripts/test.sh does. Chromium is /usr/bin/chromium (installed with
# apt-get when missing and running as root; never downloaded); set
# EZSCALE_E2E_CHROMIUM for another. Screenshots of every step go to
# EZSCALE_E2E_SCREENSHOTS (default apps/web/e2e/screenshots).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "test-e2e: Node 20 or newer with npm is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
chromium_bin=${EZSCALE_E2E_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium_bin" ]; then
  if [ "$chromium_bin" = /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  if [ ! -x "$chromium_bin" ]; then
    echo "test-e2e: no browser at $chromium_bin: install Debian's chromium (apt-get install chromium)" >&2
    exit 1
  fi
fi
(cd apps/web/e2e && npm ci --no-audit --no-fund --loglevel=error)

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # URL SECONDS
  for _ in $(seq 1 $(($2 * 5))); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  return 1
}

if [ -z "${EZSCALE_TEST_MAILPIT_SMTP:-}" ]; then
  gobin="$(go env GOPATH)/bin"
  (cd tools && go build -o "$gobin/mailpit" github.com/axllent/mailpit)
  smtp_port=$(free_port); api_port=$(free_port)
  "$gobin/mailpit" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$api_port" \
    --smtp-auth-accept-any --smtp-auth-allow-insecure --quiet >/dev/null 2>&1 &
  pids+=($!)
  export EZSCALE_TEST_MAILPIT_SMTP="127.0.0.1:$smtp_port" EZSCALE_TEST_MAILPIT_API="http://127.0.0.1:$api_port"
  wait_for "$EZSCALE_TEST_MAILPIT_API/api/v1/info" 10 || { echo "test-e2e: Mailpit did not start" >&2; exit 1; }
fi
if [ -z "${EZSCALE_TEST_MAILPIT_API:-}" ]; then
  echo "test-e2e: EZSCALE_TEST_MAILPIT_SMTP is set but EZSCALE_TEST_MAILPIT_API is not" >&2
  exit 1
fi
if ! wait_for "$EZSCALE_TEST_MAILPIT_API/api/v1/info" 5; then
  echo "test-e2e: no Mailpit answers at EZSCALE_TEST_MAILPIT_API=$EZSCALE_TEST_MAILPIT_API" >&2
  exit 1
fi
smtp_host=${EZSCALE_TEST_MAILPIT_SMTP%:*}
smtp_port=${EZSCALE_TEST_MAILPIT_SMTP##*:}

go build -o "$work/web" ./apps/web

# localhost, not 127.0.0.1: a WebAuthn relying party id must be a domain.
port=$(free_port)
base="http://localhost:$port"
cat >"$work/config.json" <<EOF
{
  "site": {"CompanyName": "EZSCALE Hosting", "URL": "$base/account"},
  "web": {"public_url": "$base"},
  "smtp": {"Host": "$smtp_host", "Port": $smtp_port, "TLS": "none", "From": "EZSCALE <billing@ezscale.test>"}
}
EOF

"$work/web" -config "$work/config.json" -sqlite "$work/e2e.db" -addr "127.0.0.1:$port" >"$work/web.log" 2>&1 &
pids+=($!)
if ! wait_for "$base/readyz" 30; then
  echo "test-e2e: the web app did not become ready; its log:" >&2
  cat "$work/web.log" >&2
  exit 1
fi
creds=$(sed -n 's/^Demo admin account (shown once): //p' "$work/web.log" | head -1)
if [ -z "$creds" ]; then
  echo "test-e2e: the web app printed no demo admin account; its log:" >&2
  cat "$work/web.log" >&2
  exit 1
fi

status=0
EZSCALE_E2E_URL="$base" \
  EZSCALE_E2E_ADMIN_EMAIL="${creds%% / *}" EZSCALE_E2E_ADMIN_PASSWORD="${creds#* / }" \
  EZSCALE_E2E_SCREENSHOTS="${EZSCALE_E2E_SCREENSHOTS:-$root/apps/web/e2e/screenshots}" \
  EZSCALE_E2E_CHROMIUM="$chromium_bin" \
  node apps/web/e2e/e2e.mjs || status=$?
if [ "$status" != 0 ]; then
  echo "test-e2e: failed; the web app's log (last 60 lines):" >&2
  tail -n 60 "$work/web.log" >&2
fi
exit "$status"
