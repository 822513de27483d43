#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests (issue 15): initdb + pg_ctl in a temporary directory, as
# an unprivileged user, listening only on a unix socket inside that directory (no TCP port, so
# several test runs on one machine never collide); no system service is assumed or touched.
#
#   scripts/pg-test-cluster.sh run -- CMD ARGS…  start a cluster, run CMD with TLD_TEST_POSTGRES_URL and
#                                               TLD_TEST_PG_DIR set, stop the cluster (also when CMD
#                                               fails); exits with CMD's status. `make test` uses this.
#   scripts/pg-test-cluster.sh start            start one; prints the `export …` lines to eval
#   scripts/pg-test-cluster.sh url  [DIR]       the URL of the cluster in DIR (default $TLD_TEST_PG_DIR)
#   scripts/pg-test-cluster.sh stop [DIR]       stop it and remove DIR
#   scripts/pg-test-cluster.sh crash [DIR]      pg_ctl stop -m immediate (no shutdown checkpoint: a crash)
#   scripts/pg-test-cluster.sh restart [DIR]    start it again after a crash (WAL recovery)
#
# PostgreSQL refuses to run as root: as root (CI), the cluster runs as the Debian package's
# `postgres` user, or a system user `tld-pgtest` created here when there is none (runuser -u).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then dirname "$(command -v pg_ctl)"; return; fi
  return 1
}

ensure_installed() {
  bindir >/dev/null 2>&1 || "$here/install-deps.sh"
  bindir >/dev/null 2>&1 || { echo "pg-test-cluster: PostgreSQL (initdb, pg_ctl) is not installed and could not be installed" >&2; exit 69; }
}

run_as_user() {
  if [ "$(id -u)" -ne 0 ]; then echo "$(id -un)"; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; return; fi
  id tld-pgtest >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin tld-pgtest
  echo tld-pgtest
}

as_user() {  # as_user USER CMD…
  local user="$1"; shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

url_of() { echo "postgres://tld@/tld_test?host=$1/socket"; }

start() {
  ensure_installed
  local bin user dir
  bin="$(bindir)"
  user="$(run_as_user)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/tld-pg.XXXXXX")"
  mkdir -p "$dir/socket"
  [ "$(id -u)" -eq 0 ] && chown -R "$user" "$dir"
  chmod 755 "$dir"
  as_user "$user" "$bin/initdb" --pgdata="$dir/data" --username=tld --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 70; }
  # fsync and synchronous_commit stay on: the durability tests crash this server on purpose.
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir/socket'
max_connections = 60
shared_buffers = 32MB
fsync = on
synchronous_commit = on
EOF
  echo "$bin" >"$dir/bindir"
  echo "$user" >"$dir/user"
  as_user "$user" "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 start </dev/null >"$dir/ctl.log" 2>&1 \
    || { cat "$dir/server.log" >&2; exit 70; }
  as_user "$user" "$bin/createdb" --host="$dir/socket" --username=tld tld_test
  echo "export TLD_TEST_PG_DIR=$dir"
  echo "export TLD_TEST_POSTGRES_URL='$(url_of "$dir")'"
}

pgctl() {  # pgctl DIR ARGS…
  local dir="$1"; shift
  as_user "$(cat "$dir/user")" "$(cat "$dir/bindir")/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" "$@"
}

stop() {
  local dir="$1"
  [ -d "$dir/data" ] || return 0
  pgctl "$dir" --mode=fast --wait stop >/dev/null 2>&1 || pgctl "$dir" --mode=immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

# The server started here must not inherit descriptors of the caller other than 0–2: a parent that
# watches its child through one (Foundation's Process on Linux) would wait for the server to exit.
close_inherited_fds() {
  local fd
  for fd in $(ls /proc/$$/fd); do
    if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

cmd="${1:-}"; shift || true
case "$cmd" in start|restart|run) close_inherited_fds ;; esac
case "$cmd" in
  start) start ;;
  url) url_of "${1:-${TLD_TEST_PG_DIR:?no cluster directory}}" ;;
  stop) stop "${1:-${TLD_TEST_PG_DIR:?no cluster directory}}" ;;
  # The server started here must not inherit the caller's stdout/stderr (a test reading them to EOF
  # would wait for the server to exit): pg_ctl's own output goes to a file, shown on failure.
  crash) d="${1:-${TLD_TEST_PG_DIR:?no cluster directory}}"
    pgctl "$d" --mode=immediate --wait stop </dev/null >"$d/ctl.log" 2>&1 || { cat "$d/ctl.log" >&2; exit 70; } ;;
  restart) d="${1:-${TLD_TEST_PG_DIR:?no cluster directory}}"
    pgctl "$d" --wait --timeout=60 start </dev/null >"$d/ctl.log" 2>&1 || { cat "$d/ctl.log" >&2; exit 70; } ;;
  run)
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || { echo "usage: $0 run -- CMD ARGS…" >&2; exit 64; }
    exports="$(start)"
    eval "$exports"
    trap 'stop "$TLD_TEST_PG_DIR"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    echo "pg-test-cluster: PostgreSQL for the tests at $TLD_TEST_POSTGRES_URL" >&2
    set +e
    "$@"
    status=$?
    set -e
    exit $status
    ;;
  *) echo "usage: $0 run -- CMD… | start | url [DIR] | stop [DIR] | crash [DIR] | restart [DIR]" >&2; exit 64 ;;
esac
