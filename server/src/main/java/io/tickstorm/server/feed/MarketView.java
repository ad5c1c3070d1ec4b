package io.tickstorm.server.feed;

/**
 * What the fan-out reads of the market, and nothing more: the symbols, the closed bars, the latest tick of each
 * symbol (feed thread only, see {@link LatestTicks}) and a way to wake the feed thread when someone starts wanting
 * ticks as they happen.
 *
 * @param universe the symbols; SUBSCRIBE validation and the encoder read it
 * @param history closed bars for snapshots and replay
 * @param latest last tick per symbol, for REALTIME snapshots
 * @param wake ends the feed thread's current sleep
 */
public record MarketView(SymbolUniverse universe, BarHistory history, LatestTicks latest, Runnable wake) {
}
