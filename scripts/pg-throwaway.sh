#!/usr/bin/env bash
# A throwaway PostgreSQL for tests: its own data dir, 127.0.0.1 only, a free port, gone after `stop`.
# usage: scripts/pg-throwaway.sh start DIR   -> prints the port
#        scripts/pg-throwaway.sh stop DIR
# PostgreSQL refuses to run as root, so as root the server runs as the 'postgres' user of Debian's package.
# fsync is off (tests kill the hub, never the machine); PG_DURABLE=1 keeps PostgreSQL's durable defaults, as the hub's
# own server ships them, for benchmarks.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?data dir}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/pg_ctl" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    rm -rf "$dir"; mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
      || shuf -i 20000-60000 -n 1)
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $([ "${PG_DURABLE:-0}" = 1 ] || echo "-c fsync=off") -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" > "$dir/port"; echo "$port" ;;
  stop)
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
