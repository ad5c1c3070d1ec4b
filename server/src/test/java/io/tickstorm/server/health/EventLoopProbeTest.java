package io.tickstorm.server.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Liveness is read from the last answers of the loops, so a stuck loop fails it without making the reader wait. */
class EventLoopProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void aLoopThatStopsAnsweringFailsTheProbeAndRecovers() throws Exception {
        EventLoopGroup group = new DefaultEventLoopGroup(2);
        AtomicLong nanos = new AtomicLong();
        CountDownLatch release = new CountDownLatch(1);
        try {
            EventLoopProbe probe = new EventLoopProbe(List.of(group), TIMEOUT, nanos::get);
            assertTrue(probe.getAsBoolean(), "live from the start");
            group.next().execute(() -> awaitQuietly(release));

            probe.pingAll();
            nanos.addAndGet(TIMEOUT.toNanos() + 1);
            for (int i = 0; i < 10; i++) {
                probe.pingAll();
            }
            // The free loop answered its ping at time 0, the blocked one never did: both are now stale, and the
            // blocked one holds exactly one ping.
            assertFalse(probe.getAsBoolean(), "a loop silent for longer than the timeout fails liveness");

            release.countDown();
            drain(group);
            probe.pingAll();
            drain(group);
            assertTrue(probe.getAsBoolean(), "answering again restores liveness");
        } finally {
            release.countDown();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aShutDownGroupIsNotLive() throws Exception {
        EventLoopGroup group = new DefaultEventLoopGroup(1);
        EventLoopProbe probe = new EventLoopProbe(List.of(group), TIMEOUT);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        probe.pingAll();
        assertFalse(probe.getAsBoolean());
    }

    /** Runs a no-op on every loop and waits for it: every ping queued before has run by then. */
    private static void drain(EventLoopGroup group) throws Exception {
        for (var loop : group) {
            loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
