#!/usr/bin/env bash
# Issue 16's panel benchmark: the doctor's patient panel with three mapped systems (HAPI FHIR, Orthanc over DICOMweb,
# an EHR that accepts and never answers), in Debian's chromium over the hub's HTTPS on 127.0.0.1. Interleaved rounds
# in one browser session: the panel's first answer on screen beside the same request for the fastest system alone.
#   bench/panel.sh [rounds=15]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-15}
command -v chromium >/dev/null || { echo "needs chromium (./telehub test installs it)" >&2; exit 1; }
PGDIR=$(mktemp -d /tmp/telehub-bench-pg.XXXXXX)
trap 'scripts/pg-throwaway.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT
port=$(scripts/pg-throwaway.sh start "$PGDIR")
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -pl itests verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WebIT \
  -Dtelehub.web.specs=panel -Dbench.panel.rounds="$ROUNDS" \
  -Dtelehub.test.pg.url="jdbc:postgresql://127.0.0.1:$port/postgres" -Dtelehub.test.pg.user=postgres \
  >/tmp/telehub-panel-bench.log 2>&1 || { tail -40 /tmp/telehub-panel-bench.log; exit 1; }
cat itests/target/panel-benchmark.md
