#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on loopback: DATABASE_URL is set for the command.
# Uses KEDJA_TEST_POSTGRES_URL when given; otherwise starts a temporary cluster with the local PostgreSQL
# binaries (as the postgres user when run as root). Without PostgreSQL it explains and exits 0 on a laptop,
# but fails under CI=true, where the PostgreSQL run is required.
set -euo pipefail
if [ -n "${KEDJA_TEST_POSTGRES_URL:-}" ]; then
  DATABASE_URL="$KEDJA_TEST_POSTGRES_URL" exec "$@"
fi
initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$initdb" ] || initdb=$(command -v initdb || true)
if [ -z "$initdb" ]; then
  msg="PostgreSQL is not installed (no initdb found): the PostgreSQL run of the test suite was NOT done."
  if [ "${CI:-}" = "true" ]; then echo "ERROR: $msg" >&2; exit 1; fi
  echo "NOTE: $msg Install postgresql or set KEDJA_TEST_POSTGRES_URL." >&2
  exit 0
fi
bindir=$(dirname "$initdb")
port=${KEDJA_TEST_PG_PORT:-5499}
dir=$(mktemp -d /tmp/kedja-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = "0" ]; then chown postgres: "$dir"; as_pg=(runuser -u postgres --); fi
"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
stop() { "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap stop EXIT
"${as_pg[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres kedja
DATABASE_URL="postgres://postgres@127.0.0.1:$port/kedja" "$@"
