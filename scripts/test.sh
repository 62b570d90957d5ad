#!/usr/bin/env bash
# Runs every test of the project: the library on SQLite and on a real MariaDB
# (started here when it is installed but stopped, installed when missing),
# the Stripe adapter against stripe-mock and the mailer against a real
# Mailpit (both built here, at the versions pinned in tools/go.mod, and
# Mailpit started on free loopback ports), and invoice PDFs read back with
# pdftotext (installed when missing). Set EZSCALE_TEST_MYSQL_DSN to use
# another MySQL server, EZSCALE_TEST_MAILPIT_SMTP and _API another Mailpit.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${EZSCALE_TEST_MYSQL_DSN:-}" ]; then
  bash scripts/ensure-mariadb.sh
fi
bash scripts/ensure-pdftotext.sh
gobin="$(go env GOPATH)/bin"
(cd tools && go build -o "$gobin/stripe-mock" github.com/stripe/stripe-mock &&
  go build -o "$gobin/mailpit" github.com/axllent/mailpit)
export PATH="$gobin:$PATH"

if [ -z "${EZSCALE_TEST_MAILPIT_SMTP:-}" ]; then
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  smtp_port=$(free_port); api_port=$(free_port)
  mailpit --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$api_port" \
    --smtp-auth-accept-any --smtp-auth-allow-insecure --quiet >/dev/null 2>&1 &
  mailpit_pid=$!
  trap 'kill $mailpit_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do
    if curl -fsS "http://127.0.0.1:$api_port/api/v1/info" >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  export EZSCALE_TEST_MAILPIT_SMTP="127.0.0.1:$smtp_port" EZSCALE_TEST_MAILPIT_API="http://127.0.0.1:$api_port"
fi
go test -count=1 ./... "$@"
