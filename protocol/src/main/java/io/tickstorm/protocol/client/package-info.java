/**
 * The reference Java client of the Tick-Storm v1 protocol: {@link io.tickstorm.protocol.client.TickClient} connects
 * (plain TCP or TLS), authenticates, subscribes, keeps the session alive with heartbeats and hands every batch, error,
 * pong, sequence gap and close to a {@link io.tickstorm.protocol.client.TickListener}. Options are an immutable
 * {@link io.tickstorm.protocol.client.TickClientOptions}; failures surface as
 * {@link io.tickstorm.protocol.client.TickClientException}s carrying the server's error code or the layer that failed
 * (connection, TLS, or TLS and plain TCP mixed up, told apart by the first bytes the server sends).
 *
 * <p>{@link io.tickstorm.protocol.client.ResumingSubscription} is the stream that survives its connections: on a
 * server shutdown (ERROR SERVER_SHUTTING_DOWN), a dropped or silent connection it reconnects with jittered
 * exponential back-off ({@link io.tickstorm.protocol.client.ReconnectPolicy}) to the next of its
 * {@link io.tickstorm.protocol.client.ServerAddress}es, logs in again and resumes SECOND and MINUTE bars from the
 * last timestamp seen + 1, checking that the batch sequence continues; a
 * {@link io.tickstorm.protocol.client.ResumeListener} hears of every batch, gap and connection event.
 */
package io.tickstorm.protocol.client;
