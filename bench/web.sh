#!/usr/bin/env bash
# Issue 16's benchmark: the web app's first load (cold cache) beside the repeat visit, in Debian's chromium over the
# hub's HTTPS on 127.0.0.1, phone viewport, interleaved rounds: time to interactive and bytes on the wire.
#   bench/web.sh [rounds=9]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-9}
command -v chromium >/dev/null || { echo "needs chromium (./telehub test installs it)" >&2; exit 1; }
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -pl itests verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WebBenchmark \
  -Dbench.rounds="$ROUNDS" -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" \
  -Dtelehub.test.pg.user=postgres >/tmp/telehub-web-bench.log 2>&1 \
  || { tail -40 /tmp/telehub-web-bench.log; exit 1; }
cat itests/target/instances/web-benchmark.md
