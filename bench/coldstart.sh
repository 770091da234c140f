#!/usr/bin/env bash
# Cold start of the built Telehub distribution beside a plain Apache Karaf 4.4.10, started the same way
# (bin/karaf server, same JDK, same heap flags), each from a fresh unpack, N times each, alternating.
#
#   bench/coldstart.sh [runs=5]        (after `mvn install -DskipTests`)
#
# Measured per run:
#   shell   seconds from launch until the SSH shell port accepts connections (both distributions)
#   ready   Telehub: seconds until GET /api/v1/health answers 200 (database and broker UP)
#   rss     resident memory of the JVM (VmRSS) 10 s after ready, in MB
# Prints a Markdown table of medians for docs/benchmarks.md. Loopback only, bounded: every wait times out.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
ONLY=${ONLY:-}   # ONLY=telehub skips plain Karaf (for quick experiments; the table then has no ratio)
SETENV=karaf-assembly/src/main/resources/assembly/bin/setenv
default() { sed -n "s/.*$1:-\([^}]*\)}.*/\1/p" "$SETENV" | head -1; }
MIN_MEM=${JAVA_MIN_MEM:-$(default JAVA_MIN_MEM)}
MAX_MEM=${JAVA_MAX_MEM:-$(default JAVA_MAX_MEM)}
# the heap as flags: Karaf 4.4's scripts ignore JAVA_MIN_MEM/JAVA_MAX_MEM (plain Karaf would run unbounded)
EXTRA_OPTS="-Xms$MIN_MEM -Xmx$MAX_MEM ${EXTRA_JAVA_OPTS:-$(default EXTRA_JAVA_OPTS)}"
echo "JVM: $EXTRA_OPTS" >&2
KARAF_VERSION=4.4.10
DIST=karaf-assembly/target/telehub-distribution-0.1.0-SNAPSHOT.tar.gz
PLAIN=$HOME/.m2/repository/org/apache/karaf/apache-karaf/$KARAF_VERSION/apache-karaf-$KARAF_VERSION.tar.gz
[ -f "$DIST" ] || { echo "build first: mvn install -DskipTests" >&2; exit 1; }
[ -f "$PLAIN" ] || mvn -q -B dependency:get -Dartifact=org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz -Dtransitive=false
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
WORK=$(mktemp -d /tmp/telehub-bench.XXXXXX)
trap 'pkill -f "karaf.base=$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
port_open() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

# unpack, move every port off its default so a running hub on this machine is not disturbed
prepare() { # kind dir
  local kind=$1 dir=$2
  mkdir -p "$dir"; tar xzf "$([ "$kind" = telehub ] && echo "$DIST" || echo "$PLAIN")" -C "$dir" --strip-components=1
  SSH=$(free_port); HTTP=$(free_port)
  sed -i "s/^sshPort *= *8101/sshPort = $SSH/" "$dir/etc/org.apache.karaf.shell.cfg"
  sed -i "s/^rmiRegistryPort *= *1099/rmiRegistryPort = $(free_port)/; s/^rmiServerPort *= *44444/rmiServerPort = $(free_port)/" \
    "$dir/etc/org.apache.karaf.management.cfg"
  if [ "$kind" = telehub ]; then
    local mq; mq=$(free_port)
    sed -i "s/org.osgi.service.http.port = 8181/org.osgi.service.http.port = $HTTP/" "$dir/etc/org.ops4j.pax.web.cfg"
    sed -i "s#tcp://127.0.0.1:61616#tcp://127.0.0.1:$mq#" "$dir/etc/artemis.xml" "$dir/etc/org.telehub.messaging.cfg"
  fi
}

run_once() { # kind i -> prints "shell ready rss"
  local kind=$1 dir=$WORK/$1-$2
  prepare "$kind" "$dir"
  local t0 pid shell="" ready=""
  t0=$(now)
  # identical JVM settings for both: Telehub's shipped defaults (karaf-assembly/.../bin/setenv), overridable
  (cd "$dir" && EXTRA_JAVA_OPTS="$EXTRA_OPTS" KARAF_EXEC=exec \
    exec bin/karaf server >"$dir/console.out" 2>&1) &
  pid=$!
  for _ in $(seq 1 1200); do
    [ -z "$shell" ] && port_open "$SSH" && shell=$(elapsed "$t0")
    if [ "$kind" = telehub ]; then
      [ -z "$ready" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/api/v1/health")" = 200 ] \
        && ready=$(elapsed "$t0")
      [ -n "$shell" ] && [ -n "$ready" ] && break
    else
      [ -n "$shell" ] && break
    fi
    sleep 0.1
  done
  sleep 10
  local rss; rss=$(awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "${shell:-NA} ${ready:-NA} $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

: > "$WORK/telehub.txt"; : > "$WORK/karaf.txt"
for i in $(seq 1 "$RUNS"); do
  [ "$ONLY" = telehub ] || run_once karaf "$i" | tee -a "$WORK/karaf.txt" | sed "s/^/karaf   run $i: shell ready rss = /" >&2
  run_once telehub "$i" | tee -a "$WORK/telehub.txt" | sed "s/^/telehub run $i: shell ready rss = /" >&2
done

[ "$ONLY" = telehub ] && { cat "$WORK/telehub.txt"; exit 0; }
ks=$(cut -d' ' -f1 "$WORK/karaf.txt" | median); kr=$(cut -d' ' -f3 "$WORK/karaf.txt" | median)
ts=$(cut -d' ' -f1 "$WORK/telehub.txt" | median); tr=$(cut -d' ' -f2 "$WORK/telehub.txt" | median)
tm=$(cut -d' ' -f3 "$WORK/telehub.txt" | median)
cat <<MD
| median of $RUNS cold starts ($(nproc) cores, $(java -version 2>&1 | head -1 | cut -d'"' -f2)) | plain Karaf $KARAF_VERSION | Telehub | ratio |
|---|---|---|---|
| launch → SSH shell port open (s) | $ks | $ts | $(ratio "$ts" "$ks") |
| launch → /api/v1/health 200 (s) | n/a | $tr | |
| RSS 10 s after ready (MB) | $kr | $tm | $(ratio "$tm" "$kr") |
MD
