#!/usr/bin/env bash
# Issue 6's benchmark: concurrent bookings through POST /api/v1/encounters on PostgreSQL, zero double-booked
# slots checked through the API afterwards, and pgbench running the same booking transaction in SQL on the same
# PostgreSQL as the database's ceiling. Loopback only; bounded (SECONDS of booking).
#   bench/booking.sh [seconds=60] [clients=32]
#   BENCH_JFR=/tmp/booking.jfr bench/booking.sh   also records a JFR profile of the hub over the timed phase
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-60}
CLIENTS=${2:-32}
command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "needs postgresql" >&2; exit 1; }
command -v pgbench >/dev/null || ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || { echo "needs pgbench" >&2; exit 1; }
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
# the hub's shipped durability (fsync, synchronous_commit, full_page_writes on), for the hub and pgbench alike
port=$(PG_DURABLE=1 scripts/pg-throwaway.sh start "$PGDIR")
# offline, this worktree's reactor only (verify, never install: worktrees share ~/.m2)
mvn -B -ntp -o -pl itests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BookingBenchmark -Dbench.seconds="$SECONDS_" -Dbench.clients="$CLIENTS" -Dbench.jfr="${BENCH_JFR:-}" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres \
  >/tmp/telehub-bench-booking.log 2>&1 || { tail -40 /tmp/telehub-bench-booking.log; exit 1; }
cat itests/target/instances/booking-benchmark.md
