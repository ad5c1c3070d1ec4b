package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBufAllocator;
import io.tickstorm.server.feed.EpochNanoClock;
import io.tickstorm.server.connection.ErrorResponder;

/**
 * What the fan-out's tasks share: the allocator for batches, the responder that closes a replay which fell behind the
 * history, the clock for latency metrics and the payload limit that caps a batch. (The outbound budget is enforced
 * on every write by the pipeline's {@code SlowConsumerGuard}.)
 */
public record FanOutContext(ByteBufAllocator allocator, ErrorResponder responder,
        EpochNanoClock clock, int maxPayloadBytes, long batchWindowNanos) {
}
