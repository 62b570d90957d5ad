#!/usr/bin/env bash
# CI check: rebuilds the UI and fails when the committed build in
# apps/web/internal/ui/dist differs from what the sources give (a stale or
# hand-edited build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-ui.sh
if [ -n "$(git status --porcelain --untracked-files=all -- apps/web/internal/ui/dist)" ]; then
  git status --porcelain --untracked-files=all -- apps/web/internal/ui/dist >&2
  echo "apps/web/internal/ui/dist is stale: run 'bash scripts/build-ui.sh' and commit apps/web/internal/ui/dist" >&2
  exit 1
fi
echo "ui build is current"
