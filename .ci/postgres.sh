#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1:55432 owned by the `postgres` user, with
# trust authentication for loopback, and prints its URL. Used by .ci/run and by developers who
# want to run the suite on PostgreSQL: `KAIFANG_TEST_DATABASE_URL=$(.ci/postgres.sh) cargo test`.
set -euo pipefail
PORT="${KAIFANG_PG_PORT:-55432}"
DIR="${KAIFANG_PG_DIR:-/tmp/kaifang-pg}"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$BIN" ]; then
  echo "PostgreSQL server binaries not found; apt-get install postgresql" >&2
  exit 1
fi
if ! runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chown postgres: "$DIR"
  runuser -u postgres -- "$BIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
