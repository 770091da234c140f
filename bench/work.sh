#!/usr/bin/env bash
# Issue 13's work-service benchmark: N items through a handler that does nothing (submitted in transactions of BATCH
# from 4 clients), beside a raw Artemis durable send+receive of N messages in transactions of BATCH, same broker,
# same run, on PostgreSQL with its durable defaults. Loopback only; bounded (N items).
#   bench/work.sh [items=4000] [batch=50]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4000}; B=${2:-50}
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "needs postgresql" >&2; exit 1; }
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(PG_DURABLE=1 scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -o verify -pl itests -am -DskipTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=WorkBenchmark -Dbench.work.items="$N" -Dbench.work.batch="$B" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres >/tmp/telehub-bench-work.log 2>&1 \
  || { tail -40 /tmp/telehub-bench-work.log; exit 1; }
cat itests/target/instances/work-benchmark.md
