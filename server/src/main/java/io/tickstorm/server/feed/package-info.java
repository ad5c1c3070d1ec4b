/**
 * The market core, independent of where ticks come from (DESIGN.md §3, PROTOCOL.md §6): a
 * {@link io.tickstorm.server.feed.TickSource} writes ticks into the {@link io.tickstorm.server.feed.MarketState}
 * (a {@link io.tickstorm.server.feed.TickSink}), the only writer of bars
 * ({@link io.tickstorm.server.feed.BarSet}) and of their bounded history for snapshots and replay
 * ({@link io.tickstorm.server.feed.BarHistory}); one feed thread ({@link io.tickstorm.server.feed.TickFeed}) runs the
 * source and the bar clock. The fan-out reads the market through a {@link io.tickstorm.server.feed.MarketView}.
 * Plain Java: no Netty, no protobuf types. Sources live in sub-packages: {@code synthetic}, {@code file}.
 */
package io.tickstorm.server.feed;
