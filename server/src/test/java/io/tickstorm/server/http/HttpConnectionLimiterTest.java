package io.tickstorm.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** At the cap, a new connection closes the one whose current phase began longest ago; it is never refused. */
class HttpConnectionLimiterTest {

    private static final int CAP = 3;

    private final HttpPortStats stats = new HttpPortStats();
    private final HttpConnectionLimiter limiter = new HttpConnectionLimiter(CAP, stats);
    private final EmbeddedChannel listener = new EmbeddedChannel(limiter);
    private final List<EmbeddedChannel> accepted = new ArrayList<>();

    /** A socket as the listener hands it over: with its deadline handler, in its first phase. */
    private EmbeddedChannel accept() throws InterruptedException {
        // Phases are ordered by System.nanoTime(); make sure consecutive connections differ.
        TimeUnit.MILLISECONDS.sleep(1);
        EmbeddedChannel child = new EmbeddedChannel(new RequestDeadlineHandler(
                TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(60), stats));
        accepted.add(child);
        listener.writeInbound(child);
        return (EmbeddedChannel) listener.readInbound();
    }

    @Test
    void aConnectionPastTheCapClosesTheLeastRecentlyActiveOne() throws InterruptedException {
        EmbeddedChannel first = accept();
        EmbeddedChannel second = accept();
        EmbeddedChannel third = accept();
        assertEquals(CAP, limiter.open());

        EmbeddedChannel fourth = accept();
        assertFalse(first.isOpen(), "the oldest went");
        assertTrue(second.isOpen() && third.isOpen() && fourth.isOpen(), "the newcomer got in");
        assertEquals(CAP, limiter.open());

        TimeUnit.MILLISECONDS.sleep(1);
        second.pipeline().fireUserEventTriggered(HttpExchangeEvent.REQUEST_RECEIVED);
        EmbeddedChannel fifth = accept();
        assertFalse(third.isOpen(), "second made progress after third began, so third is now the least recent");
        assertTrue(second.isOpen() && fourth.isOpen() && fifth.isOpen());
        assertEquals(2, stats.closes(HttpPortStats.Close.EVICTED));
        assertEquals(CAP, limiter.open());
    }

    @Test
    void closedConnectionsFreeTheirPlace() throws InterruptedException {
        EmbeddedChannel first = accept();
        accept();
        first.close();
        assertEquals(1, limiter.open());
        accept();
        accept();
        assertEquals(CAP, limiter.open());
        assertEquals(0, stats.closes(HttpPortStats.Close.EVICTED));
        limiter.closeAll();
        assertEquals(0, limiter.open());
        for (EmbeddedChannel child : accepted) {
            assertFalse(child.isOpen());
        }
    }
}
