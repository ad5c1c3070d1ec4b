/**
 * The embedded default source: a deterministic synthetic market
 * ({@link io.tickstorm.server.feed.synthetic.SyntheticMarket}, a pure function of seed, symbols, rate and time) and
 * the {@link io.tickstorm.server.feed.synthetic.SyntheticSource} that writes its ticks into the market state.
 */
package io.tickstorm.server.feed.synthetic;
