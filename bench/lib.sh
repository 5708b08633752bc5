# Helpers shared by the benchmark scripts (sourced, not run).

# need CMD PACKAGE: installs PACKAGE from Debian when CMD is missing (sudo when not root).
need() {
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$1" ]; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" >/dev/null
  fi
}

# wait_port PORT: waits up to 30 s for a listener on 127.0.0.1:PORT, else exits.
wait_port() {
  for _ in $(seq 300); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return
    sleep 0.1
  done
  echo "port $1 did not open" >&2
  exit 1
}

# nginx_service NAME [PORT_NAME] [SED_EXPRESSIONS]: prints a Service (one instance, never at zero)
# whose container is nginx configured from $WORK/backend.conf.in, with __PORT__ (the instance's
# $PORT) and __DIR__ ($WORK) filled in, and any further `-e` expressions given; PORT_NAME names its
# port (h2c: the gateway speaks HTTP/2 to it). Uses the caller's $WORK and $NGINX.
nginx_service() {
  local name="$1" port_name="${2:-}" extra="${3:-}"
  cat <<YAML
apiVersion: serving.pilotlight.dev/v1
kind: Service
metadata:
  name: $name
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
            - sed -e "s|__PORT__|\$PORT|g" -e "s|__DIR__|$WORK|g" $extra $WORK/backend.conf.in > $WORK/instance-\$PORT.conf && exec $NGINX -c $WORK/instance-\$PORT.conf -p $WORK
YAML
  if [ -n "$port_name" ]; then
    printf '          ports:\n            - name: %s\n              containerPort: 8080\n' "$port_name"
  fi
}
