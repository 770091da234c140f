#!/usr/bin/env bash
# Issue 17's chat benchmark: SOCKETS WebSocket clients (a patient's and a doctor's per visit) on one hub, or on two
# nodes sharing one database and one broker (NODES=2), at rate steps of messages/s; send → receive at the other member
# (p50/p99/max), lost, duplicated, out of order; beside a raw Artemis topic round trip at the top rate, same broker,
# same run. PostgreSQL with its durable defaults. Loopback only; bounded (steps × seconds).
#   bench/chat.sh [sockets=1000] [rates=500,1000,2000] [seconds=20] [nodes=1]
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-1000}; R=${2:-500,1000,2000}; T=${3:-20}; NODES=${4:-1}
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "needs postgresql" >&2; exit 1; }
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(PG_DURABLE=1 scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -o verify -pl itests -am -DskipTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ChatBenchmark -Dbench.chat.sockets="$S" -Dbench.chat.rates="$R" -Dbench.chat.seconds="$T" \
  -Dbench.chat.nodes="$NODES" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres >/tmp/telehub-bench-chat.log 2>&1 \
  || { tail -40 /tmp/telehub-bench-chat.log; exit 1; }
cat "itests/target/instances/chat-benchmark-$NODES.md"
