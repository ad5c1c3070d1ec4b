/**
 * Tick-Storm wire protocol v1 (see {@code protocol/PROTOCOL.md}): the frame layout ({@link
 * io.tickstorm.protocol.FrameDescriptor}), the message types and their protobuf payloads.
 */
package io.tickstorm.protocol;
