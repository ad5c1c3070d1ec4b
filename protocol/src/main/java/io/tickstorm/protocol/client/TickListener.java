package io.tickstorm.protocol.client;

import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatResponse;

/**
 * Receives what a {@link TickClient}'s server sends. Every method runs on the connection's event loop thread, one
 * call at a time and in arrival order: keep them short and never block in them (the client's blocking methods refuse
 * to run there). All methods do nothing by default.
 */
public interface TickListener {

    /** A DATA_BATCH, snapshot or live. Called after {@link #onGap} if this batch broke the sequence. */
    default void onBatch(DataBatch batch) {
    }

    /**
     * An ERROR from the server, whether it answers a request (which then also fails with a {@link
     * TickClientException}) or ends the session (then {@link #onClosed} follows).
     */
    default void onError(ErrorResponse error) {
    }

    /** A PONG answering one of the client's heartbeats. */
    default void onPong(HeartbeatResponse pong) {
    }

    /**
     * A batch whose {@code batch_sequence} is not the previous batch's + 1 (PROTOCOL.md §5.5). {@code actual >
     * expected} means batches were lost; {@code actual < expected} means a duplicate or a step backwards.
     *
     * @param expected the previous batch's sequence + 1
     * @param actual the sequence the batch carries
     */
    default void onGap(long expected, long actual) {
    }

    /**
     * The connection is closed; called once per connection that was established (a TCP connect that fails only
     * fails {@link TickClient#connectAsync()}).
     *
     * @param cause {@code null} when the client closed it; a {@link TickClientException} with the server's code when
     *     the server ended the session with an ERROR, or with {@code ERROR_CODE_UNSPECIFIED} when it closed without
     *     one; otherwise the transport or TLS failure
     */
    default void onClosed(Throwable cause) {
    }
}
