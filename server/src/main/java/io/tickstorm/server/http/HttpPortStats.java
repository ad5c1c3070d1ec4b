package io.tickstorm.server.http;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the HTTP port's defences did, for the {@code tick_storm_http_*} metrics: connections it closed, by reason, and
 * scrapes it refused. Written on the HTTP event loop, read by scrapes on another thread.
 */
final class HttpPortStats {

    /** Why the HTTP port closed a connection itself. */
    enum Close {
        /** Closed at the connection cap to make room for a new connection. */
        EVICTED,
        /** A request did not arrive whole within the request timeout. */
        REQUEST_TIMEOUT,
        /** A response was not rendered and written within the request timeout (a client that does not read). */
        RESPONSE_TIMEOUT,
        /** A kept-alive connection stayed idle past the idle timeout. */
        IDLE_TIMEOUT;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Close, LongAdder> closes = new EnumMap<>(Close.class);
    private final LongAdder scrapesRejected = new LongAdder();

    HttpPortStats() {
        for (Close reason : Close.values()) {
            closes.put(reason, new LongAdder());
        }
    }

    void closed(Close reason) {
        closes.get(reason).increment();
    }

    long closes(Close reason) {
        return closes.get(reason).sum();
    }

    void scrapeRejected() {
        scrapesRejected.increment();
    }

    long scrapesRejected() {
        return scrapesRejected.sum();
    }
}
