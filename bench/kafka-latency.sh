#!/usr/bin/env bash
# Scenario 9: producer timestamp -> subscriber receipt through a real Kafka broker. Starts a single-node KRaft
# broker (Apache Kafka 4.3.1, jars fetched with Maven into the git-ignored bench/.kafka/ on first use), creates the
# topic (LogAppendTime, PARTITIONS partitions), publishes the 110-symbol recording of scenarios 7 and 8 with
# `publish --rate RATE --retime` (each tick's timestamp_ms = the time it is produced), then runs
# `bench/scenario.sh 9` (server with FEED_SOURCE=kafka, 1,000 plain-TCP REALTIME subscribers, as scenario 3), whose
# REALTIME latency (receipt - oldest tick's timestamp_ms per batch) is then producer -> subscriber. Always stops the
# publisher and the broker and deletes the broker's data.
# Usage: bench/kafka-latency.sh [extra load-generator flags]
# Environment: RATE (published ticks/s, 1000), PARTITIONS (4), KAFKA_PORT (38092; the controller uses +1), PORT
# (38080), METRICS_PORT (38090), plus scenario.sh's SERVER_JVM, SERVER_EXTRA_ENV, JFR.
# Needs: ./mvnw -B -DskipTests package done, a JDK 17 on PATH, Maven Central reachable on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

KAFKA_VERSION=4.3.1
KAFKA_DIR=bench/.kafka
KAFKA_LIB=$KAFKA_DIR/lib-$KAFKA_VERSION-2
KAFKA_PORT=${KAFKA_PORT:-38092}
CONTROLLER_PORT=$((KAFKA_PORT + 1))
BOOTSTRAP=127.0.0.1:$KAFKA_PORT
TOPIC=ticks
RATE=${RATE:-1000}
PARTITIONS=${PARTITIONS:-4}
SERVER_JAR=server/target/tick-storm-server.jar
BENCH_JAR=bench/target/tick-storm-bench.jar
RECORDING=bench/results/recording.ndjson
OUT=bench/results/s9-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"

# The broker and the topic tool (kafka_2.13 runs the broker; kafka-tools has TopicCommand), never committed.
if [[ ! -f $KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar ]]; then
    mkdir -p "$KAFKA_DIR"
    cat >"$KAFKA_DIR/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.bench</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <!-- the broker's errors on its console (log4j 2 defaults: ERROR and above) -->
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.25.4</version></dependency>
  </dependencies>
</project>
EOF
    ./mvnw -B -q -ntp -f "$KAFKA_DIR/pom.xml" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$PWD/$KAFKA_LIB.tmp"
    mv "$KAFKA_LIB.tmp" "$KAFKA_LIB"
fi
[[ -f $RECORDING ]] || java -cp "$BENCH_JAR" io.tickstorm.bench.load.RecordingWriter "$RECORDING" 2000000 110

DATA=$KAFKA_DIR/run-$$
BROKER_PID=
PUBLISH_PID=
stop() { # pid, seconds to wait before SIGKILL
    if [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; then
        kill "$1" 2>/dev/null || true
        for _ in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$1" 2>/dev/null || true
    fi
}
cleanup() {
    stop "$PUBLISH_PID" 10
    stop "$BROKER_PID" 30
    rm -rf "$DATA"
}
trap cleanup EXIT

mkdir -p "$DATA"
cat >"$DATA/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$PWD/$DATA/log
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=false
EOF
cp "$DATA/server.properties" "$OUT/kafka-server.properties"
KAFKA_CP="$KAFKA_LIB/*"
java -cp "$KAFKA_CP" kafka.tools.StorageTool format --standalone -c "$DATA/server.properties" \
    -t "$(java -cp "$KAFKA_CP" kafka.tools.StorageTool random-uuid 2>/dev/null)" >"$OUT/kafka-format.log" 2>&1
java -Xms1g -Xmx1g -cp "$KAFKA_CP" kafka.Kafka "$DATA/server.properties" >"$OUT/kafka.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 600); do
    (echo >"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null && break
    kill -0 "$BROKER_PID" 2>/dev/null || { echo "broker exited" >&2; cat "$OUT/kafka.log" >&2; exit 1; }
    sleep 0.1
done
java -cp "$KAFKA_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --topic "$TOPIC" \
    --partitions "$PARTITIONS" --config message.timestamp.type=LogAppendTime 2>&1 | grep -v SLF4J
java -cp "$KAFKA_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --describe \
    --topic "$TOPIC" 2>&1 | grep -v SLF4J | tee "$OUT/topic.txt"

# Publishing starts before the server, so that the server learns the 110 symbols while rebuilding its history and
# the subscribers get them all; the recording (2M ticks) lasts far longer than the run at RATE ticks/s.
PUBLISH=(java -Xmx256m -jar "$SERVER_JAR" publish --bootstrap-servers "$BOOTSTRAP" --topic "$TOPIC" --rate "$RATE"
         --retime "$RECORDING")
echo "publisher: ${PUBLISH[*]}" >"$OUT/publish-command.txt"
"${PUBLISH[@]}" >"$OUT/publish.out" 2>"$OUT/publish.log" &
PUBLISH_PID=$!
for _ in $(seq 300); do
    grep -q 'ticks sent' "$OUT/publish.log" 2>/dev/null && break
    kill -0 "$PUBLISH_PID" 2>/dev/null || { echo "publisher exited" >&2; cat "$OUT/publish.log" >&2; exit 1; }
    sleep 0.1
done
sleep 2

cpu_seconds() { # utime + stime of a process, in seconds
    awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"
}
BROKER_CPU0=$(cpu_seconds "$BROKER_PID"); PUBLISH_CPU0=$(cpu_seconds "$PUBLISH_PID"); T0=$(date +%s%N)
RC=0
OUT=$OUT KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP KAFKA_TOPIC=$TOPIC PORT=${PORT:-38080} METRICS_PORT=${METRICS_PORT:-38090} \
    bench/scenario.sh 9 "$@" || RC=$?
BROKER_CPU1=$(cpu_seconds "$BROKER_PID"); PUBLISH_CPU1=$(cpu_seconds "$PUBLISH_PID"); T1=$(date +%s%N)
{
    echo "during bench/scenario.sh 9 ($(awk -v a="$T0" -v b="$T1" 'BEGIN {printf "%.1f", (b - a) / 1e9}') s):"
    echo "broker CPU: $(awk -v a="$BROKER_CPU0" -v b="$BROKER_CPU1" 'BEGIN {printf "%.2f", b - a}') s," \
         "publisher CPU: $(awk -v a="$PUBLISH_CPU0" -v b="$PUBLISH_CPU1" 'BEGIN {printf "%.2f", b - a}') s"
    echo "publisher progress, last line: $(tail -1 "$OUT/publish.log")"
} | tee "$OUT/kafka.txt"
echo "results in $OUT (scenario exit code $RC)"
exit $RC
