#!/usr/bin/env bash
# Issue 19's benchmark: the directory's doctor search over 10,000 doctors and 100,000 reviews with combined filters,
# the formulary's prefix search over 20,000 medicines and ICD-10 search over 72,000 codes (synthetic: imported
# through the real import path, its throughput reported), on a throwaway PostgreSQL 15 (loopback), one query at a
# time. Beside each, in the same run, the same filters matched by an unindexed ILIKE scan (the ratio is what the
# full-text index buys).
#   bench/directory.sh [queries=400]
set -euo pipefail
cd "$(dirname "$0")/.."
QUERIES=${1:-400}
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(PG_DURABLE=1 scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -o -q install -pl bundles/directory -am -DskipTests
mvn -B -ntp -o -pl bundles/directory test -Dtest=DirectoryBenchmark -Dbench.directory=true -Dbench.queries="$QUERIES" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres \
  >/tmp/telehub-directory-bench.log 2>&1 || { tail -40 /tmp/telehub-directory-bench.log; exit 1; }
cat bundles/directory/target/directory-benchmark.md
