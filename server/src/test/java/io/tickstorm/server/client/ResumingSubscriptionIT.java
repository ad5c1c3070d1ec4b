package io.tickstorm.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tickstorm.protocol.cli.TickClientCli;
import io.tickstorm.protocol.client.ReconnectPolicy;
import io.tickstorm.protocol.client.ResumeListener;
import io.tickstorm.protocol.client.ResumingSubscription;
import io.tickstorm.protocol.client.ServerAddress;
import io.tickstorm.protocol.client.Subscription;
import io.tickstorm.protocol.client.TickClientException;
import io.tickstorm.protocol.client.TickClientOptions;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The headline promise (PROTOCOL.md §5.3, §5.5, §5.10): a server shut down gracefully (ERROR SERVER_SHUTTING_DOWN)
 * and started again on the same port mid-stream; the resuming subscription (and the CLI's {@code --reconnect} built
 * on it) reconnects, resumes SECOND bars from the last timestamp + 1 and sees every second exactly once.
 */
class ResumingSubscriptionIT {

    private static final long WAIT_SECONDS = 60;
    /** Short delays so the test reconnects soon after the restart; the policy's shape is unit-tested. */
    private static final ReconnectPolicy FAST = new ReconnectPolicy(true, Duration.ofMillis(100),
            Duration.ofMillis(500), ReconnectPolicy.DEFAULT_SILENCE_TIMEOUT);

    /** Records everything on the subscription's event loop into thread-safe collections. */
    private static final class Recorder implements ResumeListener {
        final BlockingQueue<DataBatch> batches = new LinkedBlockingQueue<>();
        final List<String> gaps = new CopyOnWriteArrayList<>();
        final BlockingQueue<Throwable> disconnects = new LinkedBlockingQueue<>();
        final BlockingQueue<long[]> subscriptions = new LinkedBlockingQueue<>();

        @Override
        public void onBatch(DataBatch batch) {
            batches.add(batch);
        }

        @Override
        public void onGap(long expected, long actual) {
            gaps.add("expected " + expected + ", got " + actual);
        }

        @Override
        public void onSubscribed(ServerAddress address, long startTimeMs, boolean resumed) {
            subscriptions.add(new long[] {startTimeMs, resumed ? 1 : 0});
        }

        @Override
        public void onDisconnected(ServerAddress address, boolean subscribed, Throwable cause) {
            disconnects.add(cause);
        }

        DataBatch next() throws InterruptedException {
            DataBatch batch = batches.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(batch, "no batch within " + WAIT_SECONDS + " s");
            return batch;
        }
    }

    @Test
    void resumesSecondBarsAcrossAServerRestartWithNoGapAndNoDuplicate() throws Exception {
        TickServer first = TestServers.start();
        int port = first.tickAddress().getPort();
        TickServer second = null;
        Recorder recorder = new Recorder();
        TickClientOptions options = TickClientOptions.builder().tls(false)
                .credentials(TestServers.USER, TestServers.PASSWORD).build();
        try (ResumingSubscription stream = new ResumingSubscription(options,
                List.of(new ServerAddress("127.0.0.1", port)),
                Subscription.of(SubscriptionMode.SECOND, List.of("AAPL", "MSFT")), FAST, recorder)) {
            stream.start();
            List<DataBatch> seen = new ArrayList<>();
            while (seen.size() < 3) {
                seen.add(recorder.next());
            }
            long[] initial = recorder.subscriptions.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(0, initial[0], "the first subscription starts from the snapshot");

            first.close();
            Throwable cause = recorder.disconnects.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(cause instanceof TickClientException failure
                    && failure.code() == ErrorCode.SERVER_SHUTTING_DOWN, String.valueOf(cause));
            recorder.batches.drainTo(seen);
            long lastBeforeRestart = seen.get(seen.size() - 1).getBatchSequence();
            // Let at least two seconds close while no server runs: they must be replayed, not lost.
            Thread.sleep(2_500);
            second = TestServers.start(Map.of("tick-storm.listen-addr", "127.0.0.1:" + port));

            long[] resumed = recorder.subscriptions.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(resumed, "resubscribed after the restart");
            assertEquals(1, resumed[1], "a resumed subscription");
            assertEquals(lastTimestamp(seen) + 1, resumed[0], "start_time_ms = last timestamp seen + 1");
            while (Integer.toUnsignedLong(seen.get(seen.size() - 1).getBatchSequence()) < lastBeforeRestart + 5) {
                seen.add(recorder.next());
            }

            assertEquals(List.of(), recorder.gaps);
            assertEquals(0, stream.gaps());
            assertFalse(stream.terminated().isDone());
            long previous = -1;
            for (DataBatch batch : seen) {
                long sequence = Integer.toUnsignedLong(batch.getBatchSequence());
                if (previous >= 0) {
                    assertEquals(previous + 1, sequence, "every second exactly once: " + sequences(seen));
                }
                previous = sequence;
                for (Tick tick : batch.getTicksList()) {
                    assertEquals(sequence * 1_000, tick.getTimestampMs(), "a SECOND bar sits on its boundary");
                }
            }
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void cliReconnectResumesAcrossARestartAndExitsZeroWithoutGaps() throws Exception {
        TickServer first = TestServers.start();
        int port = first.tickAddress().getPort();
        TickServer second = null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Map<String, String> env = Map.of("TICK_STORM_USER", TestServers.USER, "TICK_STORM_PASSWORD",
                TestServers.PASSWORD);
        // 3 batches before the restart, the missed seconds replayed, then live ones: 12 in all.
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> TickClientCli.run(new String[] {
            "--no-tls", "--host", "127.0.0.1:" + port, "--symbols", "aapl", "--reconnect", "--count", "12",
            "--json", "--duration", "120s"}, env, InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), errStream));
        try {
            waitForLines(out, 3);
            first.close();
            Thread.sleep(2_500);
            second = TestServers.start(Map.of("tick-storm.listen-addr", "127.0.0.1:" + port));
            int code = exit.get(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            String errText = err.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, errText);
            assertTrue(errText.contains("warning: lost 127.0.0.1:" + port + ": SERVER_SHUTTING_DOWN"), errText);
            assertTrue(errText.contains("info: reconnecting to 127.0.0.1:" + port + " in "), errText);
            assertTrue(errText.contains("info: subscribed on 127.0.0.1:" + port + ", resuming from start_time_ms="),
                    errText);
            assertFalse(errText.contains("gap"), errText);
            String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
            assertEquals(12, lines.length);
            long previous = -1;
            for (String line : lines) {
                long sequence = Long.parseLong(line.replaceAll(".*\"batch_sequence\":(\\d+).*", "$1"));
                if (previous >= 0) {
                    assertEquals(previous + 1, sequence, String.join("\n", lines));
                }
                previous = sequence;
            }
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    /** Waits for the CLI to print {@code lines} lines; the bound only keeps a broken run from hanging. */
    private static void waitForLines(ByteArrayOutputStream out, int lines) throws InterruptedException {
        for (int polls = 0; polls < WAIT_SECONDS * 20; polls++) {
            if (out.size() > 0 && out.toString(StandardCharsets.UTF_8).split("\n").length >= lines) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the CLI printed fewer than " + lines + " lines: " + out.toString(StandardCharsets.UTF_8));
    }

    private static long lastTimestamp(List<DataBatch> batches) {
        long last = 0;
        for (DataBatch batch : batches) {
            for (Tick tick : batch.getTicksList()) {
                last = Math.max(last, tick.getTimestampMs());
            }
        }
        return last;
    }

    private static String sequences(List<DataBatch> batches) {
        StringBuilder text = new StringBuilder();
        for (DataBatch batch : batches) {
            text.append(Integer.toUnsignedLong(batch.getBatchSequence())).append(batch.getIsSnapshot() ? "s " : " ");
        }
        return text.toString();
    }
}
