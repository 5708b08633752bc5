#!/usr/bin/env bash
# The gateway against nginx as a reverse proxy, in one invocation, with the same wrk settings:
#
#   direct      wrk -> backend
#   nginx       wrk -> nginx (1 worker, upstream keep-alive 512) -> backend
#   pilotlight  wrk -> `pilotlight local` gateway -> backend (a Service whose instance is the backend)
#
# The backend is nginx answering `return 200` (one worker). Proxy and backend share CPU 0; wrk runs
# alone on CPU 1 (one thread). The JVM is told it has one CPU and gets a warm-up run first. For each
# of 1, 64 and 256 connections: requests/s, median latency, non-2xx responses, and the CPU time the
# proxy process used per request (utime + stime from /proc over the run, divided by requests).
# Installs wrk and nginx from Debian when missing. Usage: bench/proxy.sh [SECONDS] (default 10).
# For profiling, BENCH_JAVA_OPTS adds JVM options to the gateway and BENCH_KEEP_LOG=FILE keeps its
# output.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-10}"
BACKEND_PORT="${BACKEND_PORT:-18390}"
NGINX_PORT="${NGINX_PORT:-18391}"
GW_PORT="${GW_PORT:-18392}"
ADMIN_PORT="${ADMIN_PORT:-18393}"
WORK="$(mktemp -d)"
HOST="fast.default.localhost"

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need wrk wrk
need nginx nginx
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${BENCH_KEEP_LOG:-}" ] && cp "$WORK/local.log" "$BENCH_KEEP_LOG"
  rm -rf "$WORK"
}
trap cleanup EXIT

# the backend: nginx answering 200 with a small body; __PORT__ is filled in per instance
cat >"$WORK/backend.conf.in" <<'CONF'
worker_processes 1;
daemon off;
pid __DIR__/backend-__PORT__.pid;
error_log __DIR__/backend-__PORT__.log;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:__PORT__;
    location / { return 200 "ok\n"; }
  }
}
CONF
sed -e "s|__PORT__|$BACKEND_PORT|g" -e "s|__DIR__|$WORK|g" "$WORK/backend.conf.in" >"$WORK/backend.conf"

cat >"$WORK/proxy.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/proxy.pid;
error_log $WORK/proxy.log;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 512; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
CONF

# Pilotlight runs its own instance of the same backend: the Service's container is that nginx
cat >"$WORK/fast.yaml" <<YAML
apiVersion: serving.pilotlight.dev/v1
kind: Service
metadata:
  name: fast
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "1"
        autoscaling.knative.dev/max-scale: "1"
    spec:
      containers:
        - command: ["sh", "-c"]
          args:
            - sed -e "s|__PORT__|\$PORT|g" -e "s|__DIR__|$WORK|g" $WORK/backend.conf.in > $WORK/instance-\$PORT.conf && exec $NGINX -c $WORK/instance-\$PORT.conf -p $WORK
YAML

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
taskset -c 0 "$NGINX" -c "$WORK/backend.conf" -p "$WORK" &
PIDS+=($!)
taskset -c 0 "$NGINX" -c "$WORK/proxy.conf" -p "$WORK" &
PIDS+=($!)
PILOTLIGHT_JAVA_OPTS="-XX:ActiveProcessorCount=1 ${BENCH_JAVA_OPTS:-}" taskset -c 0 "$ROOT/pilotlight" local \
  --port "$GW_PORT" --admin-port "$ADMIN_PORT" --state-dir "$WORK/state" "$WORK/fast.yaml" \
  >"$WORK/local.log" 2>&1 &
PIDS+=($!)
wait_port "$BACKEND_PORT"
wait_port "$NGINX_PORT"
wait_port "$GW_PORT"
for _ in $(seq 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $HOST" "http://127.0.0.1:$GW_PORT/")" = 200 ] && break
  sleep 0.1
done

# CPU time (utime + stime, in clock ticks) a process has used so far, threads included
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
GW_PID="$(pgrep -f -- "--state-dir $WORK/state" | while read -r p; do
  [ "$(cat "/proc/$p/comm")" = java ] && echo "$p"; done | head -1)"
NGINX_MASTER="$(pgrep -f -- "-c $WORK/proxy.conf" | while read -r p; do
  [ "$(cat "/proc/$p/comm")" = nginx ] && echo "$p"; done | head -1)"
NGINX_WORKER="$(pgrep -P "$NGINX_MASTER" | head -1)"
HZ="$(getconf CLK_TCK)"

# wrk on CPU 1: prints "rps p50_us non2xx cpu_us_per_request" (CPU of process $4, if given)
run() {
  local url="$1" conns="$2" secs="$3" pid="${4:-}" t0=0 out
  [ -n "$pid" ] && t0="$(ticks "$pid")"
  out="$(taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency -H "Host: $HOST" "$url")"
  local used=0
  [ -n "$pid" ] && used="$(($(ticks "$pid") - t0))"
  echo "$out" | awk -v used="$used" -v hz="$HZ" '
    /requests in/ { n = $1 }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+/, "", v)
               p50 = (u == "ms") ? v * 1000 : (u == "s") ? v * 1000000 : v }
    /Non-2xx/ { non = $5 }
    END { printf "%d %.1f %d %.1f\n", rps, p50, non + 0, (n > 0 ? used * 1000000 / hz / n : 0) }'
}

echo "warming up (${SECS}s each through nginx and Pilotlight)" >&2
run "http://127.0.0.1:$NGINX_PORT/" 64 "$SECS" >/dev/null
run "http://127.0.0.1:$GW_PORT/" 64 "$SECS" >/dev/null

printf "%-6s | %14s | %14s | %14s | %9s | %s\n" conns "direct req/s" "nginx req/s" "pilotlight" "pl/nginx" "p50 µs direct / nginx / pilotlight, non-2xx"
for c in 1 64 256; do
  [ -n "${BENCH_KEEP_LOG:-}" ] && echo "phase $c connections at $(date +%s.%N)" >&2
  read -r d_rps d_p50 d_non _ <<<"$(run "http://127.0.0.1:$BACKEND_PORT/" "$c" "$SECS")"
  read -r n_rps n_p50 n_non n_cpu <<<"$(run "http://127.0.0.1:$NGINX_PORT/" "$c" "$SECS" "$NGINX_WORKER")"
  read -r g_rps g_p50 g_non g_cpu <<<"$(run "http://127.0.0.1:$GW_PORT/" "$c" "$SECS" "$GW_PID")"
  printf "%-6s | %14s | %14s | %14s | %9.2f | %s / %s / %s, non-2xx %s / %s / %s\n" \
    "$c" "$d_rps" "$n_rps" "$g_rps" "$(echo "$g_rps / $n_rps" | bc -l)" \
    "$d_p50" "$n_p50" "$g_p50" "$d_non" "$n_non" "$g_non"
  printf "       CPU per request: nginx worker %.1f µs, pilotlight %.1f µs (%.2fx)\n" \
    "$n_cpu" "$g_cpu" "$(echo "$g_cpu / $n_cpu" | bc -l)"
  if [ "$c" = 1 ]; then
    added_n="$(echo "$n_p50 - $d_p50" | bc -l)"
    added_g="$(echo "$g_p50 - $d_p50" | bc -l)"
    printf "       added median latency at 1 connection: nginx %.1f µs, pilotlight %.1f µs (%.2fx)\n" \
      "$added_n" "$added_g" "$(echo "$added_g / $added_n" | bc -l)"
  fi
done
