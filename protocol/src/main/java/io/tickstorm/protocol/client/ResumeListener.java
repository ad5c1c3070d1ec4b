package io.tickstorm.protocol.client;

import io.tickstorm.protocol.proto.DataBatch;

/**
 * Receives what a {@link ResumingSubscription} sees: batches from whichever connection is current, sequence gaps
 * (within a connection and across a reconnect), and each step of losing and regaining the stream. Every method runs
 * on the subscription's single event loop thread, one call at a time: keep them short and never block in them. All
 * methods do nothing by default.
 */
public interface ResumeListener {

    /** A DATA_BATCH of the current connection, snapshot or live, in order. */
    default void onBatch(DataBatch batch) {
    }

    /**
     * A batch whose {@code batch_sequence} is not the previous batch's + 1, within a connection or, for SECOND and
     * MINUTE, across a reconnect (PROTOCOL.md §5.5). {@code actual > expected}: batches were lost; {@code actual <
     * expected}: a duplicate or a step backwards. Called before {@link #onBatch} of that batch.
     */
    default void onGap(long expected, long actual) {
    }

    /**
     * A connection attempt begins. {@code attempt} is 1 for the first connection and for the first reconnect after a
     * stream was lost, and counts the attempts since then.
     */
    default void onConnecting(ServerAddress address, int attempt) {
    }

    /**
     * The server acknowledged the SUBSCRIBE.
     *
     * @param startTimeMs the start_time_ms sent: 0 for a fresh subscription, else the replay point
     * @param resumed whether this subscription continues an earlier one
     */
    default void onSubscribed(ServerAddress address, long startTimeMs, boolean resumed) {
    }

    /**
     * The connection to {@code address} failed or ended; {@code cause} says why (never {@code null}).
     *
     * @param subscribed whether a subscription had been established on it (else the attempt failed)
     */
    default void onDisconnected(ServerAddress address, boolean subscribed, Throwable cause) {
    }

    /** The next attempt, to {@code next}, starts after {@code delayMillis}. */
    default void onReconnectScheduled(ServerAddress next, long delayMillis) {
    }

    /**
     * The next subscription cannot continue the stream without loss (REALTIME keeps no history, or the server no
     * longer retains the resume point): it starts afresh. {@code reason} says which.
     */
    default void onResumeImpossible(String reason) {
    }
}
