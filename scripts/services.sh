#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis for tests and benchmarks. Source this file, then:
#   services_start   — installs what is missing (as root, with apt), starts both on free ports,
#                      exports DATABASE_URL and REDIS_URL; SVC_PG_OPTIONS adds server settings
#                      ("-c name=value …", e.g. a benchmark's bulk-load settings)
#   services_stop    — stops what services_start started and removes its files
# PostgreSQL refuses to run as root, so its server runs as an unprivileged system user.

_svc_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

_svc_apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "error: '$1' is missing and this is not root; install it ($*) and run again." >&2
    return 1
  fi
  echo "==> installing $* with apt"
  if [ -z "${_SVC_APT_UPDATED:-}" ]; then
    apt-get update -qq >/dev/null
    _SVC_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

_svc_pg_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; fi
}

services_start() {
  SVC_DIR="$(mktemp -d /tmp/grievance-svc.XXXXXX)"
  chmod 755 "$SVC_DIR"
  export SVC_DIR

  # --- PostgreSQL -------------------------------------------------------------------------
  local bindir
  bindir="$(_svc_pg_bindir)"
  if [ -z "$bindir" ]; then
    _svc_apt_install postgresql || return 1
    bindir="$(_svc_pg_bindir)"
  fi
  local pguser="${PG_RUN_AS:-}"
  if [ "$(id -u)" = 0 ]; then
    if [ -z "$pguser" ]; then
      if id postgres >/dev/null 2>&1; then pguser=postgres; else
        useradd --system --no-create-home --shell /usr/sbin/nologin grievance-pg 2>/dev/null || true
        pguser=grievance-pg
      fi
    fi
  else
    pguser="$(id -un)"
  fi
  mkdir -p "$SVC_DIR/pg"
  [ "$(id -u)" = 0 ] && chown "$pguser" "$SVC_DIR/pg"
  _svc_as() { if [ "$(id -u)" = 0 ]; then runuser -u "$pguser" -- "$@"; else "$@"; fi; }
  local pgport
  pgport="$(_svc_free_port)"
  _svc_as "$bindir/initdb" -D "$SVC_DIR/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$SVC_DIR/initdb.log" 2>&1 \
    || _svc_as "$bindir/initdb" -D "$SVC_DIR/pg/data" -U postgres -A trust -E UTF8 --locale=C >"$SVC_DIR/initdb.log" 2>&1 \
    || { cat "$SVC_DIR/initdb.log" >&2; return 1; }
  _svc_as "$bindir/pg_ctl" -D "$SVC_DIR/pg/data" -l "$SVC_DIR/pg/server.log" -w -t 60 start \
    -o "-p $pgport -k $SVC_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${SVC_PG_OPTIONS:-}" \
    >/dev/null || { cat "$SVC_DIR/pg/server.log" >&2; return 1; }
  SVC_PG_BINDIR="$bindir"; SVC_PG_USER="$pguser"; SVC_PG_PORT="$pgport"
  export SVC_PG_BINDIR SVC_PG_USER SVC_PG_PORT
  "$bindir/createdb" -h 127.0.0.1 -p "$pgport" -U postgres grievance >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/grievance"
  echo "==> PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $pgport (as $pguser)"

  # --- Redis ------------------------------------------------------------------------------
  if ! command -v redis-server >/dev/null 2>&1; then
    _svc_apt_install redis-server || return 1
  fi
  local rport
  rport="$(_svc_free_port)"
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$SVC_DIR/redis.pid" --logfile "$SVC_DIR/redis.log" --dir "$SVC_DIR" >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -p "$rport" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  SVC_REDIS_PORT="$rport"; export SVC_REDIS_PORT
  export REDIS_URL="redis://127.0.0.1:$rport/0"
  echo "==> Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on port $rport"
}

services_stop() {
  [ -n "${SVC_DIR:-}" ] || return 0
  if [ -n "${SVC_PG_BINDIR:-}" ] && [ -d "$SVC_DIR/pg/data" ]; then
    if [ "$(id -u)" = 0 ]; then
      runuser -u "$SVC_PG_USER" -- "$SVC_PG_BINDIR/pg_ctl" -D "$SVC_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    else
      "$SVC_PG_BINDIR/pg_ctl" -D "$SVC_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  fi
  if [ -f "$SVC_DIR/redis.pid" ]; then
    kill "$(cat "$SVC_DIR/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$SVC_DIR"
  unset SVC_DIR
}
