#!/usr/bin/env bash
# Issue 12 item 1 as measured in bench/results/attacks-h1a.md: starts a server jar configured as the Kubernetes
# manifests configure it (ULIMIT_MAX_MEMORY_SIZE=1610612736, -Xmx1g, G1), runs io.tickstorm.bench.attack.PreAuthFlood
# against it (unauthenticated connections sending most of a large frame, a SECOND subscriber watching, logins tried
# after the attackers leave), prints its report and always stops the server.
# Usage: bench/attack-preauth.sh [server jar] [extra PreAuthFlood flags]
# Environment: SERVER_JVM (default "-Xmx1g -XX:+UseG1GC -XX:G1PeriodicGCInterval=60000"), SERVER_EXTRA_ENV (more
# server env vars, e.g. "BUFFER_ALLOCATOR=adaptive PRE_AUTH_MAX_PAYLOAD_BYTES=65536"), PORT (38080), METRICS_PORT
# (39090). Needs: ./mvnw -B -DskipTests package done.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER_JAR=${1:-server/target/tick-storm-server.jar}
shift || true
BENCH_JAR=bench/target/tick-storm-bench.jar
PORT=${PORT:-38080}
METRICS_PORT=${METRICS_PORT:-39090}
PASSWORD="attack-$RANDOM$RANDOM"
LOG=$(mktemp /tmp/attack-preauth-server-XXXX.log)

# shellcheck disable=SC2086
env TLS_ENABLED=false AUTH_USERNAME=tickstorm AUTH_PASSWORD="$PASSWORD" LISTEN_ADDR="127.0.0.1:$PORT" \
    METRICS_ADDR="127.0.0.1:$METRICS_PORT" ULIMIT_MAX_MEMORY_SIZE=1610612736 ${SERVER_EXTRA_ENV:-} \
    java ${SERVER_JVM:--Xmx1g -XX:+UseG1GC -XX:G1PeriodicGCInterval=60000} -jar "$SERVER_JAR" >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    if curl -fs "http://127.0.0.1:$METRICS_PORT/health/startup" >/dev/null 2>&1; then break; fi
    sleep 0.2
done
echo "server $SERVER_JAR (pid $SERVER_PID, log $LOG) ${SERVER_EXTRA_ENV:-}"
TICK_STORM_PASSWORD="$PASSWORD" java -Xmx512m -cp "$BENCH_JAR" io.tickstorm.bench.attack.PreAuthFlood \
    --port "$PORT" --metrics-port "$METRICS_PORT" --server-pid "$SERVER_PID" "$@"
echo "server log: $(grep -c . "$LOG") lines; WARN/ERROR lines: $(grep -cE '"level":"(WARN|ERROR)"| WARN | ERROR ' "$LOG" || true)"
