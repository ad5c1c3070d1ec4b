/**
 * Netty codec for Tick-Storm v1 frames: {@link io.tickstorm.protocol.codec.FrameDecoder} validates and splits the
 * byte stream into {@link io.tickstorm.protocol.codec.Frame}s, {@link io.tickstorm.protocol.codec.FrameEncoder}
 * turns {@link io.tickstorm.protocol.codec.OutboundMessage}s into framed bytes, and
 * {@link io.tickstorm.protocol.codec.Payloads} maps payloads to protobuf messages. Every failure is a
 * {@link io.tickstorm.protocol.codec.ProtocolException} carrying the error code the peer must be told.
 */
package io.tickstorm.protocol.codec;
