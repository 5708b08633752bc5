#!/usr/bin/env bash
# Capacity, as a node has it: the same overload with the local node's capacity effectively
# unlimited and with the default (this machine's cores and memory, 500m per instance).
#
# Runs `pilotlight local` with one sample-app Service answering after 50 ms, with
# `autoscaling.knative.dev/target: "2"` (two concurrent requests per instance), and sends it an
# open loop of 100 requests/s for SECONDS (about 5 requests in flight: the autoscaler asks for far
# more instances than that load needs). Twice, each with a fresh `pilotlight local`:
#   unlimited: --capacity cpu=1000,memory=1Ti (every instance the autoscaler asks for starts)
#   default:   no --capacity (instances beyond the machine's cores stay Pending, Unschedulable)
# Prints, for both: the most instances desired, running at once and pending at once (the admin
# status, sampled every second; desired also from the logged decisions), the instances started
# (one log file each), latency p50/p99/max and errors. Usage: bench/capacity.sh [SECONDS] (default 60). Writes each run's JSON to
# $OUT-unlimited.json and $OUT-default.json (default OUT=/tmp/capacity).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${1:-60}"
RATE="${RATE:-100}"
PORT="${PORT:-18083}"
ADMIN="${ADMIN:-19093}"
OUT="${OUT:-/tmp/capacity}"
WORK="$(mktemp -d)"
source "$ROOT/bench/lib.sh"

cat >"$WORK/busy.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: busy
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/target: "2"
    spec:
      containers:
        - command: ["pilotlight", "sample-app"]
          args: ["--latency", "50ms"]
YAML

LOCAL=""
SAMPLER=""
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
  if [ -n "$LOCAL" ]; then kill "$LOCAL" 2>/dev/null || true; wait "$LOCAL" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# revision_field FIELD: busy-00001's FIELD in the admin status (0 when absent)
status_json() { curl -s --max-time 2 "http://127.0.0.1:$ADMIN/status" || true; }
revision_field() {
  status_json | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)
except ValueError:
    print(0); sys.exit()
for r in s.get("revisions", []):
    if r["name"] == "busy-00001":
        v = r.get(sys.argv[1], 0)
        print(int(v) if not isinstance(v, bool) else int(v)); sys.exit()
print(0)' "$1"
}

run() { # MODE [ARGS...]
  local mode="$1"
  shift
  local state="$WORK/$mode"
  "$ROOT/pilotlight" local --port "$PORT" --admin-port "$ADMIN" --state-dir "$state" "$@" \
    "$WORK/busy.yaml" >"$WORK/$mode.log" 2>&1 &
  LOCAL=$!
  wait_port "$ADMIN"
  local deadline=$((SECONDS + 120))
  until [ "$(revision_field actualReplicas)" -ge 1 ]; do
    if ((SECONDS > deadline)); then echo "busy not ready; log:" >&2; tail -20 "$WORK/$mode.log" >&2; exit 1; fi
    sleep 0.5
  done
  # running (ready or starting) and pending instances, once a second, while the load runs
  (
    while true; do
      status_json | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)
except ValueError:
    sys.exit()
for r in s.get("revisions", []):
    if r["name"] == "busy-00001":
        print(r.get("desiredReplicas", 0), r.get("actualReplicas", 0), r.get("pending", 0))' \
        >>"$WORK/$mode.samples" || true
      sleep 1
    done
  ) &
  SAMPLER=$!
  "$ROOT/pilotlight" loadtest "http://127.0.0.1:$PORT/" --host busy.default.localhost \
    --rate "$RATE" --duration "${DURATION}s" --observe busy --admin-port "$ADMIN" \
    --json "$OUT-$mode.json" >"$WORK/$mode.loadtest" 2>&1 || {
    echo "loadtest failed ($mode):" >&2
    tail -20 "$WORK/$mode.loadtest" >&2
    tail -20 "$WORK/$mode.log" >&2
    exit 1
  }
  kill "$SAMPLER" 2>/dev/null || true
  wait "$SAMPLER" 2>/dev/null || true
  SAMPLER=""
  # instances started: the runtime writes one log file per instance it starts
  find "$state/logs" -name 'busy-00001-*.log' 2>/dev/null | wc -l >"$WORK/$mode.started"
  cp "$WORK/$mode.log" "$OUT-$mode.log"
  kill "$LOCAL" 2>/dev/null || true
  wait "$LOCAL" 2>/dev/null || true
  LOCAL=""
}

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
echo "load: ${RATE} req/s open loop for ${DURATION}s; sample app 50 ms; target 2; $(nproc) cores; $(uptime | sed 's/.*load/load/')"
run unlimited --capacity cpu=1000,memory=1Ti
run default
echo "after: $(uptime | sed 's/.*load/load/')"

printf "%-10s %8s %8s %8s %8s %9s %9s %9s %8s %8s\n" capacity desired running pending started \
  "p50 ms" "p99 ms" "max ms" requests errors
for mode in unlimited default; do
  touch "$WORK/$mode.samples"
  python3 - "$mode" "$OUT-$mode.json" "$WORK/$mode.samples" "$(cat "$WORK/$mode.started")" \
    "$OUT-$mode.log" <<'PY'
import json, re, sys
mode, report, samples, started, log = sys.argv[1:6]
r = json.load(open(report))
desired = running = pending = 0
for line in open(samples):
    d, a, p = (int(x) for x in line.split())
    desired, running, pending = max(desired, d), max(running, a), max(pending, p)
# the autoscaler's decisions, as logged ("scale 1 -> 17 (panic)"): seen even when the admin
# endpoint is too slow to sample on an overloaded machine
for m in re.finditer(r"busy-00001: scale \d+ -> (\d+)", open(log).read()):
    desired = max(desired, int(m.group(1)))
for s in r.get("replicas", []):
    desired = max(desired, s.get("desired", 0))
    running = max(running, s.get("ready", 0))
lat = r["latency_ms"]
print("%-10s %8d %8d %8d %8s %9.1f %9.1f %9.1f %8d %8d" % (
    mode, desired, running, pending, started, lat["p50"], lat["p99"], lat["max"],
    r["requests"], r["errors"]))
PY
done
echo "(running: ready standard instances at once; started: instance processes started in the run)"
echo "JSON: $OUT-unlimited.json $OUT-default.json; logs: $OUT-unlimited.log $OUT-default.log"
