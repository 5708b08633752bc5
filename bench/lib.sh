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
