# A throwaway PostgreSQL server for the test suite: its own data directory, loopback only,
# stopped when the calling script exits.
# shellcheck shell=bash

PG_DATA=""
PG_AS=()

postgres_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_test_postgres() {
  local bindir port
  bindir="$(postgres_bindir)"
  [ -n "$bindir" ] || { echo "PostgreSQL is not installed" >&2; return 1; }
  PG_DATA="$(mktemp -d /tmp/kmportal-pg.XXXXXX)"
  if [ "$(id -u)" -eq 0 ]; then
    # The server refuses to run as root: run it as Debian's postgres account.
    chown postgres:postgres "$PG_DATA"
    PG_AS=(runuser -u postgres --)
  fi
  port="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "${PG_AS[@]}" "$bindir/initdb" -D "$PG_DATA/data" -U kmportal --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  "${PG_AS[@]}" "$bindir/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DATA -c fsync=off" start >/dev/null
  "${PG_AS[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U kmportal kmportal_test
  export KMPORTAL_TEST_POSTGRES_URL="postgresql+psycopg://kmportal@127.0.0.1:$port/kmportal_test"
  say "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') for the tests on port $port"
}

stop_test_postgres() {
  [ -n "$PG_DATA" ] || return 0
  "${PG_AS[@]}" "$(postgres_bindir)/pg_ctl" -D "$PG_DATA/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DATA"
}
