#!/usr/bin/env bash
# The simulator's speed: every preset policy over the 500-function, 8-hour Azure trace, on one core
# (taskset -c 0), wall and CPU time. Usage: bench/simulate.sh TRACE_DIR [extra simulate args]
# TRACE_DIR: the Azure 2019 format; the README's numbers used In-Vitro's 500-function cut (source in
# simulator/src/test/resources/azure-slice/README.md); that slice itself runs in a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TRACE="${1:?usage: bench/simulate.sh TRACE_DIR [extra simulate args]}"
shift || true
./mvnw -q -B -DskipTests -pl cli -am package
OUT="$(mktemp -d)"
/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys, max RSS %M KiB" \
  taskset -c 0 java -jar cli/target/pilotlight.jar simulate --trace "$TRACE" \
  --json "$OUT/sim.json" --report "$OUT/sim.html" --threads 1 "$@"
echo "reports: $OUT/sim.json $OUT/sim.html"
