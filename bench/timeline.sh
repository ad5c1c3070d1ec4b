#!/usr/bin/env bash
# Samples a running server's /metrics every INTERVAL seconds until it stops answering, one line per sample: what
# overload does over time (bench/scenario.sh 11, or any scenario with TIMELINE=1). Columns: seconds since start,
# REALTIME subscriptions, slow-consumer closes so far (all, and by the server-wide budget), bytes queued on all
# connections (MiB), server RSS (MiB), feed lag (s), ticks delivered per second and the p99 of the server-side
# publish latency (feed to socket) over the interval (ms; ">2500" past the largest bucket).
# Usage: bench/timeline.sh METRICS_PORT SERVER_PID [INTERVAL] > timeline.txt
set -uo pipefail
PORT=${1:?metrics port} PID=${2:?server pid} INTERVAL=${3:-5}
echo "t_s realtime_subs slow_closes total_budget_closes queued_MiB rss_MiB feed_lag_s delivered_ticks_per_s publish_p99_ms"
START=$(date +%s.%N)
PREV=""
while kill -0 "$PID" 2>/dev/null; do
    SCRAPE=$(curl -s --max-time 2 "http://127.0.0.1:$PORT/metrics") || break
    NOW=$(date +%s.%N)
    RSS=$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$PID/status" 2>/dev/null)
    CUR=$(awk -v now="$NOW" '
        /^tick_storm_subscriptions\{mode="realtime",?\}/ {subs = $2}
        /^tick_storm_slow_consumer_disconnects_total / {slow = $2}
        /^tick_storm_outbound_total_budget_disconnects_total / {total = $2}
        /^tick_storm_outbound_pending_bytes / {queued = $2}
        /^tick_storm_feed_lag_seconds / {lag = $2}
        /^tick_storm_ticks_sent_total\{mode="realtime",?\}/ {ticks = $2}
        /^tick_storm_publish_latency_seconds_bucket\{mode="realtime",le=/ {
            le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le); buckets = buckets " " le "=" $2 }
        END {printf "%s %d %d %d %.1f %.3f %.0f%s", now, subs, slow, total, queued / 1048576, lag, ticks, buckets}
    ' <<<"$SCRAPE")
    if [[ -n $PREV ]]; then
        awk -v start="$START" -v rss="${RSS:-0}" -v prev="$PREV" -v cur="$CUR" 'BEGIN {
            np = split(prev, p, " "); nc = split(cur, c, " ")
            dt = c[1] - p[1]
            n = 0
            for (i = 8; i <= nc; i++) { split(c[i], kv, "="); split(p[i], pv, "="); le[++n] = kv[1]; d[n] = kv[2] - pv[2] }
            p99 = "-"
            if (n > 0 && d[n] > 0) {
                for (i = 1; i <= n; i++) if (d[i] >= 0.99 * d[n]) { p99 = (le[i] == "+Inf") ? ">2500" : le[i] * 1000; break }
            }
            printf "%.0f %d %d %d %s %.0f %s %.0f %s\n", c[1] - start, c[2], c[3], c[4], c[5], rss, c[6],
                (c[7] - p[7]) / dt, p99
        }'
    fi
    PREV=$CUR
    sleep "$INTERVAL"
done
