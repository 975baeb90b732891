#!/usr/bin/env bash
# Set up everything the test suite needs and run all of it: unit and web tests, and the slow
# ones (PostgreSQL, headless Chromium, several processes). Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/postgres.sh"
source "$(dirname "$0")/lib/node.sh"
cd "$ROOT"

ensure_venv "test"
apt_install chromium chromium-driver postgresql
ensure_node_tools
trap stop_test_postgres EXIT
start_test_postgres
export KMPORTAL_TEST_CHROMIUM=/usr/bin/chromium KMPORTAL_TEST_CHROMEDRIVER=/usr/bin/chromedriver
"$VENV/bin/ruff" check kmportal tests bench
"$VENV/bin/python" -m pytest -n 2 "$@"
