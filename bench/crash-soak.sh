#!/usr/bin/env bash
# Issue 12's crash soak: CrashIT with N kill -9 cycles (default 20) instead of CI's 3. Bookings, send-results
# deliveries, webhooks and reminders under load, the JVM killed with SIGKILL mid-way each cycle, restarted, and
# everything acknowledged checked; then a clean stop and start. On a throwaway PostgreSQL; loopback only; each
# cycle's load is bounded (3-6 s, at most 60 s).
#   bench/crash-soak.sh [cycles=20]          (MVN_ARGS=-o to build offline)
# Prints the per-cycle table for docs/benchmarks.md (also in itests/target/instances/crash-N.md).
set -euo pipefail
cd "$(dirname "$0")/.."
CYCLES=${1:-20}
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp ${MVN_ARGS:-} verify -pl itests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CrashIT \
  -Dtelehub.crash.cycles="$CYCLES" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres \
  >/tmp/telehub-bench-crash.log 2>&1 || { tail -60 /tmp/telehub-bench-crash.log; exit 1; }
cat "itests/target/instances/crash-$CYCLES.md"
