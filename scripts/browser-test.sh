#!/usr/bin/env bash
# The portal's browser test (Tests/browser/portal_flow.py): headless Chromium through Selenium.
# Selenium comes from PyPI into a venv under .build (Debian 12's system Python is externally
# managed, PEP 668, so no pip install into it). Chromium and its driver: scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/browser-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "selenium>=4.20,<5"
fi
swift build --product tld
tld="$(swift build --show-bin-path)/tld"
"$venv/bin/python" Tests/browser/portal_flow.py "$tld"
# The same flow once more on PostgreSQL (issue 16), in a private cluster started and stopped here.
scripts/pg-test-cluster.sh run -- sh -c '"$0" Tests/browser/portal_flow.py "$1" --postgres "$TLD_TEST_POSTGRES_URL"' "$venv/bin/python" "$tld"
