#!/usr/bin/env bash
# Issue 5's benchmark: Observation creates/s through the adapter's FHIR client vs HAPI's generic client, same HAPI
# FHIR JPA server, sequential and 8 threads; SMART token acquisition against Keycloak. Loopback only.
#   bench/fhir.sh [creates=400]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-400}
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -f bench/fhir/pom.xml test -Dtest=FhirBenchmark -Dbench.creates="$N" >/tmp/telehub-fhir-bench.log 2>&1 \
  || { tail -40 /tmp/telehub-fhir-bench.log; exit 1; }
cat bench/fhir/target/bench/fhir-benchmark.md
