package io.tickstorm.server.admission;

/**
 * Counts refusals; the server maps it onto {@code tick_storm_connections_rejected_total{reason}}. Called on event
 * loops, concurrently: keep it to a counter increment.
 */
@FunctionalInterface
public interface RefusalListener {

    /** Counts nothing. */
    RefusalListener NONE = reason -> {
    };

    void refused(RefusalReason reason);
}
