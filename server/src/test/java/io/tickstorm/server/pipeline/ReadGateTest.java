package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.server.pipeline.ReadGate.Reason;
import org.junit.jupiter.api.Test;

/** Pauses for independent reasons compose: reading resumes only when the last one lets go, in any order. */
class ReadGateTest {

    @Test
    void readingResumesOnlyWhenEveryReasonHasLetGo() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ReadGate gate = ReadGate.of(channel);
        assertSame(gate, ReadGate.of(channel));

        gate.pause(Reason.AUTH_PENDING);
        gate.pause(Reason.UNWRITABLE);
        assertFalse(channel.config().isAutoRead());
        gate.resume(Reason.UNWRITABLE);
        assertFalse(channel.config().isAutoRead(), "the AUTH pause still holds");
        assertTrue(gate.pausedFor(Reason.AUTH_PENDING));
        gate.resume(Reason.AUTH_PENDING);
        assertTrue(channel.config().isAutoRead());
        assertTrue(gate.open());

        gate.pause(Reason.UNWRITABLE);
        gate.pause(Reason.AUTH_PENDING);
        gate.resume(Reason.AUTH_PENDING);
        assertFalse(channel.config().isAutoRead(), "released in the other order, the write pause still holds");
        gate.resume(Reason.UNWRITABLE);
        assertTrue(channel.config().isAutoRead());
        assertFalse(channel.finish());
    }

    @Test
    void pauseAndResumeAreIdempotentPerReason() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ReadGate gate = ReadGate.of(channel);
        gate.pause(Reason.UNWRITABLE);
        gate.pause(Reason.UNWRITABLE);
        gate.resume(Reason.AUTH_PENDING);
        assertFalse(channel.config().isAutoRead(), "releasing a reason that was never held changes nothing");
        gate.resume(Reason.UNWRITABLE);
        assertTrue(channel.config().isAutoRead(), "one resume undoes any number of pauses for the same reason");
        assertFalse(channel.finish());
    }
}
