#!/usr/bin/env bash
# Issue 18's benchmark: a patient's "Join the visit" → the first frame of the doctor's picture, through the hub, beside
# a loopback pair of peer connections in the same browser (the floor: same fake camera, no hub, no network), in
# Debian's chromium over the hub's HTTPS on 127.0.0.1, interleaved rounds.
#   bench/video.sh [rounds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-10}
command -v chromium >/dev/null || { echo "needs chromium (./telehub test installs it)" >&2; exit 1; }
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -pl itests verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=VideoBenchmark \
  -Dbench.rounds="$ROUNDS" -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" \
  -Dtelehub.test.pg.user=postgres >/tmp/telehub-video-bench.log 2>&1 \
  || { tail -40 /tmp/telehub-video-bench.log; exit 1; }
cat itests/target/instances/video-benchmark.md
