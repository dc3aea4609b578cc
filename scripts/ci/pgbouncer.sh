#!/usr/bin/env bash
# A PgBouncer in transaction pooling mode in front of the local PostgreSQL, for CI and for running
# the pooler tests by hand:
#
#   dir=$(scripts/ci/pgbouncer.sh start [PORT])   # prints its directory; PORT defaults to 6432
#   scripts/ci/pgbouncer.sh stop "$dir"
#
# Every database name is passed through to 127.0.0.1:5432 (the tests create databases of their own),
# with PostgreSQL's trust authentication behind it. Transaction mode is the setting that matters:
# a server connection serves one transaction of a client, then another client's, so nothing a
# client leaves in its session (named prepared statements, advisory locks, SET) is there for its
# next statement. PgBouncer refuses to run as root, hence postgres as its user.
set -euo pipefail

upstream_host=${PGBOUNCER_UPSTREAM_HOST:-127.0.0.1}
upstream_port=${PGBOUNCER_UPSTREAM_PORT:-5432}

start() {
  local port=${1:-6432}
  local dir
  dir=$(mktemp -d /tmp/omis-pgbouncer.XXXXXX)
  # Trust still looks the user up in the auth file; its password is not checked.
  echo '"postgres" ""' >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$upstream_host port=$upstream_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
; Two test files at a time, each with two app instances of 8 connections and a few of its own.
max_client_conn = 400
default_pool_size = 20
; A client waiting longer than this for a server connection is a failure the tests should see.
query_wait_timeout = 30
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  chown -R postgres "$dir"
  runuser -u postgres -- pgbouncer -d "$dir/pgbouncer.ini"
  for _ in $(seq 1 50); do
    if pg_isready -q -h 127.0.0.1 -p "$port" -d postgres; then
      echo "$dir"
      return 0
    fi
    sleep 0.1
  done
  echo "pgbouncer did not accept connections on port $port:" >&2
  cat "$dir/pgbouncer.log" >&2 || true
  return 1
}

stop() {
  local dir=${1:?usage: pgbouncer.sh stop DIR}
  if [[ -f "$dir/pgbouncer.pid" ]]; then
    kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do [[ -f "$dir/pgbouncer.pid" ]] || break; sleep 0.1; done
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start [PORT] | stop DIR" >&2; exit 2 ;;
esac
