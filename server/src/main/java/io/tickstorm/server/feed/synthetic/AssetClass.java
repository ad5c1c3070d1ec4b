package io.tickstorm.server.feed.synthetic;

/**
 * The kind of instrument a symbol models. It sets the ranges the synthetic market draws a symbol's parameters
 * from: volatility (per square root of a second of log price), quoted spread and how trades and quote sizes are
 * sized. The ranges are tuned so that prices visibly move from one second to the next while staying within a few
 * percent of the base price over hours.
 */
public enum AssetClass {
    /** Single stocks: cent ticks, round and odd lots of 1..1000 shares, sizes in lots of 100. */
    EQUITY(1.0e-4, 4.0e-4, 2.0),
    /** Exchange-traded funds: calmer and tighter than single stocks. */
    ETF(0.6e-4, 2.0e-4, 0.8),
    /** Currency pairs: low volatility, sub-pip ticks, trades of 1k..1M units, sizes in lots of 100k. */
    FX(0.3e-4, 1.0e-4, 0.6),
    /** Crypto against a fiat currency: volatile, fractional trade volumes. */
    CRYPTO(4.0e-4, 1.2e-3, 1.5);

    private final double minVolatility;
    private final double maxVolatility;
    private final double spreadBasisPoints;

    AssetClass(double minVolatility, double maxVolatility, double spreadBasisPoints) {
        this.minVolatility = minVolatility;
        this.maxVolatility = maxVolatility;
        this.spreadBasisPoints = spreadBasisPoints;
    }

    /** Lowest volatility of a symbol of this class, in log price per square root of a second. */
    public double minVolatility() {
        return minVolatility;
    }

    /** Highest volatility of a symbol of this class, in log price per square root of a second. */
    public double maxVolatility() {
        return maxVolatility;
    }

    /** Typical quoted spread, in basis points of the price. */
    public double spreadBasisPoints() {
        return spreadBasisPoints;
    }
}
