#!/usr/bin/env bash
# One command for a fresh machine: install, create the embedded database, load the demo city,
# and start the web server and background worker on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/minyi demo "$@"
