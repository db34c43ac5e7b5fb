#!/usr/bin/env bash
# One command for a fresh machine: install what the tests need, then lint, type-check and run the
# whole suite on SQLite — and again on PostgreSQL when MINYI_TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

# Browser tests drive Debian's chromium; without CJK fonts Chinese renders as boxes. The catalogue
# test extracts strings with gettext's xgettext.
if ! command -v chromium >/dev/null 2>&1 || [ ! -d /usr/share/fonts/opentype/noto ] \
  || ! command -v xgettext >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null
fi

echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy minyi

echo "== pytest (SQLite)"
env -u MINYI_TEST_DATABASE_URL .venv/bin/python -m pytest -q -n 2 -W ignore::DeprecationWarning "$@"

if [ -n "${MINYI_TEST_DATABASE_URL:-}" ]; then
  echo "== pytest (PostgreSQL: ${MINYI_TEST_DATABASE_URL%%@*}@…)"
  .venv/bin/python -m pytest -q -n 2 -W ignore::DeprecationWarning "$@"
fi
