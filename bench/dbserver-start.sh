#!/usr/bin/env bash
# Start of the built distribution as shipped (its own PostgreSQL): the first start (with initdb) and a later start
# of the same copy, to GET /api/v1/health 200; then the JVM's RSS and the PostgreSQL processes' memory (PSS: their
# shared buffers counted once), 10 s after ready. N copies, one after the other.
#
#   bench/dbserver-start.sh [runs=3]        (after `mvn install -DskipTests` or `verify` of karaf-assembly)
#
# Root: the server runs as the system user telehub (./telehub run creates it), so the copies live in a
# directory that user can enter. Loopback only, bounded: every wait times out; only processes it started are
# stopped (SIGTERM to the JVM, which stops its PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
DIST=${DIST:-karaf-assembly/target/telehub-distribution-0.1.0-SNAPSHOT.tar.gz}   # DIST=other.tar.gz compares builds
[ -f "$DIST" ] || { echo "build first: mvn install -DskipTests" >&2; exit 1; }
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
WORK=$(mktemp -d /tmp/telehub-bench.XXXXXX); chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }

prepare() { # dir
  local dir=$1
  mkdir -p "$dir"; tar xzf "$DIST" -C "$dir" --strip-components=1
  HTTP=$(free_port)
  sed -i "s/^sshPort *= *8101/sshPort = $(free_port)/" "$dir/etc/org.apache.karaf.shell.cfg"
  sed -i "s/^rmiRegistryPort *= *1099/rmiRegistryPort = $(free_port)/; s/^rmiServerPort *= *44444/rmiServerPort = $(free_port)/" \
    "$dir/etc/org.apache.karaf.management.cfg"
  sed -i "s/org.osgi.service.http.port = 8181/org.osgi.service.http.port = $HTTP/" "$dir/etc/org.ops4j.pax.web.cfg"
  local mq; mq=$(free_port)
  sed -i "s#tcp://127.0.0.1:61616#tcp://127.0.0.1:$mq#" "$dir/etc/artemis.xml" "$dir/etc/org.telehub.messaging.cfg"
  sed -i "s/^port = 5438/port = $(free_port)/" "$dir/etc/org.telehub.dbserver.cfg"
}

pg_pss() { # data dir -> MB of PSS over every process working in it
  local data kb=0 p
  data=$(readlink -f "$1")
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/cwd" 2>/dev/null)" = "$data" ] || continue
    kb=$((kb + $(awk '/^Pss:/ {print $2}' "$p/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo $((kb / 1024))
}

start_once() { # dir -> prints "ready rss pss"
  local dir=$1 t0 pid ready=""
  t0=$(now)
  (cd "$dir" && KARAF_EXEC=exec exec bin/karaf server >>"$dir/console.out" 2>&1) &
  pid=$!
  for _ in $(seq 1 3000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/api/v1/health")" = 200 ] && { ready=$(elapsed "$t0"); break; }
    sleep 0.1
  done
  sleep 10
  local rss; rss=$(awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$pid/status")
  local pss; pss=$(pg_pss "$dir/data/telehub/postgres")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # the dbserver's own share: initdb or pg_ctl start, role and database, pool (its log line of this start)
  local own; own=$(grep -o "PostgreSQL [0-9]* is up on .* in [0-9]* ms" "$dir/data/log/karaf.log" | tail -1 | awk '{print $(NF-1)}')
  echo "${ready:-NA} $rss $pss ${own:-NA}"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

: > "$WORK/first.txt"; : > "$WORK/later.txt"
for i in $(seq 1 "$RUNS"); do
  prepare "$WORK/hub-$i"
  start_once "$WORK/hub-$i" | tee -a "$WORK/first.txt" | sed "s/^/run $i first start: ready rss pss server-ms = /" >&2
  start_once "$WORK/hub-$i" | tee -a "$WORK/later.txt" | sed "s/^/run $i later start: ready rss pss server-ms = /" >&2
  rm -rf "$WORK/hub-$i"
done
col() { cut -d' ' -f"$2" "$WORK/$1.txt" | median; }
cat <<MD
| median of $RUNS ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)) | first start (initdb) | later start |
|---|---|---|
| launch → /api/v1/health 200 (s) | $(col first 1) | $(col later 1) |
| JVM RSS 10 s after ready (MB) | $(col first 2) | $(col later 2) |
| PostgreSQL processes, PSS (MB) | $(col first 3) | $(col later 3) |
| of which the database server's start (initdb / pg_ctl start, role, pool) (ms) | $(col first 4) | $(col later 4) |
MD
