#!/usr/bin/env bash
# Issue 21's benchmark: ADT A04s over 16 MLLP connections to the hub (stored in PostgreSQL with their work item
# before AA) beside HAPI HL7 v2's own MLLP server storing nothing, same run, interleaved rounds; then the hub's
# processing rate. Loopback only.
#   bench/hl7.sh [rounds=3] [seconds=10] [connections=16]
set -euo pipefail
cd "$(dirname "$0")/.."
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -pl itests verify -Dit.test=Hl7Benchmark -Dbench.rounds="${1:-3}" -Dbench.hl7.seconds="${2:-10}" \
  -Dbench.hl7.connections="${3:-16}" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres \
  >/tmp/telehub-hl7-bench.log 2>&1 \
  || { tail -40 /tmp/telehub-hl7-bench.log; exit 1; }
cat itests/target/instances/hl7-benchmark.md
