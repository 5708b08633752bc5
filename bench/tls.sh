#!/usr/bin/env bash
# The gateway's TLS port against nginx terminating TLS, in one invocation, same certificate (ECDSA
# P-256, made here with openssl), same clients:
#
#   nginx       client -> nginx (1 worker, ssl_session_cache + tickets, http2) -> backend
#   pilotlight  client -> `pilotlight local --tls-port` (--tls-cert/--tls-key) -> backend
#
# The backend is nginx answering `return 200` (one worker), as in bench/proxy.sh. Proxies and backend
# share CPU 0, the clients run alone on CPU 1. The gateway JVM is told it has one CPU and gets a
# warm-up first. ROUNDS times, targets in turn (drift on a shared machine hits both alike):
#
#   handshakes/s, new sessions    openssl s_time -new   (TLS 1.3, a full handshake per connection)
#   handshakes/s, resumed         openssl s_time -reuse (TLS 1.2 session IDs: s_time does not read
#                                                       TLS 1.3 tickets, which come after the handshake)
#   req/s, kept-alive HTTP/1.1    wrk over https, 64 and 256 connections
#   req/s, kept-alive h2          h2load, 4 connections x 64 streams (when h2load is installed)
#   req/s, h2c (no TLS)           the same h2load over cleartext with prior knowledge (nginx on a
#                                 plain http2 port, the gateway on its plain port), for what TLS costs
#
# with the ratio to nginx in the same round and the server's CPU time per handshake or request
# (utime + stime from /proc over the run). Ends with the median ratio per measurement.
# Installs wrk, nginx and h2load (nghttp2-client) from Debian when missing.
# Usage: [WARMUP=2] bench/tls.sh [SECONDS] [ROUNDS]   (defaults 8 and 1; WARMUP passes of every
# measurement against both first, for the JIT)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-8}"
ROUNDS="${2:-1}"
BACKEND_PORT="${BACKEND_PORT:-18490}"
NGINX_PORT="${NGINX_PORT:-18491}"
GW_PORT="${GW_PORT:-18492}"
GW_TLS_PORT="${GW_TLS_PORT:-18494}"
NGINX_H2C_PORT="${NGINX_H2C_PORT:-18495}"
WORK="$(mktemp -d)"
HOST="fast.default.localhost"

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need wrk wrk
need nginx nginx
need h2load nghttp2-client || true
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${BENCH_KEEP_LOG:-}" ] && cp "$WORK/local.log" "$BENCH_KEEP_LOG"
  rm -rf "$WORK"
}
trap cleanup EXIT

# one certificate for both: a CA and a wildcard leaf for the route's namespace
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/ca.key" 2>/dev/null
openssl req -x509 -new -key "$WORK/ca.key" -subj "/CN=bench CA" -days 2 -out "$WORK/ca.pem" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/leaf.ec.key" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$WORK/leaf.ec.key" -out "$WORK/leaf.key"
openssl req -new -key "$WORK/leaf.key" -subj "/CN=*.default.localhost" -out "$WORK/leaf.csr" 2>/dev/null
printf "subjectAltName=DNS:*.default.localhost\nextendedKeyUsage=serverAuth\n" >"$WORK/leaf.ext"
openssl x509 -req -in "$WORK/leaf.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
  -days 2 -extfile "$WORK/leaf.ext" -out "$WORK/leaf.pem" 2>/dev/null

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

# nginx terminating TLS as a reverse proxy: session cache and tickets on (resumption), h2 by ALPN
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
    listen 127.0.0.1:$NGINX_PORT ssl http2;
    ssl_certificate $WORK/leaf.pem;
    ssl_certificate_key $WORK/leaf.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;
    ssl_session_tickets on;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
  server {
    listen 127.0.0.1:$NGINX_H2C_PORT http2;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
CONF

nginx_service fast >"$WORK/fast.yaml"

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
taskset -c 0 "$NGINX" -c "$WORK/backend.conf" -p "$WORK" &
PIDS+=($!)
taskset -c 0 "$NGINX" -c "$WORK/proxy.conf" -p "$WORK" &
PIDS+=($!)
PILOTLIGHT_JAVA_OPTS="-XX:ActiveProcessorCount=1 ${BENCH_JAVA_OPTS:-}" taskset -c 0 "$ROOT/pilotlight" \
  local --transport "${TRANSPORT:-auto}" --port "$GW_PORT" --admin-port "$((GW_PORT + 1))" \
  --tls-port "$GW_TLS_PORT" --tls-cert "$WORK/leaf.pem" --tls-key "$WORK/leaf.key" \
  --state-dir "$WORK/state" "$WORK/fast.yaml" >"$WORK/local.log" 2>&1 &
PIDS+=($!)
wait_port "$BACKEND_PORT"
wait_port "$NGINX_PORT"
wait_port "$GW_TLS_PORT"
CURL=(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/ca.pem" --resolve "$HOST:$GW_TLS_PORT:127.0.0.1")
for _ in $(seq 300); do
  [ "$("${CURL[@]}" "https://$HOST:$GW_TLS_PORT/")" = 200 ] && break
  sleep 0.1
done
GW_PID="$(pgrep -f -- "--state-dir $WORK/state " | while read -r p; do
  [ "$(cat "/proc/$p/comm")" = java ] && echo "$p"; done | head -1)"
NGINX_MASTER="$(pgrep -f -- "-c $WORK/proxy.conf" | while read -r p; do
  [ "$(cat "/proc/$p/comm")" = nginx ] && echo "$p"; done | head -1)"
NGINX_WORKER="$(pgrep -P "$NGINX_MASTER" | head -1)"
HZ="$(getconf CLK_TCK)"
sed -n 's/.*\(gateway listening on https.*\)/\1/p' "$WORK/local.log" >&2

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# each prints "rate cpu_us_per_unit" (CPU of server process $3)
s_time() { # PORT MODE(-new|-reuse) PID
  local t0 used out extra=()
  [ "$2" = -reuse ] && extra=(-tls1_2)
  t0="$(ticks "$3")"
  out="$(taskset -c 1 openssl s_time -connect "127.0.0.1:$1" "$2" "${extra[@]}" -time "$SECS" \
    -CAfile "$WORK/ca.pem" 2>/dev/null || true)"
  used="$(($(ticks "$3") - t0))"
  echo "$out" | awk -v used="$used" -v hz="$HZ" -v secs="$SECS" '
    /connections in [0-9.]+ real seconds/ { n = $1; real = $4 }
    END { printf "%.0f %.1f\n", (real > 0 ? n / real : 0), (n > 0 ? used * 1000000 / hz / n : 0) }'
}
wrk_tls() { # PORT CONNS PID
  local t0 used out
  t0="$(ticks "$3")"
  out="$(taskset -c 1 wrk -t1 -c"$2" -d"${SECS}s" -H "Host: $HOST" "https://127.0.0.1:$1/")"
  used="$(($(ticks "$3") - t0))"
  echo "$out" | awk -v used="$used" -v hz="$HZ" '
    /requests in/ { n = $1 } /Requests\/sec/ { rps = $2 } /Non-2xx/ { non = $5 }
    END { if (non > 0) rps = -1; printf "%d %.1f\n", rps, (n > 0 ? used * 1000000 / hz / n : 0) }'
}
h2() { # PORT PID [SCHEME]
  local t0 used out
  t0="$(ticks "$2")"
  out="$(taskset -c 1 h2load -c4 -m64 -D"$SECS" -H ":authority: $HOST" "${3:-https}://127.0.0.1:$1/" 2>&1 || true)"
  used="$(($(ticks "$2") - t0))"
  echo "$out" | awk -v used="$used" -v hz="$HZ" '
    /^finished in/ { rps = $4 } /^status codes:/ { ok = $3 + 0; n = $3 + 0 }
    END { printf "%d %.1f\n", rps, (n > 0 ? used * 1000000 / hz / n : 0) }'
}

measure() { # NAME PORT PID H2C_PORT -> "name rate cpu" lines
  local r
  r="$(s_time "$2" -new "$3")"; echo "handshakes-new $1 $r"
  r="$(s_time "$2" -reuse "$3")"; echo "handshakes-resumed $1 $r"
  for c in 64 256; do r="$(wrk_tls "$2" "$c" "$3")"; echo "http1.1-keepalive-$c $1 $r"; done
  if command -v h2load >/dev/null; then
    r="$(h2 "$2" "$3")"; echo "h2-4x64 $1 $r"
    r="$(h2 "$4" "$3" http)"; echo "h2c-4x64-cleartext $1 $r"
  fi
}

echo "warming up (${WARMUP:-2} pass(es) of ${SECS}s of each measurement against both)" >&2
for _ in $(seq "${WARMUP:-2}"); do
  measure nginx "$NGINX_PORT" "$NGINX_WORKER" "$NGINX_H2C_PORT" >/dev/null
  measure pilotlight "$GW_TLS_PORT" "$GW_PID" "$GW_PORT" >/dev/null
done

RATIOS="$WORK/ratios"
: >"$RATIOS"
printf "%-5s | %-22s | %-10s | %9s | %8s | %s\n" round measurement target "per s" "vs nginx" "server CPU µs each"
for r in $(seq "$ROUNDS"); do
  measure nginx "$NGINX_PORT" "$NGINX_WORKER" "$NGINX_H2C_PORT" >"$WORK/n"
  measure pilotlight "$GW_TLS_PORT" "$GW_PID" "$GW_PORT" >"$WORK/p"
  paste -d' ' "$WORK/n" "$WORK/p" | while read -r what _ n_rate n_cpu _ _ p_rate p_cpu; do
    printf "%-5s | %-22s | %-10s | %9s | %8s | %s\n" "$r" "$what" nginx "$n_rate" 1.00 "$n_cpu"
    if [ "$n_rate" -le 0 ] || [ "$p_rate" -le 0 ] || [ "$(echo "$n_cpu <= 0" | bc)" = 1 ]; then
      # a failed run (non-2xx answers, or the client got nothing): no ratio from this round
      printf "%-5s | %-22s | %-10s | %9s | %8s | %s\n" "$r" "$what" pilotlight "$p_rate" n/a "$p_cpu"
      continue
    fi
    ratio="$(echo "$p_rate / $n_rate" | bc -l)"
    cpu="$(echo "$p_cpu / $n_cpu" | bc -l)"
    printf "%-5s | %-22s | %-10s | %9s | %8.2f | %s (%.2fx nginx)\n" "$r" "$what" pilotlight "$p_rate" \
      "$ratio" "$p_cpu" "$cpu"
    echo "$what rate $ratio" >>"$RATIOS"
    echo "$what cpu $cpu" >>"$RATIOS"
  done
done
echo
echo "medians over $ROUNDS round(s), pilotlight / nginx: rate (higher is better) and server CPU per"
echo "handshake or request (lower is better); a round whose run failed is left out"
sort -k1,1 -k2,2 -k3,3g "$RATIOS" | awk '{ print $1 "/" $2, $3 }' | awk '
  { v[$1, ++n[$1]] = $2; if (!($1 in seen)) { seen[$1] = 1; keys[++k] = $1 } }
  END { for (i = 1; i <= k; i++) { key = keys[i]; m = n[key]
          med = (m % 2) ? v[key, (m + 1) / 2] : (v[key, m / 2] + v[key, m / 2 + 1]) / 2
          printf "  %-26s %.2fx  (of", key, med
          for (j = 1; j <= m; j++) printf " %.2f", v[key, j]; printf ")\n" } }'
