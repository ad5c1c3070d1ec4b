package io.tickstorm.server.feed;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A {@link TickSink} for tests: records every tick a source writes, and counts what it skips. */
public final class RecordingSink implements TickSink {

    /** One tick as written. */
    public record Tick(int symbol, long timestampNanos, double price, double volume, double bid, double ask,
                       long bidSize, long askSize, int bars) {
    }

    private final SymbolUniverse universe;
    private final List<Tick> ticks = new ArrayList<>();
    private final Map<MalformedReason, Integer> malformed = new EnumMap<>(MalformedReason.class);
    private int unknownSymbols;

    public RecordingSink(SymbolUniverse universe) {
        this.universe = universe;
    }

    /** Records everything: no horizon. */
    @Override
    public long horizonNanos() {
        return Long.MAX_VALUE;
    }

    @Override
    public SymbolUniverse universe() {
        return universe;
    }

    @Override
    public void tick(int symbol, long timestampNanos, double price, double volume, double bid, double ask,
                     long bidSize, long askSize, int bars) {
        ticks.add(new Tick(symbol, timestampNanos, price, volume, bid, ask, bidSize, askSize, bars));
    }

    @Override
    public void malformed(MalformedReason reason) {
        malformed.merge(reason, 1, Integer::sum);
    }

    @Override
    public void unknownSymbol() {
        unknownSymbols++;
    }

    public List<Tick> ticks() {
        return ticks;
    }

    public Tick tick(int i) {
        return ticks.get(i);
    }

    public int count() {
        return ticks.size();
    }

    public int symbolIndex(int i) {
        return ticks.get(i).symbol();
    }

    public long timestampNanos(int i) {
        return ticks.get(i).timestampNanos();
    }

    public double price(int i) {
        return ticks.get(i).price();
    }

    public double volume(int i) {
        return ticks.get(i).volume();
    }

    public double bid(int i) {
        return ticks.get(i).bid();
    }

    public double ask(int i) {
        return ticks.get(i).ask();
    }

    public long bidSize(int i) {
        return ticks.get(i).bidSize();
    }

    public long askSize(int i) {
        return ticks.get(i).askSize();
    }

    public void clear() {
        ticks.clear();
    }

    public int malformedCount(MalformedReason reason) {
        return malformed.getOrDefault(reason, 0);
    }

    public int unknownSymbols() {
        return unknownSymbols;
    }
}
