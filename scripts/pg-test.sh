#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the store tests (Debian's `postgresql` package).
#
#   eval "$(bash scripts/pg-test.sh start)"   # installs the package if needed, starts a cluster
#   cargo test --workspace --test postgres -- --include-ignored
#   bash scripts/pg-test.sh stop "$OPENAPI_TOOLS_TEST_PG_DIR"
#
# `start` prints `export` lines:
#   OPENAPI_TOOLS_TEST_PG      postgres://postgres@127.0.0.1:PORT/postgres (trust auth, loopback)
#   OPENAPI_TOOLS_TEST_PG_CTL  a script taking `stop` or `start`: the fault tests stop the server
#                              for a while and bring it back
#   OPENAPI_TOOLS_TEST_PG_DIR  the cluster's directory (removed by `stop`)
# The cluster runs as the `postgres` user (initdb refuses root), listens on 127.0.0.1 on a
# free port, with fsync off: it is thrown away after the run.
set -euo pipefail

cmd=${1:-start}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "installing postgresql (Debian package)" >&2
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends postgresql >&2
    else
      sudo apt-get update -qq >&2 && sudo apt-get install -y -qq --no-install-recommends postgresql >&2
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

case "$cmd" in
  start)
    bin=$(pg_bin)
    dir=$(mktemp -d /tmp/openapi-tools-pg.XXXXXX)
    chmod 755 "$dir"
    chown postgres: "$dir" 2>/dev/null || true
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >"$dir/ctl.sh" <<CTL
#!/usr/bin/env bash
# stop | start the test cluster in $dir
set -euo pipefail
run() { if [ "\$(id -un)" = postgres ]; then "\$@"; else runuser -u postgres -- "\$@"; fi; }
case "\$1" in
  stop) run "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  start) run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
           -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
CTL
    chmod 755 "$dir/ctl.sh"
    "$dir/ctl.sh" start
    echo "export OPENAPI_TOOLS_TEST_PG=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export OPENAPI_TOOLS_TEST_PG_CTL=$dir/ctl.sh"
    echo "export OPENAPI_TOOLS_TEST_PG_DIR=$dir"
    ;;
  stop)
    dir=${2:-${OPENAPI_TOOLS_TEST_PG_DIR:-}}
    [ -n "$dir" ] && [ -d "$dir" ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
    "$dir/ctl.sh" stop 2>/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
