#!/usr/bin/env bash
# Set up and start the portal on its embedded defaults: SQLite and a search index under
# instance/, reference data loaded, demo data loaded when the database is empty.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

ensure_venv ""
export FLASK_APP=kmportal
say "Applying database migrations"
"$VENV/bin/flask" db upgrade
say "Loading reference data (countries, the 2015-2016 work plan)"
"$VENV/bin/flask" reference load
say "Loading demo data if the database is empty"
"$VENV/bin/flask" demo load --if-empty
"$VENV/bin/flask" search reindex --if-missing

HOST="${KMPORTAL_HOST:-127.0.0.1}"
PORT="${KMPORTAL_PORT:-5000}"
echo
echo "  kmportal is starting on http://$HOST:$PORT"
echo "  Demo log-ins:"
"$VENV/bin/flask" demo accounts
echo
# The quick start serves plain HTTP on this machine: cookies cannot be Secure here. Behind
# HTTPS in production leave these unset (Secure is the default outside debug and testing).
export KMPORTAL_SESSION_COOKIE_SECURE="${KMPORTAL_SESSION_COOKIE_SECURE:-false}"
export KMPORTAL_REMEMBER_COOKIE_SECURE="${KMPORTAL_REMEMBER_COOKIE_SECURE:-false}"
exec "$VENV/bin/flask" run --host "$HOST" --port "$PORT"
