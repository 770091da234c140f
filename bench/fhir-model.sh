#!/usr/bin/env bash
# What HAPI FHIR's R4 model + JSON parser + validator (8.8.0) would cost the running hub as ONE private bundle
# (bench/fhir-model: every HAPI jar embedded on its Bundle-ClassPath, nothing exported, activator times the work).
#
#   bench/fhir-model.sh [rounds=3]        (after `mvn install -DskipTests` of the distribution)
#
# Each round starts three fresh copies of the built distribution (its own PostgreSQL, all ports moved to free
# loopback ports), alternating:
#   without   the distribution as built; after the RSS reading the bundle is dropped into deploy/ (mode=full) and
#             its timings are taken on the idle hub ("installed right after start")
#   model     the bundle in deploy/ at boot, mode=model: FhirContext.forR4() + parse/encode only
#   validate  the bundle in deploy/ at boot, mode=validate: + FhirInstanceValidator's first validations
# Measured like bench/coldstart.sh: launch -> GET /api/v1/health 200, VmRSS 10 s after that; plus the probe's own
# lines (data/fhir-probe.txt). Prints the raw lines and a Markdown table of medians. Bounded waits; only the JVMs it
# started are stopped (SIGTERM, which stops their PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}   # KINDS="model" runs only some of the three
DIST=${DIST:-karaf-assembly/target/telehub-distribution-0.1.0-SNAPSHOT.tar.gz}
[ -f "$DIST" ] || { echo "build first: mvn install -DskipTests" >&2; exit 1; }
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
PROBE=${PROBE:-}   # PROBE=path/to/bundle.jar skips the build
if [ -z "$PROBE" ]; then
  (cd bench/fhir-model && { mvn -o -q -B package || mvn -q -B package; }) >&2
  PROBE=bench/fhir-model/target/fhir-model-probe-1.jar
fi
PROBE=$(readlink -f "$PROBE")
WORK=$(mktemp -d /tmp/telehub-fhirmodel.XXXXXX); chmod 755 "$WORK"   # the hub's PostgreSQL runs as user telehub
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 3; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "NA"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
range() { sort -n | awk 'NR==1{lo=$1} {hi=$1} END {print lo "–" hi}'; }
rss_of() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
probe_val() { sed -n "s/^$2=//p" "$1/data/fhir-probe.txt" 2>/dev/null | head -1; }
wait_probe() { # dir seconds
  for _ in $(seq 1 $(($2 * 2))); do [ -f "$1/data/fhir-probe.txt" ] && return 0; sleep 0.5; done; return 1
}

prepare() { # dir
  local dir=$1
  mkdir -p "$dir"; tar xzf "$DIST" -C "$dir" --strip-components=1
  HTTP=$(free_port)
  sed -i "s/^sshPort *= *8101/sshPort = $(free_port)/" "$dir/etc/org.apache.karaf.shell.cfg"
  sed -i "s/^rmiRegistryPort *= *1099/rmiRegistryPort = $(free_port)/; s/^rmiServerPort *= *44444/rmiServerPort = $(free_port)/" \
    "$dir/etc/org.apache.karaf.management.cfg"
  sed -i "s/org.osgi.service.http.port = 8181/org.osgi.service.http.port = $HTTP/" "$dir/etc/org.ops4j.pax.web.cfg"
  local mq; mq=$(free_port)
  sed -i "s#tcp://127.0.0.1:61616#tcp://127.0.0.1:$mq#" "$dir/etc/artemis.xml" "$dir/etc/org.telehub.messaging.cfg"
  sed -i "s/^port = 5438/port = $(free_port)/" "$dir/etc/org.telehub.dbserver.cfg"
}

run_once() { # kind i -> one line: kind ready rss load probe-fields...
  local kind=$1 dir=$WORK/$1-$2 t0 pid ready="" rss load extra=""
  prepare "$dir"
  if [ "$kind" != without ]; then echo "mode=$kind" > "$dir/etc/fhir-probe.properties"; cp "$PROBE" "$dir/deploy/"; fi
  t0=$(now); local t0ms; t0ms=$(date +%s%3N)
  (cd "$dir" && KARAF_EXEC=exec exec bin/karaf server >"$dir/console.out" 2>&1) &
  pid=$!; PIDS+=("$pid")
  for _ in $(seq 1 1800); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/api/v1/health")" = 200 ] && { ready=$(elapsed "$t0"); break; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 10
  rss=$(rss_of "$pid"); load=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$kind" = without ]; then
    # installed right after start, on the idle hub: the per-operation timings
    echo "mode=full" > "$dir/etc/fhir-probe.properties"; local ti; ti=$(date +%s%3N); cp "$PROBE" "$dir/deploy/"
    if wait_probe "$dir" 300; then
      extra="install_to_done_s=$(awk -v a="$(probe_val "$dir" t_done_epoch_ms)" -v b="$ti" 'BEGIN{printf "%.1f",(a-b)/1000}') rss_after_install=$(rss_of "$pid")"
    else extra="probe=TIMEOUT"; fi
  else
    if wait_probe "$dir" 300; then
      extra="probe_done_after_launch_s=$(awk -v a="$(probe_val "$dir" t_done_epoch_ms)" -v b="$t0ms" 'BEGIN{printf "%.1f",(a-b)/1000}') rss_after_probe=$(rss_of "$pid")"
    else extra="probe=TIMEOUT"; fi
  fi
  [ -f "$dir/data/fhir-probe.txt" ] && extra="$extra $(grep -v '^t_' "$dir/data/fhir-probe.txt" | tr ' ' '_' | tr '\n' ' ')"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do pgrep -f "$dir/" >/dev/null || break; sleep 0.5; done   # its PostgreSQL stops with it
  cp "$dir/console.out" "$WORK/../fhir-model-$kind-$2.console.out" 2>/dev/null || true
  rm -rf "$dir"
  echo "$kind ready=${ready:-NA} rss=$rss load=$load $extra"
}

RAW=$WORK/raw.txt; : > "$RAW"
echo "probe bundle: $(stat -c %s "$PROBE") bytes, $(unzip -l "$PROBE" 'lib/*.jar' | tail -1 | awk '{print $1}') bytes of $(unzip -l "$PROBE" 'lib/*.jar' | tail -1 | awk '{print $2}') embedded jars" >&2
for i in $(seq 1 "$ROUNDS"); do
  for kind in ${KINDS:-without model validate}; do
    run_once "$kind" "$i" | tee -a "$RAW" >&2
  done
done

# a run that never answered 200 (ready=NA) is left out of every median
field() { grep "^$1 " "$RAW" | grep -v " ready=NA " | grep -o " $2=[^ ]*" | cut -d= -f2 | grep -v NA || true; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b+0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
ra=$(field without ready | median); rb=$(field model ready | median); rc=$(field validate ready | median)
ma=$(field without rss | median); mb=$(field model rss | median); mc=$(field validate rss | median)
cat <<MD
| median of $ROUNDS rounds ($(nproc) cores, $(java -version 2>&1 | head -1 | cut -d'"' -f2), load $(field without load | range)) | without | + HAPI bundle, model | ratio | + HAPI bundle, validator | ratio |
|---|---|---|---|---|---|
| launch → /api/v1/health 200 (s) | $ra ($(field without ready | range)) | $rb ($(field model ready | range)) | $(ratio "$rb" "$ra") | $rc ($(field validate ready | range)) | $(ratio "$rc" "$ra") |
| RSS 10 s after ready (MB) | $ma ($(field without rss | range)) | $mb ($(field model rss | range)) | $(ratio "$mb" "$ma") | $mc ($(field validate rss | range)) | $(ratio "$mc" "$ma") |
| RSS when the probe is done (MB) | $(field without rss_after_install | median) (installed after start) | $(field model rss_after_probe | median) | | $(field validate rss_after_probe | median) | |
MD
echo
echo "per operation, bundle installed after start (median of $ROUNDS):"
for k in fhircontext_forR4_ms first_parse_encode_observation_ms first_parse_encode_diagnosticreport_ms \
         warm_parse_encode_observation_us warm_parse_encode_diagnosticreport_us validator_setup_ms first_validation_ms \
         first_validation_diagnosticreport_ms warm_validations_per_s_observation warm_validations_per_s_diagnosticreport \
         rss_mb_before rss_mb_after_first_validation heap_used_mb_after_first_validation heap_used_mb_after_gc install_to_done_s; do
  echo "  $k: $(field without "$k" | median) ($(field without "$k" | range)); at boot: model $(field model "$k" | median), validate $(field validate "$k" | median)"
done
