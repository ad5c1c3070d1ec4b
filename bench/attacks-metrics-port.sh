#!/usr/bin/env bash
# Issue 12 items 2 and 3 against a server jar (bench/results/attacks-h2.md): misspelt probe paths, 250 idle
# sockets on the metrics port then 20 tick logins, and slow-loris clients while /health/live is probed every
# second. Each case starts a fresh server (plain TCP, configured as the k8s manifests configure memory) and always
# stops it. Usage: bench/attacks-metrics-port.sh [SERVER_JAR] (default server/target/tick-storm-server.jar).
# Environment: SLOW_SECONDS (60), PORT (18080), METRICS_PORT (19090). Needs: ./mvnw -B -DskipTests package, curl.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER_JAR=${1:-server/target/tick-storm-server.jar}
BENCH_JAR=bench/target/tick-storm-bench.jar
PORT=${PORT:-18080}
METRICS_PORT=${METRICS_PORT:-19090}
SLOW_SECONDS=${SLOW_SECONDS:-60}
export TICK_STORM_PASSWORD="attack-$RANDOM$RANDOM"
SERVER_PID=

attack() { java -cp "$BENCH_JAR" io.tickstorm.bench.attack.MetricsPortAttack "$@" 2>&1 | tail -1; }

start_server() {
    env TLS_ENABLED=false AUTH_USERNAME=bench AUTH_PASSWORD="$TICK_STORM_PASSWORD" TICK_BACKFILL=1m \
        LISTEN_ADDR="127.0.0.1:$PORT" METRICS_ADDR="127.0.0.1:$METRICS_PORT" ULIMIT_MAX_MEMORY_SIZE=1610612736 "$@" \
        java -Xmx1g -XX:+UseG1GC -jar "$SERVER_JAR" >/dev/null 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 240); do
        curl -sf -o /dev/null "http://127.0.0.1:$METRICS_PORT/health/ready" && return
        sleep 0.5
    done
    echo "server did not become ready" >&2
    exit 1
}

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT

start_server
for path in /health/live /health/liveX /healthz /health/ready/ /; do
    echo "GET $path -> $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$METRICS_PORT$path")"
done
attack idle "$METRICS_PORT" 250 "$PORT" 20 bench
stop_server

start_server METRICS_REQUEST_TIMEOUT_MS=600000
echo "with METRICS_REQUEST_TIMEOUT_MS=600000: $(attack idle "$METRICS_PORT" 250 "$PORT" 20 bench)"
stop_server

start_server
attack slowloris "$METRICS_PORT" 1 25000 "$SLOW_SECONDS"
stop_server

start_server
attack slowloris "$METRICS_PORT" 200 2000 30
