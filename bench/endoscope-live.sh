#!/usr/bin/env bash
# Issue 22's live-video benchmark: an endoscopy suite's RTSP stream (ffmpeg publishing testsrc2 with its frame number
# burned in, through Debian's rtsp-server-perl) shown in a visit, read back in Debian's chromium from the picture the
# doctor's page presents; beside it, in the same seconds, ffmpeg reading the same stream straight from the relay.
# Delay behind the source, frames a second, and the media engine's CPU against the reference reader's.
#   bench/endoscope-live.sh [seconds=30]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_MEASURED=${1:-30}
command -v chromium >/dev/null && command -v rtsp-server-perl >/dev/null \
  || { echo "needs chromium and rtsp-server-perl (./telehub test installs them)" >&2; exit 1; }
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -pl itests verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WebIT \
  -Dtelehub.web.specs=endoscope -Dbench.scope.seconds="$SECONDS_MEASURED" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres \
  >/tmp/telehub-endoscope-bench.log 2>&1 || { tail -40 /tmp/telehub-endoscope-bench.log; exit 1; }
cat itests/target/web-test-results/endoscope-benchmark.md
