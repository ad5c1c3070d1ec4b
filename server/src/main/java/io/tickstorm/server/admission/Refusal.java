package io.tickstorm.server.admission;

import java.util.Objects;

/**
 * A decision not to admit a connection.
 *
 * @param reason  the counted reason
 * @param details human-readable, naming the cap, e.g. "connection cap 50 reached" (the ERROR frame's details)
 */
public record Refusal(RefusalReason reason, String details) {

    public Refusal {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(details, "details");
    }
}
