#!/usr/bin/env bash
# Issue 3's benchmark (deliveries on the work service since issue 13): hot-install latency, all-systems overhead,
# durable deliveries/s on PostgreSQL with its durable defaults beside raw durable Artemis send+receive on the same
# broker. Builds offline from this checkout (verify, nothing installed). Loopback only; bounded (DELIVERIES results).
#   bench/integration.sh [deliveries=2000]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "needs postgresql" >&2; exit 1; }
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(PG_DURABLE=1 scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -o verify -pl itests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=IntegrationBenchmark -Dbench.deliveries="$N" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres >/tmp/telehub-bench.log 2>&1 \
  || { tail -40 /tmp/telehub-bench.log; exit 1; }
cat itests/target/instances/integration-benchmark.md
