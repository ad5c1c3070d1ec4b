#!/usr/bin/env bash
# Runs one benchmark scenario of bench/README.md in one command: starts the server jar with the scenario's
# settings, runs the load generator against it, writes everything into bench/results/s<N>-<UTC time>/ and always
# stops the server. Usage: bench/scenario.sh N [extra load-generator flags, which override the scenario's]
# Environment: SERVER_JVM (server JVM options, default "-XX:+UseG1GC -Xms2g -Xmx2g", plus -XX:+AlwaysPreTouch in
# scenario 1), SERVER_EXTRA_ENV (more server env vars), TLS=0 (plain TCP instead of TLS, for comparison), JFR=1 (record the server with
# JFR and list its hottest methods), SERVER_JAR (another server build, e.g. one from before a change), PORT (28080), METRICS_PORT (29090), RATE (scenario 3 tick rate), OUT (the result
# directory), TIMELINE=1 (sample /metrics every 5 s into timeline.txt, bench/timeline.sh; always on in scenario 11),
# BASE (scenario 11's base rate). Scenario 9 (Kafka) needs a broker and a publisher: run it with bench/kafka-latency.sh.
# Needs: ./mvnw -B -DskipTests package done, a JDK (java, jcmd, jfr) on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

SCENARIO=${1:?usage: bench/scenario.sh 1..9 [generator flags]}
shift
SERVER_JAR=${SERVER_JAR:-server/target/tick-storm-server.jar}
BENCH_JAR=bench/target/tick-storm-bench.jar
PORT=${PORT:-28080}
METRICS_PORT=${METRICS_PORT:-29090}
DEFAULT_JVM="-XX:+UseG1GC -Xms2g -Xmx2g"
OUT=${OUT:-bench/results/s$SCENARIO-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/tmp"
PASSWORD="bench-$RANDOM$RANDOM"

SERVER_ENV=(TLS_ENABLED=true)
TLS_FLAGS=(--tls --server-name localhost)
case $SCENARIO in
    1)  # Idle capacity: as many TLS MINUTE subscribers as the server's derived cap (read from its log below).
        # Pre-touched heap: RSS then grows only by native and direct memory; --server-gc measures the live heap.
        DEFAULT_JVM+=" -XX:+AlwaysPreTouch"
        # Paced (500/s, 100 in flight per worker): faster bursts trip the server's open-files breach (RESULTS.md,
        # finding 1); "--max-pending 500 --connect-rate 0" reproduces that.
        GEN=(--mode MINUTE --max-per-worker 10000 --source-addresses 2 --max-pending 100 --connect-rate 500
             --hold-seconds 75 --heartbeat-ms 15000 --server-gc) ;;
    2)  # Second-boundary burst: 10,000 TLS SECOND subscribers of a 100-symbol universe.
        SERVER_ENV+=("TICK_SYMBOLS=$(seq -f 'S%03g' 0 99 | paste -sd,)")
        GEN=(--mode SECOND --connections 10000 --max-pending 500 --hold-seconds 30 --heartbeat-ms 15000) ;;
    3)  # Realtime throughput: 1,000 plain-TCP REALTIME subscribers, feed at RATE ticks/s.
        SERVER_ENV=(TLS_ENABLED=false "TICK_RATE=${RATE:-20000}" TICK_BACKFILL=1m)
        TLS_FLAGS=(--no-tls)
        GEN=(--mode REALTIME --connections 1000 --hold-seconds 20 --heartbeat-ms 15000) ;;
    4)  # Realtime latency: 1,000 TLS REALTIME subscribers, 1,000 ticks/s.
        SERVER_ENV+=(TICK_RATE=1000)
        GEN=(--mode REALTIME --connections 1000 --hold-seconds 30 --heartbeat-ms 15000) ;;
    5)  # Connection storm: 10,000 TLS clients at once (no pacing, no pending cap), twice (the second round resumes).
        GEN=(--mode SECOND --connections 10000 --max-pending 0 --rounds 2 --hold-seconds 5 --heartbeat-ms 15000) ;;
    6)  # Slow consumers: 100 of 1,100 TLS REALTIME subscribers stop reading; 5,000 ticks/s.
        SERVER_ENV+=(TICK_RATE=5000)
        GEN=(--mode REALTIME --connections 1100 --slow 100 --slow-rcvbuf 4096 --drain-seconds 10 --hold-seconds 40
             --heartbeat-ms 15000) ;;
    7|8)  # File replay, looped: a 2M-line recording of 110 symbols, one tick per ms (written once, kept in
        # bench/results/recording.ndjson). 7: 1,000 plain-TCP REALTIME subscribers at SPEED (default 10, i.e.
        # 10,000 ticks/s, scenario 3's sustainable rate; delivered ticks/s); 8: unpaced (speed 0) with one SECOND
        # subscriber, so the feed thread only ingests (parsed ticks/s, from tick_storm_feed_ticks_total).
        RECORDING=bench/results/recording.ndjson
        [[ -f $RECORDING ]] || java -cp "$BENCH_JAR" io.tickstorm.bench.load.RecordingWriter "$RECORDING" 2000000 110
        SPEED=${SPEED:-10}
        [[ $SCENARIO == 8 ]] && SPEED=0
        SERVER_ENV=(TLS_ENABLED=false FEED_SOURCE=file "FEED_FILE=$RECORDING" "FEED_FILE_SPEED=$SPEED"
                    FEED_FILE_LOOP=true)
        TLS_FLAGS=(--no-tls)
        if [[ $SCENARIO == 7 ]]; then
            GEN=(--mode REALTIME --connections 1000 --hold-seconds 20 --heartbeat-ms 15000)
        else
            GEN=(--mode SECOND --connections 1 --hold-seconds 20 --heartbeat-ms 15000)
        fi ;;
    9)  # Kafka end to end: 1,000 plain-TCP REALTIME subscribers of a server reading a topic that a publisher feeds
        # with ticks stamped when produced (bench/kafka-latency.sh starts the broker and the publisher first).
        SERVER_ENV=(TLS_ENABLED=false FEED_SOURCE=kafka
                    "KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:?scenario 9: run bench/kafka-latency.sh}"
                    "KAFKA_TOPIC=${KAFKA_TOPIC:-ticks}")
        TLS_FLAGS=(--no-tls)
        GEN=(--mode REALTIME --connections 1000 --hold-seconds 20 --heartbeat-ms 15000) ;;
    10) # Conflation: 1,000 fast plain-TCP REALTIME subscribers (measured as in scenario 3, feed at RATE, default
        # 5,000 ticks/s) beside CONFLATED (default 10,000) conflated 500 ms subscribers of CONFLATED_SYMBOLS
        # (default 10 symbols, a dashboard) on the same feed, connected first by a second generator (2 workers, 2
        # source addresses, --server-gc: server RSS and heap per conflated subscriber) that holds until the fast
        # run ends. CONFLATED=0 is the baseline run without them.
        SERVER_ENV=(TLS_ENABLED=false "TICK_RATE=${RATE:-5000}" TICK_BACKFILL=1m)
        TLS_FLAGS=(--no-tls)
        GEN=(--mode REALTIME --connections 1000 --hold-seconds 20 --heartbeat-ms 15000) ;;
    11) # Overload: 1,000 plain-TCP REALTIME subscribers of a recording at BASE ticks/s (default 10,000, scenario 3's
        # sustainable rate) with a burst at twice that in the middle (20 s each; written once, kept in bench/results).
        BASE=${BASE:-10000}
        RECORDING=bench/results/overload-$BASE.ndjson
        [[ -f $RECORDING ]] || java -cp "$BENCH_JAR" io.tickstorm.bench.load.RecordingWriter "$RECORDING" 0 110 \
            "$BASE:20,$((2 * BASE)):20,$BASE:20"
        SERVER_ENV=(TLS_ENABLED=false FEED_SOURCE=file "FEED_FILE=$RECORDING" FEED_FILE_SPEED=1)
        TLS_FLAGS=(--no-tls)
        # Four generator processes: one alone can stall while 1,000 subscribers connect, and then every one of
        # them is cut at once (bench/RESULTS.md, "Overload"); "--workers 1" reproduces that.
        GEN=(--mode REALTIME --connections 1000 --workers 4 --hold-seconds 60 --heartbeat-ms 15000) ;;
    *)  echo "unknown scenario $SCENARIO (1..11)" >&2; exit 2 ;;
esac

# Extra server settings, e.g. SERVER_EXTRA_ENV="MAX_CONNECTIONS=15000" (space-separated NAME=value).
# shellcheck disable=SC2206
SERVER_ENV+=(${SERVER_EXTRA_ENV:-})
if [[ ${TLS:-1} == 0 ]]; then
    SERVER_ENV=("${SERVER_ENV[@]/TLS_ENABLED=true/TLS_ENABLED=false}")
    TLS_FLAGS=(--no-tls)
fi
SERVER_JVM=${SERVER_JVM:-$DEFAULT_JVM}
JFR_OPTS=()
if [[ ${JFR:-0} == 1 ]]; then
    JFR_OPTS=("-XX:StartFlightRecording=filename=$OUT/server.jfr,settings=profile,dumponexit=true")
fi

SERVER_PID=
CONFLATED_PID=
cleanup() {
    if [[ -n $CONFLATED_PID ]] && kill -0 "$CONFLATED_PID" 2>/dev/null; then
        kill "$CONFLATED_PID" 2>/dev/null || true
    fi
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$OUT/tmp"
}
trap cleanup EXIT

# shellcheck disable=SC2086 # SERVER_JVM is a list of options
env "${SERVER_ENV[@]}" LISTEN_ADDR=0.0.0.0:$PORT METRICS_ADDR=127.0.0.1:$METRICS_PORT STREAM_USER=bench \
    STREAM_PASS="$PASSWORD" java $SERVER_JVM "${JFR_OPTS[@]}" -Djava.io.tmpdir="$OUT/tmp" -jar "$SERVER_JAR" \
    >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
    grep -q 'Tick-Storm listening' "$OUT/server.log" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited" >&2; cat "$OUT/server.log" >&2; exit 1; }
    sleep 0.1
done
if [[ $SCENARIO == 1 ]]; then
    CAP=$(grep -o '"connection_cap":[0-9]*' "$OUT/server.log" | head -1 | cut -d: -f2)
    GEN=(--connections "${CAP:?server logged no connection_cap}" "${GEN[@]}")
fi
CA=()
if [[ ${TLS_FLAGS[0]} == --tls ]]; then
    # The server logs that it listens just before it writes its generated certificate.
    for _ in $(seq 100); do compgen -G "$OUT/tmp/*.crt" >/dev/null && break; sleep 0.1; done
    CA=(--ca-file "$(ls "$OUT"/tmp/*.crt)")
fi

# The generator's table goes to result.txt, its JSON report to result.json (only with --json), its progress lines
# to the terminal. The password travels in TICK_STORM_PASSWORD (the generator refuses --password); SERVER_PID is
# the server's own PID ($! of the java started above), so --server-pid probes the right process.
COMMAND=(java -Xmx512m -jar "$BENCH_JAR" --port "$PORT" --user bench "${TLS_FLAGS[@]}" "${CA[@]}" "${GEN[@]}"
         --server-pid "$SERVER_PID" --json "$OUT/result.json" "$@")
{
    echo "scenario $SCENARIO, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "server: ${SERVER_ENV[*]} java $SERVER_JVM ${JFR_OPTS[*]} -jar $SERVER_JAR"
    echo "generator: ${COMMAND[*]}"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
         "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
} | tee "$OUT/command.txt"
if [[ $SCENARIO == 10 && ${CONFLATED:-10000} -gt 0 ]]; then
    CONFLATED_SYMBOLS=${CONFLATED_SYMBOLS:-AAPL,MSFT,AMZN,GOOGL,META,NVDA,TSLA,SPY,QQQ,EURUSD}
    CONFLATED_COMMAND=(java -Xmx512m -jar "$BENCH_JAR" --port "$PORT" --user bench --no-tls --mode REALTIME --conflate-ms 500
                       --symbols "$CONFLATED_SYMBOLS" --connections "${CONFLATED:-10000}" --max-per-worker 5000
                       --source-addresses 2 --max-pending 500 --hold-seconds "${CONFLATED_HOLD:-60}"
                       --heartbeat-ms 15000 --server-pid "$SERVER_PID" --server-gc --json "$OUT/conflated.json")
    echo "conflated generator: ${CONFLATED_COMMAND[*]}" | tee -a "$OUT/command.txt"
    TICK_STORM_PASSWORD=$PASSWORD timeout 900 "${CONFLATED_COMMAND[@]}" >"$OUT/conflated.txt" 2>&1 &
    CONFLATED_PID=$!
    conflated_subscriptions() {
        curl -s "http://127.0.0.1:$METRICS_PORT/metrics" \
            | awk '/^tick_storm_subscriptions\{mode="realtime_conflated"/ {print int($2)} END {print 0}' | head -1
    }
    for _ in $(seq 600); do
        (( $(conflated_subscriptions) >= ${CONFLATED:-10000} )) && break
        kill -0 "$CONFLATED_PID" 2>/dev/null \
            || { echo "conflated generator exited" >&2; cat "$OUT/conflated.txt" >&2; exit 1; }
        sleep 0.5
    done
    echo "conflated subscriptions: $(conflated_subscriptions)" | tee -a "$OUT/command.txt"
    # Its "subscribed" sample (a full GC in the server) comes right after its workers are ready: let it pass.
    sleep 5
fi
if [[ $SCENARIO == 10 ]]; then
    # Server CPU with only the conflated subscribers connected (none in the baseline run: the idle server).
    server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
    CPU0=$(server_cpu_ticks); T0=$(date +%s%N)
    sleep 10
    CPU1=$(server_cpu_ticks); T1=$(date +%s%N)
    awk -v c="$((CPU1 - CPU0))" -v hz="$(getconf CLK_TCK)" -v t="$((T1 - T0))" -v n="${CONFLATED:-10000}" \
        'BEGIN {printf "server cpu before the fast run, %d conflated subscribers only: %.2f s in %.1f s = " \
                "%.1f %% of a core\n", n, c / hz, t / 1e9, 100 * c / hz / (t / 1e9)}' | tee "$OUT/conflated-cpu.txt"
fi
feed_ticks() {
    curl -s "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^tick_storm_feed_ticks_total\{/ {n += $2} END {print n + 0}'
}
FEED_BEFORE=$(feed_ticks); FEED_BEFORE_NS=$(date +%s%N)
if [[ $SCENARIO == 11 || ${TIMELINE:-0} == 1 ]]; then
    bench/timeline.sh "$METRICS_PORT" "$SERVER_PID" 5 >"$OUT/timeline.txt" &
fi
if [[ $SCENARIO == 1 ]]; then
    # The server's open descriptors and RSS once a second, for the marginal memory per connection below: the
    # generator's rss/conn divides all growth since the start by the connections, one-time costs included (JIT code,
    # classes, the buffer pool's first chunks: about 21 MiB, 1.1 KiB per connection at 19,744; bench/RESULTS.md).
    ( while kill -0 "$SERVER_PID" 2>/dev/null; do
        fds=$(stat -c %s "/proc/$SERVER_PID/fd" 2>/dev/null) || break
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null) || break
        echo "$(date +%s) $fds $rss"
        sleep 1
      done ) >"$OUT/rss-by-descriptors.txt" &
fi
RC=0
TICK_STORM_PASSWORD=$PASSWORD timeout 900 "${COMMAND[@]}" >"$OUT/result.txt" || RC=$?
if [[ -f $OUT/timeline.txt ]]; then
    echo "timeline (every 5 s):"; cat "$OUT/timeline.txt"
fi
FEED_AFTER=$(feed_ticks); FEED_AFTER_NS=$(date +%s%N)
if [[ -n $CONFLATED_PID ]]; then
    wait "$CONFLATED_PID" || echo "conflated generator exit code $?" | tee -a "$OUT/feed.txt"
    CONFLATED_PID=
    sed -n '/^{/q;p' "$OUT/conflated.txt" | sed 's/^/conflated: /'
fi
awk -v a="$FEED_BEFORE" -v b="$FEED_AFTER" -v t0="$FEED_BEFORE_NS" -v t1="$FEED_AFTER_NS" \
    'BEGIN {printf "feed: %d records read by the source in %.1f s = %.0f records/s\n", b - a, (t1 - t0) / 1e9,
            (b - a) / ((t1 - t0) / 1e9)}' | tee "$OUT/feed.txt"
if [[ -s $OUT/rss-by-descriptors.txt ]]; then
    # From the first sample at half the peak descriptor count to the sample 5 s after the peak was first reached.
    awk '{t[NR] = $1; f[NR] = $2; r[NR] = $3; if ($2 > peak) { peak = $2; at = NR }}
         END {
             for (i = 1; i <= NR && f[i] < peak / 2; i++) {}
             for (j = at; j < NR && t[j] < t[at] + 5; j++) {}
             if (f[j] > f[i]) printf "server rss/conn (marginal: %d to %d descriptors)  %.3f KiB\n", f[i], f[j],
                                     (r[j] - r[i]) / (f[j] - f[i])
         }' "$OUT/rss-by-descriptors.txt" >>"$OUT/result.txt"
fi
cat "$OUT/result.txt"
grep -h -o '"connection_cap[a-z_]*":[^,]*' "$OUT/server.log" | sort -u | tr '\n' ' '; echo
kill "$SERVER_PID" 2>/dev/null || true
for _ in $(seq 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if [[ -f $OUT/server.jfr ]]; then
    # Where the server's CPU went. ExecutionSample: threads running Java code; NativeMethodSample: threads in
    # native code (syscalls, OpenSSL, and idle event loops in epoll_wait). Top-of-stack frames, then the Java samples
    # by thread and by the innermost io.tickstorm frame (which server code path they belong to).
    for event in ExecutionSample NativeMethodSample; do
        jfr print --stack-depth 64 --events "jdk.$event" "$OUT/server.jfr" >"$OUT/$event.txt"
        grep -A1 'stackTrace = \[' "$OUT/$event.txt" | grep -v -e 'stackTrace = \[' -e '^--' \
            | sed -e 's/line:.*//' -e 's/^ *//' | sort | uniq -c | sort -rn | head -40 >"$OUT/hot-$event.txt"
        echo "hottest server frames, jdk.$event:"; head -12 "$OUT/hot-$event.txt"
    done
    grep -o 'sampledThread = "[^"]*' "$OUT/ExecutionSample.txt" | sed 's/sampledThread = "//; s/[0-9]*$//' \
        | sort | uniq -c | sort -rn >"$OUT/hot-threads.txt"
    awk '/stackTrace = \[/ {s = 1; f = ""; next}
         s && /^[[:space:]]*\]/ {print (f == "" ? "(no io.tickstorm frame)" : f); s = 0; next}
         s && f == "" && /io\.tickstorm/ {f = $0; sub(/line:.*/, "", f); gsub(/^[[:space:]]+/, "", f)}' \
        "$OUT/ExecutionSample.txt" | sort | uniq -c | sort -rn | head -30 >"$OUT/hot-tickstorm-paths.txt"
    echo "Java samples by thread:"; head -8 "$OUT/hot-threads.txt"
    echo "Java samples by innermost io.tickstorm frame:"; head -12 "$OUT/hot-tickstorm-paths.txt"
    rm -f "$OUT/ExecutionSample.txt" "$OUT/NativeMethodSample.txt"
fi
echo "results in $OUT (generator exit code $RC)"
exit $RC
