#!/usr/bin/env bash
# The pilot light against a plain cold start, in the same run: first-request latency after idle.
#
# Runs `pilotlight local` with two Services that start in $DELAY s (default 2) and go to zero
# quickly (6s window, no grace): `lit` with the pilot light (reserve-instance: "true"), `cold`
# without it. Both declare an HTTP readiness probe, as a real app would, so an instance has answered
# HTTP once before it counts as ready (with a TCP check, the first request also pays the JVM's
# first use of the app's HTTP code, on either side).
# Then runs `pilotlight loadtest --scenario pilot-light` for N rounds: each round waits until each
# has no standard instance and sends it one request, then sends a few warm requests to `lit` once a
# standard instance is ready. Prints the scenario's table: first request after idle with and
# without the pilot light (time to first byte, p50 and max), a warm request, and the ratios.
#
# The app: APP=sample (default) is `pilotlight sample-app`, a JVM, run as a host process.
# APP=busybox is busybox's httpd (static; Debian's busybox-static), which sleeps $DELAY s and then
# serves a page: RUNTIME=process runs it on the host, RUNTIME=container runs it from an image built
# here FROM scratch (podman, or docker; no registry), so both runtimes run the same binary and the
# `cold` column is a cold start from zero of each runtime. In the container the shell is PID 1 and
# stops httpd on SIGTERM (a PID 1 that ignores SIGTERM would hold its capacity for the whole stop
# grace, 10 s, and delay the next cold start when the node is full, as on Kubernetes).
# Usage: [APP=sample|busybox] [RUNTIME=process|container] [DELAY=2] bench/pilot-light.sh [N]
# (default 5 rounds). Writes the JSON to $OUT (default /tmp).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-5}"
PORT="${PORT:-18082}"
ADMIN="${ADMIN:-19092}"
OUT="${OUT:-/tmp/pilot-light.json}"
WORK="$(mktemp -d)"
APP="${APP:-sample}"
RUNTIME="${RUNTIME:-process}"
DELAY="${DELAY:-2}"
IMAGE="localhost/pilotlight-bench-httpd:1"
source "$ROOT/bench/lib.sh"

if [ "$APP" = busybox ]; then
  need busybox busybox-static
  BUSYBOX="$(command -v busybox)"
  mkdir -p "$WORK/www"
  echo "hello" >"$WORK/www/index.html"
  if [ "$RUNTIME" = container ]; then
    ENGINE="$(command -v podman || command -v docker)" || { echo "no podman or docker" >&2; exit 1; }
    mkdir -p "$WORK/image/root/bin" "$WORK/image/root/www"
    cp "$BUSYBOX" "$WORK/image/root/bin/busybox"
    cp "$WORK/www/index.html" "$WORK/image/root/www/"
    cat >"$WORK/image/Containerfile" <<'EOF2'
FROM scratch
COPY root/ /
ENTRYPOINT ["/bin/busybox", "sh", "-c", "trap 'kill $pid; exit 0' TERM; /bin/busybox sleep $DELAY; /bin/busybox httpd -f -p $PORT -h /www & pid=$!; wait"]
EOF2
    "$ENGINE" build -q -t "$IMAGE" -f "$WORK/image/Containerfile" "$WORK/image" >/dev/null
  fi
elif [ "$APP" != sample ] || [ "$RUNTIME" != process ]; then
  echo "APP=$APP RUNTIME=$RUNTIME: expected APP=sample (process only) or APP=busybox" >&2
  exit 2
fi

container() { # the Service's container, as the app and runtime say
  if [ "$APP" = sample ]; then
    cat <<YAML
        - command: ["pilotlight", "sample-app"]
          args: ["--startup-delay", "${DELAY}s"]
YAML
  elif [ "$RUNTIME" = process ]; then
    cat <<YAML
        - command: ["$BUSYBOX", "sh", "-c", "$BUSYBOX sleep $DELAY && exec $BUSYBOX httpd -f -p \$PORT -h $WORK/www"]
YAML
  else
    cat <<YAML
        - image: $IMAGE
          imagePullPolicy: Never
          env:
            - name: DELAY
              value: "$DELAY"
YAML
  fi
}

service() { # NAME ANNOTATION-LINES
  cat <<YAML
apiVersion: serving.pilotlight.dev/v1
kind: Service
metadata:
  name: $1
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/window: "6s"
$2
    spec:
      containers:
$(container)
          readinessProbe:
            httpGet:
              path: /
---
YAML
}
{
  service lit '        pilotlight.dev/reserve-instance: "true"'
  service cold ''
} >"$WORK/services.yaml"

"$ROOT/pilotlight" --version >/dev/null # builds the jar first when needed
"$ROOT/pilotlight" local --port "$PORT" --admin-port "$ADMIN" --state-dir "$WORK/state" \
  --scale-to-zero-grace 0s "$WORK/services.yaml" >"$WORK/local.log" 2>&1 &
LOCAL=$!
cleanup() { kill "$LOCAL" 2>/dev/null || true; wait "$LOCAL" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
wait_port "$ADMIN"
# both services ready once first, so the first round measures an idle period, not the start-up
deadline=$((SECONDS + 120))
services_ready() { # the services part of the status, before the revisions
  curl -s "http://127.0.0.1:$ADMIN/status" | sed -n '/"services"/,/"revisions"/p' | grep -c '"ready" : true'
}
until [ "$(services_ready)" -ge 2 ]; do
  if ((SECONDS > deadline)); then echo "services not ready; log:" >&2; tail -20 "$WORK/local.log" >&2; exit 1; fi
  sleep 0.5
done

"$ROOT/pilotlight" loadtest "http://127.0.0.1:$PORT/" --host lit.default.localhost \
  --scenario pilot-light --observe lit --compare-host cold.default.localhost --compare-observe cold \
  --rounds "$N" --admin-port "$ADMIN" --wait 2m --json "$OUT" || {
  echo "loadtest failed; local log:" >&2
  tail -30 "$WORK/local.log" >&2
  exit 1
}
echo "JSON: $OUT"
cp "$WORK/local.log" "${OUT%.json}.log"
echo "local log: ${OUT%.json}.log"
