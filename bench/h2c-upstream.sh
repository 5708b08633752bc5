#!/usr/bin/env bash
# HTTP/2 to instances against HTTP/1.1 to instances, through one gateway, in one invocation, with
# the same h2load settings (4 connections, 64 streams each):
#
#   direct-h2c   h2load -> backend (h2c, prior knowledge)
#   gw-h2c       h2load -> `pilotlight local` gateway -> instance whose port is named h2c
#   gw-http1     h2load -> the same gateway -> instance whose port is http1 (the default)
#
# Both instances are the same nginx answering `return 200` (one worker), the h2c one with
# `listen ... http2` (cleartext HTTP/2, prior knowledge). The gateway and the instances share
# CPU 0; h2load runs alone on CPU 1. Targets are measured in turn each round, after a warm-up of
# each. Prints req/s per target and round, and the median of gw-h2c / gw-http1 and gw-h2c / direct.
# Installs nginx and h2load (nghttp2-client) from Debian when missing.
# Usage: bench/h2c-upstream.sh [SECONDS] [ROUNDS]   (defaults 10 and 3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-10}"
ROUNDS="${2:-3}"
DIRECT_PORT="${DIRECT_PORT:-18490}"
GW_PORT="${GW_PORT:-18492}"
WORK="$(mktemp -d)"

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need nginx nginx
need h2load nghttp2-client
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# the backend; __PORT__ and __HTTP2__ are filled in per instance
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
  http2_max_concurrent_streams 1024;
  server {
    listen 127.0.0.1:__PORT__ __HTTP2__;
    location / { return 200 "ok\n"; }
  }
}
CONF
sed -e "s|__PORT__|$DIRECT_PORT|g" -e "s|__DIR__|$WORK|g" -e "s|__HTTP2__|http2|g" \
  "$WORK/backend.conf.in" >"$WORK/direct.conf"

# two Services on one gateway: the same backend spoken to in HTTP/2 (port named h2c) or HTTP/1.1
for kind in h2c http1; do
  h2=""
  [ "$kind" = h2c ] && h2="http2"
  nginx_service "up-$kind" "$kind" "-e \"s|__HTTP2__|$h2|g\"" >"$WORK/$kind.yaml"
done

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
taskset -c 0 "$NGINX" -c "$WORK/direct.conf" -p "$WORK" &
PIDS+=($!)
PILOTLIGHT_JAVA_OPTS="-XX:ActiveProcessorCount=1" taskset -c 0 "$ROOT/pilotlight" local \
  --port "$GW_PORT" --admin-port "$((GW_PORT + 1))" --state-dir "$WORK/state" \
  "$WORK/h2c.yaml" "$WORK/http1.yaml" >"$WORK/local.log" 2>&1 &
PIDS+=($!)
wait_port "$DIRECT_PORT"
wait_port "$GW_PORT"
for kind in h2c http1; do
  for _ in $(seq 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: up-$kind.default.localhost" \
      "http://127.0.0.1:$GW_PORT/")" = 200 ] && break
    sleep 0.1
  done
done
sed -n 's/.*\(gateway listening on .*\)/\1/p' "$WORK/local.log" | head -1 >&2

# h2load on CPU 1: prints 2xx responses per second over the run (a target answering errors
# counts nothing)
run() {
  local port="$1" host="$2" out
  out="$(taskset -c 1 h2load -c4 -m64 -D"$SECS" -H ":authority: $host" "http://127.0.0.1:$port/" 2>&1)"
  echo "$out" | awk -v secs="$SECS" '/^status codes:/ { print $3 / secs }'
}

echo "warming up (${SECS}s each)" >&2
run "$DIRECT_PORT" direct >/dev/null
run "$GW_PORT" up-h2c.default.localhost >/dev/null
run "$GW_PORT" up-http1.default.localhost >/dev/null

RATIOS="$WORK/ratios"
: >"$RATIOS"
printf "%-5s | %10s | %10s | %10s | %12s | %12s\n" round direct-h2c gw-h2c gw-http1 "h2c/http1" "h2c/direct"
for r in $(seq "$ROUNDS"); do
  d="$(run "$DIRECT_PORT" direct)"
  h="$(run "$GW_PORT" up-h2c.default.localhost)"
  o="$(run "$GW_PORT" up-http1.default.localhost)"
  a="$(echo "$h / $o" | bc -l)"
  b="$(echo "$h / $d" | bc -l)"
  printf "%-5s | %10.0f | %10.0f | %10.0f | %12.2f | %12.2f\n" "$r" "$d" "$h" "$o" "$a" "$b"
  echo "$a $b" >>"$RATIOS"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf "median gw-h2c / gw-http1: %.2fx; gw-h2c / direct: %.2fx\n" \
  "$(awk '{print $1}' "$RATIOS" | median)" "$(awk '{print $2}' "$RATIOS" | median)"
