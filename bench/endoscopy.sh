#!/usr/bin/env bash
# Issue 22's benchmark: VL Endoscopic images from DCMTK storescu to DCMTK storescp vs to the hub's storage SCP,
# interleaved rounds; then the worklist read through the hub vs findscu -W. Loopback only.
#   bench/endoscopy.sh [rounds=9]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-9}
for c in storescu storescp wlmscpfs gcc; do command -v "$c" >/dev/null || { echo "needs dcmtk, gcc (./telehub test installs them)" >&2; exit 1; }; done
# the hub under test keeps its data in a throwaway PostgreSQL, like every in-container test
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -pl itests verify -Dit.test=EndoscopyBenchmark -Dbench.rounds="$ROUNDS" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres \
  >/tmp/telehub-endoscopy-bench.log 2>&1 \
  || { tail -40 /tmp/telehub-endoscopy-bench.log; exit 1; }
cat itests/target/instances/endoscopy-benchmark.md
