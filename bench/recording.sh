#!/usr/bin/env bash
# Issue 18's recording benchmark: how many visits one node records at once, and the CPU per recorded minute. The media
# engine runs as the hub runs it (a child JVM, an ffmpeg per recording); the callers, two per visit, are webrtc-java
# peers in the benchmark's own JVM (another process). Beside it, in the same run, ffmpeg alone encoding the same audio.
#   bench/recording.sh [seconds=60] [counts=1,10,20,30,40]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_ROUND=${1:-60}
COUNTS=${2:-1,10,20,30,40}
command -v ffmpeg >/dev/null || { echo "needs ffmpeg (./telehub test installs it)" >&2; exit 1; }
mvn -B -ntp -q install -pl media-engine -am -DskipTests
mvn -B -ntp -pl media-engine test -Dtest=RecordingBenchmark -Dbench.recording=true -Dbench.seconds="$SECONDS_PER_ROUND" \
  -Dbench.sessions="$COUNTS" >/tmp/telehub-recording-bench.log 2>&1 || { tail -40 /tmp/telehub-recording-bench.log; exit 1; }
cat media-engine/target/recording-benchmark.md
