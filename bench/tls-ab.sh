#!/usr/bin/env bash
# A before/after of the gateway's TLS and HTTP/2 paths in one run: nginx terminating TLS (as in
# bench/tls.sh), the gateway of this tree and the gateway of another build (BASELINE_JAR, a
# pilotlight.jar built from the commit to compare with), all three behind the same backend on CPU 0,
# the clients alone on CPU 1, targets measured in turn in each round:
#
#   h1-64, h1-256   kept-alive HTTP/1.1 over TLS, wrk with 64 and 256 connections
#   h2              h2load over TLS (ALPN h2), 4 connections x 64 streams
#   h2c             the same h2load over cleartext with prior knowledge
#
# Prints per round req/s and the server's CPU µs per request (utime + stime from /proc) for each,
# and each gateway's rate over nginx's in the same round. Both gateways get the same warm-up.
# Usage: BASELINE_JAR=FILE [TRANSPORT=auto] bench/tls-ab.sh [SECONDS] [ROUNDS]   (defaults 5 and 3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-5}"; ROUNDS="${2:-3}"
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need wrk wrk
need nginx nginx
need h2load nghttp2-client
"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
NEWJAR="$ROOT/cli/target/pilotlight.jar"; BASEJAR="${BASELINE_JAR:?BASELINE_JAR: a pilotlight.jar to compare with}"
WORK="$(mktemp -d)"; HOST=fast.default.localhost; NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
BP=18690; NP=18691; NH=18692
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/leaf.ec.key" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$WORK/leaf.ec.key" -out "$WORK/leaf.key"
openssl req -x509 -new -key "$WORK/leaf.key" -subj "/CN=*.default.localhost" -addext "subjectAltName=DNS:*.default.localhost" -days 2 -out "$WORK/leaf.pem" 2>/dev/null
cat >"$WORK/backend.conf.in" <<'CONF'
worker_processes 1;
daemon off;
pid __DIR__/backend-__PORT__.pid;
error_log __DIR__/backend-__PORT__.log;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 10000000; keepalive_timeout 120s;
  server { listen 127.0.0.1:__PORT__; location / { return 200 "ok\n"; } } }
CONF
sed -e "s|__PORT__|$BP|g" -e "s|__DIR__|$WORK|g" "$WORK/backend.conf.in" >"$WORK/backend.conf"
cat >"$WORK/proxy.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/proxy.pid;
error_log $WORK/proxy.log;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 10000000;
  upstream backend { server 127.0.0.1:$BP; keepalive 512; }
  server { listen 127.0.0.1:$NP ssl http2; ssl_certificate $WORK/leaf.pem; ssl_certificate_key $WORK/leaf.key;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:SSL:10m; ssl_session_tickets on;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host; } }
  server { listen 127.0.0.1:$NH http2;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host; } } }
CONF
nginx_service fast >"$WORK/fast.yaml"
taskset -c 0 "$NGINX" -c "$WORK/backend.conf" -p "$WORK" & PIDS+=($!)
taskset -c 0 "$NGINX" -c "$WORK/proxy.conf" -p "$WORK" & PIDS+=($!)
ulimit -n "$(ulimit -Hn)"
i=0; GWP=(); GWT=(); GWPID=()
for jar in "$NEWJAR" "$BASEJAR"; do
  p=$((18700 + 10*i))
  taskset -c 0 java -XX:ActiveProcessorCount=1 -jar "$jar" local --transport "${TRANSPORT:-auto}" --port "$p" --admin-port $((p+1)) \
    --tls-port $((p+2)) --tls-cert "$WORK/leaf.pem" --tls-key "$WORK/leaf.key" --state-dir "$WORK/state-$i" "$WORK/fast.yaml" >"$WORK/local-$i.log" 2>&1 &
  PIDS+=($!); GWPID+=($!); GWP+=($p); GWT+=($((p+2))); i=$((i+1))
done
for k in 0 1; do
  for _ in $(seq 600); do [ "$(curl -sk -o /dev/null -w '%{http_code}' --resolve "$HOST:${GWT[$k]}:127.0.0.1" "https://$HOST:${GWT[$k]}/")" = 200 ] && break; sleep 0.1; done
done
sleep 1
NM="$(pgrep -f -- "-c $WORK/proxy.conf" | while read -r p; do [ "$(cat /proc/$p/comm)" = nginx ] && echo $p; done | head -1)"
NW="$(pgrep -P "$NM" | head -1)"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
one() { # kind port pid -> "rate cpu"
  local t0 t1 out n rps
  t0=$(ticks "$3")
  case "$1" in
    h1-64) out="$(taskset -c 1 wrk -t1 -c64 -d${SECS}s -H "Host: $HOST" "https://127.0.0.1:$2/")"; n=$(echo "$out" | awk '/requests in/ {print $1}'); rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}');;
    h1-256) out="$(taskset -c 1 wrk -t1 -c256 -d${SECS}s -H "Host: $HOST" "https://127.0.0.1:$2/")"; n=$(echo "$out" | awk '/requests in/ {print $1}'); rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}');;
    h2) out="$(taskset -c 1 h2load -c4 -m64 -D$SECS -H ":authority: $HOST" "https://127.0.0.1:$2/" 2>&1)"; n=$(echo "$out" | awk '/^status codes:/ {print $3+0}'); rps=$(echo "$out" | awk '/^finished in/ {print $4}');;
    h2c) out="$(taskset -c 1 h2load -c4 -m64 -D$SECS -H ":authority: $HOST" "http://127.0.0.1:$2/" 2>&1)"; n=$(echo "$out" | awk '/^status codes:/ {print $3+0}'); rps=$(echo "$out" | awk '/^finished in/ {print $4}');;
  esac
  t1=$(ticks "$3")
  echo "$rps $(echo "($t1-$t0)*1000000/$(getconf CLK_TCK)/($n+1)" | bc -l)"
}
echo "warm-up" >&2
for kind in h1-64 h2 h2c; do one $kind $NP $NW >/dev/null; one $kind ${GWT[0]} ${GWPID[0]} >/dev/null; one $kind ${GWT[1]} ${GWPID[1]} >/dev/null; done
for kind in h1-64 h2 h2c; do one $kind ${GWT[0]} ${GWPID[0]} >/dev/null; one $kind ${GWT[1]} ${GWPID[1]} >/dev/null; done
printf "%-5s %-7s | %9s %7s | %9s %7s %6s | %9s %7s %6s\n" round kind nginx "CPU µs" this "CPU µs" "/nginx" baseline "CPU µs" "/nginx"
for r in $(seq "$ROUNDS"); do
  for kind in h1-64 h1-256 h2 h2c; do
    np=$NP; [ $kind = h2c ] && np=$NH
    read -r nr nc <<<"$(one $kind $np $NW)"
    gp0=${GWT[0]}; gp1=${GWT[1]}; [ $kind = h2c ] && { gp0=${GWP[0]}; gp1=${GWP[1]}; }
    read -r ar ac <<<"$(one $kind $gp0 ${GWPID[0]})"
    read -r br bc <<<"$(one $kind $gp1 ${GWPID[1]})"
    printf "%-5s %-7s | %9.0f %7.1f | %9.0f %7.1f %6.2f | %9.0f %7.1f %6.2f\n" $r $kind $nr $nc $ar $ac $(echo "$ar/$nr" | bc -l) $br $bc $(echo "$br/$nr" | bc -l)
  done
done
