#!/usr/bin/env bash
# Issue 4's benchmark: DCMTK storescu vs the PACS adapter's store (also with storage commitment) vs the hub's REST upload, same generated files
# (204 instances by default), same Orthanc (TCP_NODELAY=1), interleaved rounds; then C-FIND latency. Loopback only.
#   bench/pacs.sh [rounds=9]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-9}
for c in /usr/sbin/Orthanc storescu gcc; do command -v "$c" >/dev/null || { echo "needs orthanc, dcmtk, gcc (./telehub test installs them)" >&2; exit 1; }; done
# the hub under test keeps its data in a throwaway PostgreSQL, like every in-container test
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -pl itests verify -Dit.test=PacsBenchmark -Dbench.rounds="$ROUNDS" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres \
  >/tmp/telehub-pacs-bench.log 2>&1 \
  || { tail -40 /tmp/telehub-pacs-bench.log; exit 1; }
cat itests/target/instances/pacs-benchmark.md
