/**
 * The embedded tick feed: a deterministic synthetic market ({@link io.tickstorm.server.feed.SyntheticMarket}),
 * the per-second and per-minute bars it closes on wall-clock boundaries ({@link io.tickstorm.server.feed.BarSet}),
 * their bounded history for snapshots and replay ({@link io.tickstorm.server.feed.BarHistory}) and the feed thread
 * that drives it all ({@link io.tickstorm.server.feed.TickFeed}). Plain Java: no Netty, no protobuf types; the
 * fan-out encodes what this package produces.
 */
package io.tickstorm.server.feed;
