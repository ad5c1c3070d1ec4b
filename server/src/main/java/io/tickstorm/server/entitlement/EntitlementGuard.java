package io.tickstorm.server.entitlement;

import io.netty.channel.Channel;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.logging.RateLimitedLogger;
import io.tickstorm.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link Entitlements}, reloads them, and enforces a reload on the subscriptions it affects
 * (PROTOCOL.md §5.2 and §5.11).
 *
 * <p>At SUBSCRIBE the session reads {@link #current()} once, checks the request against the user's patterns (the
 * subscription validator, once per requested symbol) and, once joined, reports the subscription with
 * {@link #subscribed}. A {@link #reload()} that changes a user's patterns sends every subscription of that user that
 * lost a symbol ERROR 4 INVALID_SUBSCRIPTION naming the symbol, then closes it, on the connection's own event loop
 * (one task each, queued as the reload returns: far inside the protocol's 1 s). A subscription reported while a
 * reload runs is checked against the newer snapshot by whichever of the two comes second, so none escapes.
 *
 * <p>Denied subscriptions are counted ({@code tick_storm_subscriptions_denied_total{reason}}) and logged at WARN,
 * rate-limited. Threading: {@link #current}, {@link #subscribed}, {@link #unsubscribed} and {@link #denied} on event
 * loops; {@link #reload} on any other thread (it reads a file).
 */
public final class EntitlementGuard {

    private static final Logger LOG = LoggerFactory.getLogger(EntitlementGuard.class);
    /** Symbols a denial log line quotes at most from the request. */
    private static final int MAX_LOGGED_SYMBOLS = 10;

    private final EntitlementsLoader loader;
    private final SymbolUniverse universe;
    private final ErrorResponder responder;
    private final ServerMetrics metrics;
    private final EntitledSubscriptions subscriptions;
    private final RateLimitedLogger deniedLog = new RateLimitedLogger(LOG, 10, Duration.ofMinutes(1));
    private final RateLimitedLogger revokedLog = new RateLimitedLogger(LOG, 10, Duration.ofMinutes(1));
    private volatile Entitlements current;

    /**
     * Loads the entitlements file, if any.
     *
     * @throws EntitlementsFileException if it is unreadable or malformed
     */
    public EntitlementGuard(EntitlementsConfig config, SymbolUniverse universe, ErrorResponder responder,
            ServerMetrics metrics) {
        this.loader = new EntitlementsLoader(config);
        this.universe = universe;
        this.responder = responder;
        this.metrics = metrics;
        this.subscriptions = new EntitledSubscriptions(universe);
        this.current = loader.initial();
        if (!config.restricts()) {
            LOG.info("Entitlements: none configured, every user may subscribe to every symbol");
        } else {
            LOG.info("Entitlements: {} users listed in {}, users without an entry get {}, checked every {} ms",
                    current.users(), config.file().map(Object::toString).orElse("(no file)"),
                    config.fallback().name().toLowerCase(Locale.ROOT), config.reloadInterval().toMillis());
        }
        if (config.file().isEmpty() && config.fallback() == EntitlementsConfig.Default.NONE) {
            LOG.warn("ENTITLEMENTS_DEFAULT=none without ENTITLEMENTS_FILE: no user may subscribe to anything");
        }
    }

    /** The snapshot to check a SUBSCRIBE against; read it once per SUBSCRIBE. */
    public Entitlements current() {
        return current;
    }

    /**
     * Re-reads the file and, if its content changed, swaps it in and closes every subscription it takes a symbol
     * from (ERROR 4 naming the symbol). Call it off the event loops.
     *
     * @return true if the entitlements changed
     * @throws EntitlementsFileException if the new content is unreadable or malformed; the previous entitlements
     *     stay in force, and the same bad content is reported only once
     */
    public synchronized boolean reload() {
        Optional<Entitlements> next = loader.reload(current);
        if (next.isEmpty()) {
            return false;
        }
        Entitlements loaded = next.get();
        current = loaded;
        int subscribed = subscriptions.size();
        int[] revoked = {0};
        subscriptions.forEachRevoked(loaded, (channel, symbol) -> {
            revoked[0]++;
            channel.eventLoop().execute(() -> revoke(channel, symbol));
        });
        LOG.info("Entitlements reloaded: {} users; {} of {} subscriptions lose a symbol and are closed",
                loaded.users(), revoked[0], subscribed);
        return true;
    }

    /**
     * Records a subscription that has joined its stream. On its channel's event loop.
     *
     * @param entitled       the user's patterns the request was checked against
     * @param checkedAgainst the snapshot they came from
     * @param symbols        the subscribed symbols as universe indexes, ignored when {@code allSymbols}
     */
    public void subscribed(Channel channel, SymbolPatterns entitled, Entitlements checkedAgainst, int[] symbols,
            boolean allSymbols) {
        String[] names = null;
        if (!allSymbols) {
            names = new String[symbols.length];
            for (int i = 0; i < symbols.length; i++) {
                names[i] = universe.symbol(symbols[i]);
            }
        }
        EntitledSubscriptions.Entry entry = new EntitledSubscriptions.Entry(ConnectionState.of(channel).username(),
                entitled, names);
        subscriptions.add(channel, entry);
        // Added before reading current: a reload that swapped the snapshot before this read sees the entry in its
        // scan or is seen here (or both, and the second close does nothing).
        Entitlements now = current;
        if (now != checkedAgainst) {
            String lost = subscriptions.lost(entry, now.of(entry.user()));
            if (lost != null) {
                revoke(channel, lost);
            }
        }
    }

    /** Forgets the connection's subscription (it closed). On its event loop; idempotent. */
    public void unsubscribed(Channel channel) {
        subscriptions.remove(channel);
    }

    /**
     * Counts and logs (rate-limited) a SUBSCRIBE refused for want of entitlement.
     *
     * @param symbol    the symbol named in the ERROR, or empty when the user is entitled to nothing
     * @param requested the request's symbols
     */
    public void denied(Channel channel, DenialReason reason, String symbol, List<String> requested) {
        metrics.subscriptionDenied(reason.label());
        String user = ConnectionState.of(channel).username();
        String asked = requested.isEmpty() ? "every symbol"
                : requested.size() <= MAX_LOGGED_SYMBOLS ? String.join(",", requested)
                : String.join(",", requested.subList(0, MAX_LOGGED_SYMBOLS)) + " and " + (requested.size()
                        - MAX_LOGGED_SYMBOLS) + " more";
        deniedLog.warn("SUBSCRIBE denied ({}): user {} from {} asked for {}{}", reason.label(), user,
                channel.remoteAddress(), asked, symbol.isEmpty() ? "" : "; not entitled to " + symbol);
    }

    private void revoke(Channel channel, String symbol) {
        ConnectionState state = ConnectionState.of(channel);
        if (state.closing() || !channel.isActive()) {
            return;
        }
        metrics.subscriptionDenied(DenialReason.REVOKED.label());
        revokedLog.warn("Entitlement reload took {} from user {} at {}: subscription closed", symbol, state.username(),
                channel.remoteAddress());
        responder.fatal(channel, ErrorCode.INVALID_SUBSCRIPTION, "entitlement to " + symbol + " withdrawn", symbol);
    }
}
