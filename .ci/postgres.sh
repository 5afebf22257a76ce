#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the store's tests, and print its URL.
# Installs Debian's package when it is missing. Runs the server as the unprivileged 'postgres' user.
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGDIR="${PGDIR:-/tmp/cpdata-pg}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ -f "$PGDIR/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$PGDIR" -m immediate stop >&2 || true; fi
rm -rf "$PGDIR"; mkdir -p "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
as_pg "$BIN/initdb" -D "$PGDIR" -U cpdata --auth=trust -E UTF8 >/dev/null
as_pg "$BIN/pg_ctl" -D "$PGDIR" -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off" -l "$PGDIR/log" -w start >&2
as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U cpdata cpdata_test
echo "postgresql+psycopg://cpdata@127.0.0.1:$PGPORT/cpdata_test"
