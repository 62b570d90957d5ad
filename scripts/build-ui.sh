#!/usr/bin/env bash
# Builds the account and admin single-page app (apps/web/ui) into
# apps/web/internal/ui/dist, which the Go binary embeds. Run it by hand
# after changing the UI and commit dist with the sources; there is no
# Makefile. Needs Node ^20.19 or >=22.12 and npm; `npm ci` installs exactly
# what package-lock.json pins. The build is deterministic: the same sources
# and lockfile give byte-identical output.
set -euo pipefail
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||a===22&&b>=12||a===20&&b>=19?0:1)' 2>/dev/null; then
  echo "build-ui: Node ^20.19 or >=22.12 with npm is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
cd "$(dirname "$0")/../apps/web/ui"
npm ci --no-audit --no-fund
npm run build
