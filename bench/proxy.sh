#!/usr/bin/env bash
# The gateway against nginx as a reverse proxy, in one invocation, with the same wrk settings:
#
#   direct      wrk -> backend
#   nginx       wrk -> nginx (1 worker, upstream keep-alive 512) -> backend
#   pilotlight  wrk -> `pilotlight local` gateway -> backend (a Service whose instance is the backend),
#               one gateway per transport in TRANSPORTS (default "auto"; e.g. "io_uring epoll")
#
# The backend is nginx answering `return 200` (one worker). Proxy and backend share CPU 0; wrk runs
# alone on CPU 1 (one thread). Each JVM is told it has one CPU and gets a warm-up run first. For each
# of 1, 64 and 256 connections, ROUNDS times (targets measured in turn, so drift on a shared machine
# hits them alike): requests/s, the ratio to nginx in the same round, median latency, non-2xx
# responses, and the CPU time the proxy process used per request (utime + stime from /proc over the
# run, divided by requests). Ends with the median ratio per connection count and gateway.
# Installs wrk and nginx from Debian when missing.
# Usage: [TRANSPORTS="io_uring epoll"] bench/proxy.sh [SECONDS] [ROUNDS]   (defaults 10 and 1)
# For profiling, BENCH_JAVA_OPTS adds JVM options to the gateways and BENCH_KEEP_LOG=FILE keeps the
# first gateway's output. For a before/after in one run, BASELINE_JAR=FILE (a pilotlight.jar of
# another build) adds one gateway of that build per transport, labelled "<transport>-base".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-10}"
ROUNDS="${2:-1}"
read -r -a TRANSPORT_LIST <<<"${TRANSPORTS:-auto}"
JAR_LIST=()
for t in "${TRANSPORT_LIST[@]}"; do JAR_LIST+=(""); done
if [ -n "${BASELINE_JAR:-}" ]; then
  for t in "${TRANSPORT_LIST[@]}"; do TRANSPORT_LIST+=("$t"); JAR_LIST+=("$BASELINE_JAR"); done
fi
BACKEND_PORT="${BACKEND_PORT:-18390}"
NGINX_PORT="${NGINX_PORT:-18391}"
GW_PORT="${GW_PORT:-18392}"
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
  [ -n "${BENCH_KEEP_LOG:-}" ] && cp "$WORK/local-0.log" "$BENCH_KEEP_LOG"
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
nginx_service fast >"$WORK/fast.yaml"

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
taskset -c 0 "$NGINX" -c "$WORK/backend.conf" -p "$WORK" &
PIDS+=($!)
taskset -c 0 "$NGINX" -c "$WORK/proxy.conf" -p "$WORK" &
PIDS+=($!)
# one gateway per transport: ports GW_PORT + 2i (gateway) and + 2i + 1 (admin)
GW_PORTS=()
GW_PIDS=()
for i in "${!TRANSPORT_LIST[@]}"; do
  port=$((GW_PORT + 2 * i))
  launcher=("$ROOT/pilotlight")
  if [ -n "${JAR_LIST[$i]}" ]; then
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    # shellcheck disable=SC2206
    launcher=(java -XX:ActiveProcessorCount=1 ${BENCH_JAVA_OPTS:-} -jar "${JAR_LIST[$i]}")
  fi
  PILOTLIGHT_JAVA_OPTS="-XX:ActiveProcessorCount=1 ${BENCH_JAVA_OPTS:-}" taskset -c 0 "${launcher[@]}" \
    local --transport "${TRANSPORT_LIST[$i]}" --port "$port" --admin-port "$((port + 1))" \
    --state-dir "$WORK/state-$i" "$WORK/fast.yaml" >"$WORK/local-$i.log" 2>&1 &
  PIDS+=($!)
  GW_PORTS+=("$port")
done
wait_port "$BACKEND_PORT"
wait_port "$NGINX_PORT"
for i in "${!GW_PORTS[@]}"; do
  wait_port "${GW_PORTS[$i]}"
  for _ in $(seq 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $HOST" "http://127.0.0.1:${GW_PORTS[$i]}/")" = 200 ] && break
    sleep 0.1
  done
  GW_PIDS+=("$(pgrep -f -- "--state-dir $WORK/state-$i " | while read -r p; do
    [ "$(cat "/proc/$p/comm")" = java ] && echo "$p"; done | head -1)")
  # the transport the gateway resolved, as it says in its log ("gateway listening on ... (io_uring)")
  TRANSPORT_LIST[$i]="$(sed -n 's/.*gateway listening on [^ ]* (\([a-z_]*\)).*/\1/p' "$WORK/local-$i.log" | head -1)"
  [ -n "${JAR_LIST[$i]}" ] && TRANSPORT_LIST[$i]="${TRANSPORT_LIST[$i]}-base"
done

# CPU time (utime + stime, in clock ticks) a process has used so far, threads included
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
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

echo "warming up (${SECS}s each through nginx and every gateway)" >&2
run "http://127.0.0.1:$NGINX_PORT/" 64 "$SECS" >/dev/null
for port in "${GW_PORTS[@]}"; do run "http://127.0.0.1:$port/" 64 "$SECS" >/dev/null; done

RATIOS="$WORK/ratios"
: >"$RATIOS"
printf "%-5s | %-5s | %-24s | %8s | %8s | %9s | %7s | %s\n" \
  round conns target "req/s" "vs nginx" "p50 µs" non-2xx "CPU µs/req"
for r in $(seq "$ROUNDS"); do
  for c in 1 64 256; do
    [ -n "${BENCH_KEEP_LOG:-}" ] && echo "phase $c connections at $(date +%s.%N)" >&2
    read -r d_rps d_p50 d_non _ <<<"$(run "http://127.0.0.1:$BACKEND_PORT/" "$c" "$SECS")"
    read -r n_rps n_p50 n_non n_cpu <<<"$(run "http://127.0.0.1:$NGINX_PORT/" "$c" "$SECS" "$NGINX_WORKER")"
    printf "%-5s | %-5s | %-24s | %8s | %8s | %9s | %7s |\n" "$r" "$c" direct "$d_rps" "" "$d_p50" "$d_non"
    printf "%-5s | %-5s | %-24s | %8s | %8.2f | %9s | %7s | %.1f\n" "$r" "$c" nginx "$n_rps" 1 "$n_p50" "$n_non" "$n_cpu"
    for i in "${!GW_PORTS[@]}"; do
      read -r g_rps g_p50 g_non g_cpu <<<"$(run "http://127.0.0.1:${GW_PORTS[$i]}/" "$c" "$SECS" "${GW_PIDS[$i]}")"
      ratio="$(echo "$g_rps / $n_rps" | bc -l)"
      printf "%-5s | %-5s | %-24s | %8s | %8.2f | %9s | %7s | %.1f (%.2fx nginx)\n" "$r" "$c" \
        "pilotlight ${TRANSPORT_LIST[$i]}" "$g_rps" "$ratio" "$g_p50" "$g_non" "$g_cpu" \
        "$(echo "$g_cpu / $n_cpu" | bc -l)"
      echo "$c ${TRANSPORT_LIST[$i]} rps $ratio" >>"$RATIOS"
      if [ "$c" = 1 ]; then
        added="$(echo "($g_p50 - $d_p50) / ($n_p50 - $d_p50)" | bc -l)"
        printf "%-5s | %-5s | %-24s   added median latency vs nginx's: %.2fx\n" "$r" "$c" "" "$added"
        echo "$c ${TRANSPORT_LIST[$i]} latency $added" >>"$RATIOS"
      fi
    done
  done
done
echo
echo "medians over $ROUNDS round(s): req/s vs nginx at 64 and 256 connections, added latency at 1"
sort -k1,1n -k2,2 -k3,3 -k4,4g "$RATIOS" | awk '
  { key = $1 " " $2 " " $3; v[key, ++n[key]] = $4; if (!(key in seen)) { seen[key] = 1; keys[++k] = key } }
  END { for (i = 1; i <= k; i++) { key = keys[i]; m = n[key]
          med = (m % 2) ? v[key, (m + 1) / 2] : (v[key, m / 2] + v[key, m / 2 + 1]) / 2
          split(key, f, " "); if (f[1] == 1 && f[3] == "rps") continue
          printf "  %-4s conns  %-9s %-8s %.2fx  (of", f[1], f[2], f[3], med
          for (j = 1; j <= m; j++) printf " %.2f", v[key, j]; printf ")\n" } }'
