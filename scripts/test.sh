#!/bin/sh
# The whole suite on SQLite, then every database test again on PostgreSQL.
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p var
echo "== pytest on SQLite"
DATABASE_URL="sqlite:///$(pwd)/var/test.sqlite3" $BIN/pytest -q "$@"

PG_URL="${TEST_DATABASE_URL:-}"
if [ -z "$PG_URL" ] && $BIN/python scripts/pg_answers.py postgres://postgres@127.0.0.1:5432/postgres; then
  PG_URL="postgres://postgres@127.0.0.1:5432/crm"
fi
if [ -z "$PG_URL" ]; then
  echo "== PostgreSQL pass NOT RUN: no TEST_DATABASE_URL and no server on 127.0.0.1:5432"
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
fi
echo "== pytest on PostgreSQL (browser tests excluded)"
DATABASE_URL="$PG_URL" $BIN/pytest -q -m "not e2e" "$@"
