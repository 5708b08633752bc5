#!/usr/bin/env bash
# A burst at a revision at zero: how soon the autoscaler asks for the scale the burst needs, and how
# soon that scale is ready, through a real local Pilotlight.
#
# The issue's case: REQUESTS (default 300) concurrent requests at a revision at zero, the default
# autoscaling config (target 100 per instance at 70%: 300 requests need 5 instances), instances that
# are ready STARTUP (default 10s) after they are asked for (the sample app with that startup delay;
# ready when its port accepts, as it has no readiness probe: an HTTP probe of an app that takes 2 s
# to answer fails its 1 s timeout), each request taking 2 s so that the burst's concurrency lasts. The
# revision starts at zero (initial-scale 0, allowed by the config). Each round runs `pilotlight
# loadtest --scenario scale-from-zero --burst REQUESTS`, which waits until nothing runs, sends the
# burst on one connection per request and samples desired and ready instances every 250 ms; a round
# after the first waits for the revision to go back to zero (60 s window, 30 s grace).
# Prints per round: the scale asked for, the time from the burst until it was asked for (desired),
# until it was ready, and the first-byte times. Knative's autoscaler, on the same inputs in its own
# unit-test model, asks for 5 at t = 2 s (its first tick in panic mode); not measured here (no
# cluster), so no ratio is claimed.
# Usage: bench/burst-from-zero.sh [ROUNDS] [REQUESTS] (defaults 3, 300); STARTUP=10s.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
REQUESTS="${2:-300}"
STARTUP="${STARTUP:-10s}"
PORT="${PORT:-18083}"
ADMIN="${ADMIN:-19093}"
OUT="${OUT:-/tmp/burst-from-zero}"
WORK="$(mktemp -d)"
source "$ROOT/bench/lib.sh"

cat >"$WORK/config-autoscaler.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-autoscaler
data:
  allow-zero-initial-scale: "true"
YAML
cat >"$WORK/burst.yaml" <<YAML
apiVersion: serving.pilotlight.dev/v1
kind: Service
metadata:
  name: burst
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/initial-scale: "0"
    spec:
      containers:
        - command: ["pilotlight", "sample-app"]
          args: ["--startup-delay", "$STARTUP", "--latency", "2s"]
YAML

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
# enough descriptors for the burst's connections on both sides of the gateway
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# capacity unlimited: this measures the autoscaler's decision and 5 instances' readiness, which on
# a small machine the node's default capacity (its cores, 500m an instance) would cap
"$ROOT/pilotlight" local --port "$PORT" --admin-port "$ADMIN" --state-dir "$WORK/state" \
  --capacity cpu=1000,memory=1Ti \
  --config "$WORK/config-autoscaler.yaml" "$WORK/burst.yaml" >"$WORK/local.log" 2>&1 &
LOCAL=$!
cleanup() { kill "$LOCAL" 2>/dev/null || true; wait "$LOCAL" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
wait_port "$ADMIN"

metric() { # FILE KEY: a number from the JSON's scenario metrics
  sed -n "s/.*\"$2\" : \\([0-9.eE+-]*\\).*/\\1/p" "$1" | head -1
}

printf '%-5s | %-6s | %-16s | %-16s | %-13s | %s\n' round asked "asked after (s)" "ready after (s)" "ttfb p50 ms" "ttfb max ms"
for r in $(seq "$ROUNDS"); do
  json="$OUT-$r.json"
  "$ROOT/pilotlight" loadtest "http://127.0.0.1:$PORT/" --host burst.default.localhost \
    --scenario scale-from-zero --burst "$REQUESTS" --observe burst --admin-port "$ADMIN" \
    --observe-interval 250ms --timeout 2m --wait 4m --json "$json" >"$WORK/round-$r.txt" 2>&1 || {
    echo "loadtest failed:" >&2
    cat "$WORK/round-$r.txt" >&2
    tail -30 "$WORK/local.log" >&2
    exit 1
  }
  printf '%-5s | %-6s | %-16s | %-16s | %-13s | %s\n' "$r" \
    "$(metric "$json" peak_desired)" "$(metric "$json" time_to_ask_s)" \
    "$(metric "$json" time_to_scale_s)" "$(metric "$json" ttfb_p50_ms)" "$(metric "$json" ttfb_max_ms)"
done
echo "JSON: $OUT-*.json"
cp "$WORK/local.log" "$OUT.log"
echo "local log: $OUT.log"
