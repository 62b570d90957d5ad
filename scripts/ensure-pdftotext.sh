#!/usr/bin/env bash
# Makes sure pdftotext (Debian's poppler-utils) is installed: the invoice
# PDF tests read rendered invoices back through it.
set -euo pipefail
if command -v pdftotext >/dev/null; then exit 0; fi
echo "ensure-pdftotext: installing poppler-utils" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null
