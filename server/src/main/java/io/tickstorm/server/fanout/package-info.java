/**
 * Encode-once fan-out: subscribers with the same (mode, symbol set) share a {@link io.tickstorm.server.fanout.Stream};
 * each stream batch is encoded once (frame header, protobuf, CRC) into a pooled buffer by
 * {@link io.tickstorm.server.fanout.BatchBuilder}, and every subscriber's channel gets a {@code retainedDuplicate()}
 * of it, written by one {@link io.tickstorm.server.fanout.Delivery} task per event loop. Conflated REALTIME
 * subscriptions ({@code conflate_ms}) have streams of their own, keyed by (symbol set, interval), in
 * {@link io.tickstorm.server.fanout.ConflatedFanOut}.
 */
package io.tickstorm.server.fanout;
