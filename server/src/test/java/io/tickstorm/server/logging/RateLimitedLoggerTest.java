package io.tickstorm.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tickstorm.server.admission.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLoggerTest {

    private static final String NAME = RateLimitedLoggerTest.class.getName();
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(42 * SECOND);
    private final RateLimitedLogger log =
            new RateLimitedLogger(LoggerFactory.getLogger(NAME), 3, Duration.ofSeconds(10), clock::get);

    @Test
    void letsTheBudgetThroughPerIntervalAndCountsWhatItHeldBack() {
        try (LogCapture capture = LogCapture.on(NAME)) {
            for (int i = 0; i < 1000; i++) {
                log.warn("failure {} on {}", i, "peer");
            }
            assertEquals(List.of("failure 0 on peer", "failure 1 on peer", "failure 2 on peer"), messages(capture));
            assertEquals(997, log.pendingSuppressed());

            clock.addAndGet(10 * SECOND);
            log.warn("failure {} on {}", 1000, "peer");

            assertEquals("failure 1000 on peer [997 similar messages suppressed]", messages(capture).get(3));
            assertEquals(0, log.pendingSuppressed());
        }
    }

    @Test
    void keepsATrailingThrowableAsTheStackTraceOnlyForTheMessagesLetThrough() {
        try (LogCapture capture = LogCapture.on(NAME)) {
            OutOfMemoryError oom = new OutOfMemoryError("Direct buffer memory");
            for (int i = 0; i < 5000; i++) {
                log.warn("Unexpected failure on {}; closing", "peer" + i, oom);
            }
            clock.addAndGet(11 * SECOND);
            log.warn("Unexpected failure on {}; closing", "last", oom);

            List<ILoggingEvent> events = capture.events();
            assertEquals(4, events.size(), "three, then one after the interval, not 5001 stack traces");
            for (ILoggingEvent event : events) {
                assertEquals(Level.WARN, event.getLevel());
                assertNotNull(event.getThrowableProxy(), "stack trace kept");
            }
            assertEquals("Unexpected failure on last; closing [4997 similar messages suppressed]",
                    events.get(3).getFormattedMessage());
        }
    }

    @Test
    void logsErrorsToo() {
        try (LogCapture capture = LogCapture.on(NAME)) {
            log.error("broken {}", 1);

            assertEquals(Level.ERROR, capture.events().get(0).getLevel());
            assertNull(capture.events().get(0).getThrowableProxy());
        }
    }

    private static List<String> messages(LogCapture capture) {
        return capture.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
