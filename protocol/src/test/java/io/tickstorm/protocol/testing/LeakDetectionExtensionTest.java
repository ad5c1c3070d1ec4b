package io.tickstorm.protocol.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves the leak check can fail: a deliberately dropped buffer is reported (and drained, so this class passes). */
class LeakDetectionExtensionTest {

    @Test
    void reportsABufferThatWasNeverReleased() throws InterruptedException {
        leakOne();
        List<String> leaks = LeakDetectionExtension.collectLeaks();
        assertFalse(leaks.isEmpty(), "the dropped buffer is reported");
    }

    private static void leakOne() {
        PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(1);
    }
}
