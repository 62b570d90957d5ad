#!/usr/bin/env bash
# Runs every test of the project: the library on SQLite and on a real MariaDB
# (started here when it is installed but stopped, installed when missing),
# and the Stripe adapter against stripe-mock (built here, at the version
# pinned in tools/go.mod). Set EZSCALE_TEST_MYSQL_DSN to use another MySQL
# server.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${EZSCALE_TEST_MYSQL_DSN:-}" ]; then
  bash scripts/ensure-mariadb.sh
fi
gobin="$(go env GOPATH)/bin"
(cd tools && go build -o "$gobin/stripe-mock" github.com/stripe/stripe-mock)
export PATH="$gobin:$PATH"
go test -count=1 ./... "$@"
