#!/usr/bin/env bash
# Issue 20's benchmark: a two-page report rendered (PDFBox, Noto fonts, Persian shaped by the JDK's layout) and
# rendered + signed (PAdES B-B, the clinic CA's EC P-256 key), in English and in Persian, one at a time (median,
# p95), then reports a second with one thread per core. Reference in the same run: PDFBox's own showText drawing the
# same English lines with the same fonts (no bidi, no shaping).
#   bench/reports.sh [count=200] [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -o -q install -pl bundles/reporting -am -DskipTests
mvn -B -ntp -o -pl bundles/reporting test -Dtest=ReportBenchmark -Dbench.reports=true \
  -Dbench.reports.count="${1:-200}" -Dbench.reports.seconds="${2:-20}" \
  >/tmp/telehub-reports-bench.log 2>&1 || { tail -40 /tmp/telehub-reports-bench.log; exit 1; }
cat bundles/reporting/target/report-benchmark.md
