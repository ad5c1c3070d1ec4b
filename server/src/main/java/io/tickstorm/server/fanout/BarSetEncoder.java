package io.tickstorm.server.fanout;

import io.tickstorm.server.feed.BarSet;
import io.tickstorm.server.feed.SymbolUniverse;

/**
 * Writes a {@link BarSet}'s bars for one stream into a {@link BatchBuilder}: the stream's symbols in name order
 * (PROTOCOL.md §6), all of the set's (that its entitlement patterns match) when the stream carries every symbol,
 * leaving out symbols the set holds no
 * bar of (never had a tick). Every bar carries the boundary as its timestamp. Shared by live bars, snapshots and
 * replay, so all three encode the same bytes. Stateless.
 */
final class BarSetEncoder {

    private static final long NANOS_PER_MS = 1_000_000L;

    private BarSetEncoder() {
    }

    /** Adds the bars and returns how many it added. */
    static int add(BatchBuilder builder, BarSet bars, StreamKey stream) {
        SymbolUniverse universe = bars.universe();
        long timestampMs = bars.boundaryMs();
        long createdNanos = timestampMs * NANOS_PER_MS;
        int added = 0;
        for (int symbol : stream.all() ? bars.byName() : stream.symbols()) {
            if (!bars.has(symbol) || !stream.carries(universe, symbol)) {
                continue;
            }
            added++;
            byte[] name = universe.symbolBytes(symbol);
            int size = builder.tickSize(name, timestampMs, bars.price(symbol), bars.volume(symbol), bars.bid(symbol),
                    bars.ask(symbol), bars.bidSize(symbol), bars.askSize(symbol));
            builder.add(size, name, timestampMs, bars.price(symbol), bars.volume(symbol), bars.bid(symbol),
                    bars.ask(symbol), bars.bidSize(symbol), bars.askSize(symbol), createdNanos);
        }
        return added;
    }
}
