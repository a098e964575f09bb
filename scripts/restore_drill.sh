#!/usr/bin/env bash
# Restore drill: back up the database with pg_dump, restore the backup into a fresh database on the
# same server, and prove the copy is identical — for every table the row count and a checksum of all
# rows, and the value of every sequence. Exits 0 only when everything matches.
#
#   DATABASE_URL=postgres://user:pass@host:5432/grievance bash scripts/restore_drill.sh [backup.dump]
#
# With a backup file that already exists, that file is restored and compared with the live database
# (the drill for last night's backup: run it right after the backup, before new writes); without
# one, a fresh dump is made first (kept only when a path is given). The restored database is dropped
# afterwards unless KEEP_RESTORED=1. PostgreSQL client programs come from PG_BINDIR, else the test
# services' SVC_PG_BINDIR, else PATH; pg_dump must not be older than the server.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to drill}"
bindir="${PG_BINDIR:-${SVC_PG_BINDIR:-}}"
pg() { if [ -n "$bindir" ]; then "$bindir/$1" "${@:2}"; else "$1" "${@:2}"; fi; }

url="${DATABASE_URL%%\?*}"
server="${url%/*}"
source_db="${url##*/}"
restored_db="${source_db}_restore_$(date +%s)_$$"
work="$(mktemp -d /tmp/restore-drill.XXXXXX)"
dump="${1:-$work/backup.dump}"
cleanup() {
  if [ "${KEEP_RESTORED:-0}" != 1 ]; then
    pg psql -q -X "$server/postgres" -c "DROP DATABASE IF EXISTS \"$restored_db\"" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

started=$(date +%s)
if [ ! -s "$dump" ]; then
  echo "==> pg_dump $source_db → $dump"
  pg pg_dump --format=custom --no-owner --no-privileges --dbname="$url" --file="$dump"
fi
echo "==> restoring into a fresh database $restored_db"
pg psql -q -X -v ON_ERROR_STOP=1 "$server/postgres" -c "CREATE DATABASE \"$restored_db\"" >/dev/null
pg pg_restore --no-owner --no-privileges --exit-on-error --dbname="$server/$restored_db" "$dump"

# One line per table: name, row count, md5 over the md5 of every row (sorted, so row order and
# physical layout do not matter); then one line per sequence with its last value.
fingerprint() {
  local db_url="$1" tables
  tables=$(pg psql -X -At "$db_url" -c \
    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
  for table in $tables; do
    pg psql -X -At "$db_url" -c "SELECT '$table', count(*), \
      md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM (SELECT md5(t::text) AS h FROM $table t) r"
  done
  pg psql -X -At "$db_url" -c \
    "SELECT 'sequence ' || sequencename, coalesce(last_value, 0), '' FROM pg_sequences \
     WHERE schemaname = 'public' ORDER BY sequencename"
}

fingerprint "$url" >"$work/source.txt"
fingerprint "$server/$restored_db" >"$work/restored.txt"
tables=$(grep -vc '^sequence ' "$work/source.txt" || true)
rows=$(grep -v '^sequence ' "$work/source.txt" | awk -F'|' '{s += $2} END {print s + 0}')
size=$(wc -c <"$dump")
if diff -u "$work/source.txt" "$work/restored.txt" >"$work/diff.txt"; then
  echo "restore drill: identical — $tables tables, $rows rows, checksums and sequences match" \
       "(backup $size bytes, $(( $(date +%s) - started )) s)"
  if [ "${VERBOSE:-0}" = 1 ]; then cat "$work/source.txt"; fi
else
  echo "restore drill: MISMATCH between $source_db and its restored copy:" >&2
  cat "$work/diff.txt" >&2
  exit 1
fi
