package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBufAllocator;
import io.tickstorm.server.feed.EpochNanoClock;
import io.tickstorm.server.pipeline.ErrorResponder;

/**
 * What the fan-out's tasks share: the allocator for batches, the slow-consumer budget and responder, the clock for
 * latency metrics and the payload limit that caps a batch.
 */
public record FanOutContext(ByteBufAllocator allocator, long outboundBudgetBytes, ErrorResponder responder,
        EpochNanoClock clock, int maxPayloadBytes, long batchWindowNanos) {
}
