#!/usr/bin/env bash
# Scale from zero: how long does a held request wait after its instance is ready?
#
# Runs `pilotlight local` with a sample-app Service that goes to zero quickly (6s window, no grace),
# then N times: waits until the revision is at zero, sends one request through the gateway, and reads
#   X-Sample-Ready-Age-Us  microseconds from the app having fully answered its readiness probe to
#                          this request reaching its handler: the wait after ready, on one clock in
#                          the app (it includes the app accepting and parsing the new connection)
#   Server-Timing hold     how long the gateway held the request (the whole cold start)
#   curl time_total        what the client saw
# Prints each sample and the median / p90 / max. Usage: bench/hold-after-ready.sh [N] (default 10).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-10}"
PORT="${PORT:-18080}"
ADMIN="${ADMIN:-19090}"
WORK="$(mktemp -d)"

cat > "$WORK/cold.yaml" <<'YAML'
apiVersion: serving.pilotlight.dev/v1
kind: Service
metadata:
  name: cold
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/window: "6s"
    spec:
      containers:
        - command: ["pilotlight", "sample-app"]
          args: ["--startup-delay", "1s"]
          readinessProbe:
            httpGet:
              path: /
YAML

"$ROOT/pilotlight" local --port "$PORT" --admin-port "$ADMIN" --state-dir "$WORK/state" \
  --scale-to-zero-grace 0s "$WORK/cold.yaml" >"$WORK/local.log" 2>&1 &
LOCAL=$!
cleanup() { kill "$LOCAL" 2>/dev/null || true; wait "$LOCAL" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

at_zero() {
  local s
  s="$(curl -s "http://127.0.0.1:$ADMIN/status" || true)"
  grep -q '"desiredReplicas" : 0' <<<"$s" && grep -q '"actualReplicas" : 0' <<<"$s"
}

echo "sample  ready_age_ms  hold_ms  client_ms"
ages=()
for i in $(seq "$N"); do
  deadline=$((SECONDS + 120))
  until at_zero; do
    if ((SECONDS > deadline)); then echo "revision did not reach zero; log:" >&2; tail -20 "$WORK/local.log" >&2; exit 1; fi
    sleep 0.2
  done
  out="$(curl -s -o /dev/null -D - -w 'client_total=%{time_total}\n' -H 'Host: cold.default.localhost' "http://127.0.0.1:$PORT/")"
  age_us="$(grep -i '^x-sample-ready-age-us:' <<<"$out" | tr -d '\r' | awk '{print $2}')"
  hold_ms="$(grep -i '^server-timing:' <<<"$out" | tr -d '\r' | sed -E 's/.*dur=([0-9.]+).*/\1/')"
  client_s="$(grep '^client_total=' <<<"$out" | cut -d= -f2)"
  age_ms="$(awk -v u="$age_us" 'BEGIN{printf "%.3f", u/1000}')"
  client_ms="$(awk -v s="$client_s" 'BEGIN{printf "%.1f", s*1000}')"
  printf "%6d  %12s  %7s  %9s\n" "$i" "$age_ms" "$hold_ms" "$client_ms"
  ages+=("$age_ms")
done
printf '%s\n' "${ages[@]}" | sort -n | awk '{a[NR]=$1} END {
  p50=a[int((NR+1)/2)]; p90=a[int(NR*0.9+0.5)]; if (p90=="") p90=a[NR];
  printf "wait after ready (ms): median %s  p90 %s  max %s  (n=%d)\n", p50, p90, a[NR], NR }'
