#!/usr/bin/env bash
# Autoscaler benchmarks (JMH): one decision round over 100,000 revisions with a full window of
# stats, and poke-to-decision latency; then the heap each revision costs. Usage: bench/autoscaler.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -q -B -pl autoscaler -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
CP="autoscaler/target/test-classes:autoscaler/target/classes:$(cat autoscaler/target/classpath.txt)"
# one core for the tick, as the goal states it
taskset -c 0 java -Xmx2g -cp "$CP" org.openjdk.jmh.Main ScalerLoopBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
java -cp "$CP" org.openjdk.jmh.Main PokeBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s
java -Xmx2g -cp "$CP" dev.pilotlight.autoscaler.bench.HeapPerRevision 100000
