#!/usr/bin/env bash
# How good is `pilotlight loadtest` as a load generator? Two measurements, in one invocation:
#
# 1. Throughput against wrk, each alone on CPU 1 with one thread / one event loop, against nginx
#    (one worker, `return 200`) alone on CPU 0, at 64 and 256 connections (closed loop: every
#    connection sends its next request when the previous one is answered). The JVM gets a warm-up
#    run first (`--warmup`), which is not counted; wrk needs none. Goal: >= 80% of wrk's rate.
# 2. Accuracy: open loop at 100 requests/s against the sample app answering after a fixed delay
#    (0 ms, then DELAY ms). The difference of the two runs' percentiles is the delay as the
#    generator measured it: goal within 1 ms of DELAY at p50, p90 and p99.
#
# Installs wrk and nginx from Debian when missing. Usage: bench/loadgen.sh [SECONDS] (default 10).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_RUN="${1:-10}"
DELAY_MS="${DELAY_MS:-20}"
NGINX_PORT="${NGINX_PORT:-18290}"
APP_PORT="${APP_PORT:-18291}"
WORK="$(mktemp -d)"

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need wrk wrk
need nginx nginx
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { return 200 "ok\n"; }
  }
}
CONF

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
taskset -c 0 "$NGINX" -c "$WORK/nginx.conf" -p "$WORK" &
PIDS+=($!)
JAVA_ONE_CORE="-XX:ActiveProcessorCount=1"
wait_port "$NGINX_PORT"

rate_of() { python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['throughput_rps']))" "$1"; }

echo "== throughput: one core each, nginx backend, ${SECONDS_RUN}s runs"
printf "%-12s %12s %20s %8s\n" connections "wrk req/s" "pilotlight req/s" ratio
for c in 64 256; do
  wrk_rps="$(taskset -c 1 wrk -t1 -c"$c" -d"${SECONDS_RUN}s" "http://127.0.0.1:$NGINX_PORT/" \
    | awk '/Requests\/sec/ {print int($2)}')"
  PILOTLIGHT_JAVA_OPTS="$JAVA_ONE_CORE" taskset -c 1 "$ROOT/pilotlight" loadtest \
    "http://127.0.0.1:$NGINX_PORT/" --concurrency "$c" --duration "${SECONDS_RUN}s" \
    --warmup "${SECONDS_RUN}s" --json "$WORK/c$c.json" >/dev/null 2>&1
  pl_rps="$(rate_of "$WORK/c$c.json")"
  printf "%-12s %12s %20s %7.2f\n" "$c" "$wrk_rps" "$pl_rps" "$(echo "$pl_rps / $wrk_rps" | bc -l)"
done

echo "== accuracy: 100 requests/s to the sample app, fixed delay 0 and ${DELAY_MS} ms"
for d in 0 "$DELAY_MS"; do
  taskset -c 0 "$ROOT/pilotlight" sample-app --port "$APP_PORT" --latency "${d}ms" \
    >"$WORK/app$d.log" 2>&1 &
  app=$!
  PIDS+=($app)
  wait_port "$APP_PORT"
  PILOTLIGHT_JAVA_OPTS="$JAVA_ONE_CORE" taskset -c 1 "$ROOT/pilotlight" loadtest \
    "http://127.0.0.1:$APP_PORT/" --rate 100 --duration "${SECONDS_RUN}s" --warmup 5s \
    --json "$WORK/d$d.json" >/dev/null 2>&1
  kill "$app"
  wait "$app" 2>/dev/null || true
done
python3 - "$WORK/d0.json" "$WORK/d$DELAY_MS.json" "$DELAY_MS" <<'PY'
import json, sys
base, delayed, delay = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), float(sys.argv[3])
print(f"{'':6} {'0 ms':>10} {str(int(delay)) + ' ms':>10} {'measured delay':>15} {'error':>8}")
for p in ("p50", "p90", "p99"):
    a, b = base["latency_ms"][p], delayed["latency_ms"][p]
    print(f"{p:6} {a:10.3f} {b:10.3f} {b - a:15.3f} {b - a - delay:+8.3f}")
PY
