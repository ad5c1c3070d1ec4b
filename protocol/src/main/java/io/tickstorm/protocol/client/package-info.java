/**
 * The reference Java client of the Tick-Storm v1 protocol: {@link io.tickstorm.protocol.client.TickClient} connects
 * (plain TCP or TLS), authenticates, subscribes, keeps the session alive with heartbeats and hands every batch, error,
 * pong, sequence gap and close to a {@link io.tickstorm.protocol.client.TickListener}. Options are an immutable
 * {@link io.tickstorm.protocol.client.TickClientOptions}; server refusals surface as
 * {@link io.tickstorm.protocol.client.TickClientException}s carrying the server's error code.
 */
package io.tickstorm.protocol.client;
