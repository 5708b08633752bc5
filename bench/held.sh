#!/usr/bin/env bash
# Heap cost of requests held at zero: N concurrent requests (default 10,000) held by the gateway for
# a revision with no ready instance, each on its own keep-alive HTTP/1.1 connection.
#
# Runs `pilotlight local` with a Service at zero (initial-scale 0, min-scale 0, max-scale 1) whose
# container waits for a file before exec'ing the sample app, so its instance cannot become ready
# until released. Then:
#   1. idle: full GC (jcmd GC.run), heap used (jstat: survivors + eden + old), class histogram
#   2. opens N connections with one GET each (bench/HeldClient.java, one thread, NIO) and waits until
#      the admin endpoint's /status reports all N held
#   3. held: full GC, heap used, class histogram; prints the difference (the cost of the held
#      requests), bytes per request, and the classes that grew most
#   4. releases the instance (creates the file) and waits for every response: count of 200s and
#      non-200s
# Also prints the process RSS idle and held (off-heap buffers and thread stacks are not in the heap).
# Usage: bench/held.sh [N] (default 10000). Ports: GW_PORT, ADMIN_PORT. BENCH_JAVA_OPTS adds JVM
# options to the gateway; BENCH_KEEP=DIR keeps the work directory (logs, histograms) in DIR.
# The revision's containerConcurrency (CC, default 1000) bounds the gateway's connections to the
# instance once released. Raises the open-file limit to N+CC+2048 (the client holds N sockets, the
# gateway N+CC): fails with a message when the hard limit is lower.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-10000}"
CC="${CC:-1000}"
GW_PORT="${GW_PORT:-18394}"
ADMIN_PORT="${ADMIN_PORT:-18395}"
GOAL_MIB=50
HOST="held.default.localhost"
REV="held-00001"
WORK="$(mktemp -d)"

want=$((N + CC + 2048))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  echo "open-file limit $(ulimit -n) (hard $(ulimit -Hn)) is below $want: raise it or use a smaller N" >&2
  exit 1
fi
for tool in jcmd jstat java curl; do
  command -v "$tool" >/dev/null || { echo "$tool not found (needs a JDK and curl)" >&2; exit 1; }
done

PIDS=()
cleanup() {
  touch "$WORK/go" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp -r "$WORK"/. "$BENCH_KEEP"/; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$WORK/config-autoscaler.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-autoscaler
data:
  allow-zero-initial-scale: "true"
YAML

# the container waits for $WORK/go before it starts the app: not ready, whatever the probing
cat >"$WORK/held.yaml" <<YAML
apiVersion: serving.pilotlight.dev/v1
kind: Service
metadata:
  name: held
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/initial-scale: "0"
        autoscaling.knative.dev/min-scale: "0"
        autoscaling.knative.dev/max-scale: "1"
    spec:
      containerConcurrency: $CC
      containers:
        - command: ["sh", "-c"]
          args:
            - while [ ! -e $WORK/go ]; do sleep 0.1; done; exec pilotlight sample-app
          readinessProbe:
            httpGet:
              path: /
YAML

status() { curl -s "http://127.0.0.1:$ADMIN_PORT/status" || true; }
held_now() { status | grep -o '"held" : [0-9]*' | grep -o '[0-9]*$' || echo 0; }
listed() { status | grep -q "\"$REV\""; }
at_zero() { status | grep -q '"desiredReplicas" : 0'; }
all_held() { [ "$(held_now)" -eq "$N" ]; }
until_true() { # DESCRIPTION SECONDS COMMAND...
  local what="$1" secs="$2"
  shift 2
  local end=$((SECONDS + secs))
  until "$@"; do
    if ((SECONDS > end)); then
      echo "timed out after ${secs}s waiting for $what; log:" >&2
      tail -20 "$WORK/local.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}
# heap used in KiB after a full GC: survivors + eden + old, from jstat
heap_kib() {
  jcmd "$PID" GC.run >/dev/null
  jcmd "$PID" GC.run >/dev/null
  jstat -gc "$PID" | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
    NR == 2 { printf "%.0f\n", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"] }'
}
rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$PID/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
"$ROOT/pilotlight" local --port "$GW_PORT" --admin-port "$ADMIN_PORT" --state-dir "$WORK/state" \
  --config "$WORK/config-autoscaler.yaml" "$WORK/held.yaml" >"$WORK/local.log" 2>&1 &
PID=$! # the launcher execs java: this is the gateway's JVM
PIDS+=("$PID")
until_true "the admin endpoint to list $REV" 120 listed
until_true "$REV at zero" 60 at_zero
sleep 2 # let startup settle before the idle measurement

idle_heap="$(heap_kib)"
idle_rss="$(rss_kib)"
jcmd "$PID" GC.class_histogram >"$WORK/histo-idle.txt"

echo "opening $N connections, one request each" >&2
java "$ROOT/bench/HeldClient.java" 127.0.0.1 "$GW_PORT" "$HOST" "$N" 280 \
  >"$WORK/client.out" 2>"$WORK/client.err" &
CLIENT=$!
PIDS+=("$CLIENT")
until_true "all $N requests held" 120 all_held
held_count="$(held_now)"

held_heap="$(heap_kib)"
held_rss="$(rss_kib)"
jcmd "$PID" GC.class_histogram >"$WORK/histo-held.txt"
[ "$(held_now)" -eq "$N" ] || echo "warning: held count moved during the measurement: $(held_now)" >&2

echo "releasing the instance" >&2
touch "$WORK/go"
client_rc=0
wait "$CLIENT" || client_rc=$?
summary="$(tail -1 "$WORK/client.out")"

diff_kib=$((held_heap - idle_heap))
per_request=$((diff_kib * 1024 / N))
printf "requests held (admin /status): %s\n" "$held_count"
printf "heap used after full GC: idle %s MiB, %s held %s MiB: +%s MiB, %s bytes per held request (goal: all under %s MiB)\n" \
  "$(mib "$idle_heap")" "$N" "$(mib "$held_heap")" "$(mib "$diff_kib")" "$per_request" "$GOAL_MIB"
printf "process RSS: idle %s MiB, held %s MiB: +%s MiB\n" \
  "$(mib "$idle_rss")" "$(mib "$held_rss")" "$(mib $((held_rss - idle_rss)))"
echo "largest heap growth by class (held minus idle: instances, bytes, class):"
# histogram lines: " num: #instances #bytes class"
awk 'FNR == NR && $1 ~ /^[0-9]+:$/ { ic[$4] = $2; bc[$4] = $3; next }
     $1 ~ /^[0-9]+:$/ { printf "%d %d %s\n", $2 - ic[$4], $3 - bc[$4], $4 }' \
  "$WORK/histo-idle.txt" "$WORK/histo-held.txt" | sort -k2 -n -r |
  awk -v n="$N" 'NR <= 12 { printf "  %9d %11d  %6.1f B/req  %s\n", $1, $2, $2 / n, $3 }'
echo "after release: $summary"
if ((diff_kib * 1024 > GOAL_MIB * 1024 * 1024)); then
  echo "heap goal missed" >&2
fi
exit "$client_rc"
