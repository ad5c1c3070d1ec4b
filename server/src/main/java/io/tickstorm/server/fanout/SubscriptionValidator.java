package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.entitlement.SymbolPatterns;
import io.tickstorm.server.feed.BarHistory;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.feed.SymbolUniverse;
import java.util.BitSet;
import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * Checks a SUBSCRIBE against PROTOCOL.md §5.2 and §5.3: a known mode; at most {@value #MAX_SYMBOLS} distinct
 * symbols, each matching {@code ^[A-Z0-9._-]{1,16}$} and carried by this server (duplicates count once; none means
 * all); a replay start only for SECOND/MINUTE and only inside the retained history. Stateless; any thread.
 *
 * <p>Entitlements (§5.11): each requested symbol must match the user's patterns, checked before whether the server
 * carries it, so a user learns nothing about symbols outside its entitlements; an empty list means every entitled
 * symbol and is refused for a user entitled to none. One pattern check per requested symbol, at SUBSCRIBE only.
 */
public final class SubscriptionValidator {

    public static final int MAX_SYMBOLS = 100;
    static final Pattern SYMBOL = Pattern.compile("^[A-Z0-9._-]{1,16}$");

    private static final int[] ALL = new int[0];

    private final SymbolUniverse universe;
    private final BarHistory history;

    public SubscriptionValidator(SymbolUniverse universe, BarHistory history) {
        this.universe = universe;
        this.history = history;
    }

    /** Validates a request from a user entitled to every symbol. */
    public SubscriptionSpec validate(SubscribeRequest request) throws SubscriptionRejectedException {
        return validate(request, SymbolPatterns.EVERYTHING);
    }

    /**
     * Validates a request from a user entitled to {@code entitled}.
     *
     * @throws SubscriptionDeniedException for a symbol outside {@code entitled}, or every symbol when it is empty
     */
    public SubscriptionSpec validate(SubscribeRequest request, SymbolPatterns entitled)
            throws SubscriptionRejectedException {
        SubscriptionMode mode = request.getMode();
        if (mode != SubscriptionMode.SECOND && mode != SubscriptionMode.MINUTE && mode != SubscriptionMode.REALTIME) {
            throw new SubscriptionRejectedException("mode",
                    "mode must be SECOND (1), MINUTE (2) or REALTIME (3), got " + request.getModeValue());
        }
        int conflateMs = ConflateMetadata.conflateMs(request); // conflate_ms: PROTOCOL.md §5.6
        int[] symbols = symbols(request, entitled);
        long start = request.getStartTimeMs();
        if (start != 0) {
            if (mode == SubscriptionMode.REALTIME) {
                throw new SubscriptionRejectedException("start_time_ms", "REALTIME keeps no history to replay");
            }
            BarMode barMode = FanOut.barMode(mode);
            if (!history.acceptsStartTime(barMode, start)) {
                throw new SubscriptionRejectedException("start_time_ms", "start_time_ms " + start
                        + " is outside the retained " + mode + " history (oldest bar " + history.oldestRetainedMs(barMode)
                        + ", current interval ends " + history.nextBoundaryMs(barMode) + ")");
            }
        }
        return new SubscriptionSpec(mode, symbols, symbols == ALL, start, conflateMs, entitled);
    }

    private int[] symbols(SubscribeRequest request, SymbolPatterns entitled) throws SubscriptionRejectedException {
        if (request.getSymbolsCount() == 0) {
            if (entitled.isEmpty()) {
                throw new SubscriptionDeniedException("", "not entitled to any symbol");
            }
            return ALL;
        }
        BitSet chosen = new BitSet(universe.capacity());
        for (String symbol : request.getSymbolsList()) {
            if (!SYMBOL.matcher(symbol).matches()) {
                throw new SubscriptionRejectedException("symbols", "symbol \"" + printable(symbol)
                        + "\" does not match ^[A-Z0-9._-]{1,16}$");
            }
            if (!entitled.matches(symbol)) {
                throw new SubscriptionDeniedException(symbol, "not entitled to symbol " + symbol);
            }
            int index = universe.indexOf(symbol);
            if (index < 0) {
                throw new SubscriptionRejectedException("symbols", "symbol " + symbol + " is not carried by this server");
            }
            chosen.set(index);
            if (chosen.cardinality() > MAX_SYMBOLS) {
                throw new SubscriptionRejectedException("symbols", "at most " + MAX_SYMBOLS + " symbols per subscription");
            }
        }
        // Ordered by name, the order batches carry them in (PROTOCOL.md §6), which is also a canonical stream key.
        return chosen.stream().boxed().sorted(Comparator.comparing(universe::symbol)).mapToInt(Integer::intValue)
                .toArray();
    }

    private static String printable(String symbol) {
        String cut = symbol.length() > 32 ? symbol.substring(0, 32) + "..." : symbol;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
