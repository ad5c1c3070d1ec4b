#!/usr/bin/env bash
# Runs every scenario of bench/README.md (JFR on, unless JFR=0), then the JMH suite with short but honest settings.
# Everything lands in bench/results/; the combined console output in bench/results/run-all-<UTC time>.log.
# Takes about 12 minutes on the 2-core project machine. Needs ./mvnw -B -DskipTests package done.
set -uo pipefail
cd "$(dirname "$0")/.."
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
LOG=bench/results/run-all-$STAMP.log
for scenario in 1 2 3 4 5 6; do
    JFR=${JFR:-1} bench/scenario.sh "$scenario" 2>&1 | tee -a "$LOG"
done
timeout 900 java -cp bench/target/tick-storm-bench.jar org.openjdk.jmh.Main -f 1 -wi 3 -i 5 -w 1s -r 1s \
    -rf json -rff "bench/results/jmh-$STAMP.json" 2>&1 | tee -a "$LOG"
