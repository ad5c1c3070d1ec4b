package io.tickstorm.server.entitlement;

import io.netty.channel.Channel;
import io.tickstorm.server.feed.SymbolUniverse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The subscribed connections and what each was entitled to when it subscribed, so that a reload can find the ones
 * it takes a symbol from (PROTOCOL.md §5.11). Added and removed on each connection's event loop, scanned by the
 * reloading thread: a concurrent map, touched once per SUBSCRIBE and once per close, never per tick.
 */
final class EntitledSubscriptions {

    /**
     * One subscription.
     *
     * @param user     the authenticated user
     * @param entitled the user's patterns when it subscribed: an every-symbol subscription's stream is keyed by them
     * @param symbols  the subscribed symbols by name, or null for every entitled symbol
     */
    record Entry(String user, SymbolPatterns entitled, String[] symbols) {
    }

    private final ConcurrentHashMap<Channel, Entry> entries = new ConcurrentHashMap<>();
    private final SymbolUniverse universe;

    EntitledSubscriptions(SymbolUniverse universe) {
        this.universe = universe;
    }

    void add(Channel channel, Entry entry) {
        entries.put(channel, entry);
    }

    void remove(Channel channel) {
        entries.remove(channel);
    }

    int size() {
        return entries.size();
    }

    /**
     * Calls {@code revoked} with each subscription {@code next} takes a symbol from, and the symbol to name. Users
     * whose patterns did not change are skipped at the cost of one comparison.
     */
    void forEachRevoked(Entitlements next, BiConsumer<Channel, String> revoked) {
        Map<Change, String> lostByChange = new HashMap<>();
        for (Map.Entry<Channel, Entry> subscription : entries.entrySet()) {
            Entry entry = subscription.getValue();
            SymbolPatterns now = next.of(entry.user());
            if (now.equals(entry.entitled())) {
                continue;
            }
            String lost = entry.symbols() != null ? firstOutside(entry.symbols(), now)
                    : lostByChange.computeIfAbsent(new Change(entry.entitled(), now), this::lostFromEverySymbol);
            if (lost != null && !lost.isEmpty()) {
                revoked.accept(subscription.getKey(), lost);
            }
        }
    }

    /** The symbol to name if {@code now} takes one from this subscription, else null. */
    String lost(Entry entry, SymbolPatterns now) {
        if (now.equals(entry.entitled())) {
            return null;
        }
        String lost = entry.symbols() != null ? firstOutside(entry.symbols(), now)
                : lostFromEverySymbol(new Change(entry.entitled(), now));
        return lost == null || lost.isEmpty() ? null : lost;
    }

    private static String firstOutside(String[] symbols, SymbolPatterns now) {
        for (String symbol : symbols) {
            if (!now.matches(symbol)) {
                return symbol;
            }
        }
        return null;
    }

    /**
     * An every-symbol subscription carries every symbol of the universe its patterns match, now and later. Narrowed:
     * it loses the first symbol it carries now that the new patterns leave out, or, when it carries none of those
     * yet, the withdrawn pattern (it would carry such a symbol as soon as one appeared). Widened or equal: nothing
     * (the stream stays keyed by the old patterns; symbols added by the widening reach it at its next SUBSCRIBE).
     * Returns "" for nothing, so the per-reload cache can hold it.
     */
    private String lostFromEverySymbol(Change change) {
        String withdrawn = change.after().notCovered(change.before());
        if (withdrawn == null) {
            return "";
        }
        for (int symbol : universe.byName()) {
            String name = universe.symbol(symbol);
            if (change.before().matches(name) && !change.after().matches(name)) {
                return name;
            }
        }
        return withdrawn;
    }

    private record Change(SymbolPatterns before, SymbolPatterns after) {
    }
}
