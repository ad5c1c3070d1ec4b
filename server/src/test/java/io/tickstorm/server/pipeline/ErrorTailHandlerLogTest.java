package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.server.admission.LogCapture;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import org.junit.jupiter.api.Test;

/** A wave of unexpected failures (out of direct memory on every connection) writes a few stack traces, not one each. */
class ErrorTailHandlerLogTest {

    @Test
    void aWaveOfUnexpectedFailuresLogsAFewStackTraces() {
        ErrorTailHandler tail = new ErrorTailHandler(new ErrorResponder(new ServerMetrics()));
        OutOfMemoryError oom = new OutOfMemoryError("Cannot reserve 65536 bytes of direct buffer memory");
        try (LogCapture log = LogCapture.on(ErrorTailHandler.class.getName())) {
            long startNanos = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                EmbeddedChannel channel = new EmbeddedChannel(tail);
                channel.pipeline().fireExceptionCaught(oom);
                assertFalse(channel.isOpen(), "each failing connection is still closed");
                channel.finishAndReleaseAll();
            }

            long intervals = (System.nanoTime() - startNanos)
                    / (ErrorTailHandler.UNEXPECTED_LOG_INTERVAL_SECONDS * 1_000_000_000L) + 1;

            int lines = log.events().size();
            assertTrue(lines >= ErrorTailHandler.UNEXPECTED_LOGS_PER_INTERVAL
                    && lines <= ErrorTailHandler.UNEXPECTED_LOGS_PER_INTERVAL * intervals, lines + " lines");
        }
    }
}
