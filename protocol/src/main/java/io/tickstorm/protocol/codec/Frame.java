package io.tickstorm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.tickstorm.protocol.FrameType;
import java.util.Objects;

/**
 * One validated inbound frame: its type and its payload, a slice of the receive buffer.
 *
 * <p>Reference counted: whoever consumes a frame releases it. The payload is not parsed here, so that a handler can
 * reject a frame by type alone (e.g. SUBSCRIBE before AUTH is refused whatever its payload holds).
 */
public final class Frame extends DefaultByteBufHolder {

    private final FrameType type;

    public Frame(FrameType type, ByteBuf payload) {
        super(payload);
        this.type = Objects.requireNonNull(type, "type");
    }

    public FrameType type() {
        return type;
    }

    @Override
    public Frame replace(ByteBuf content) {
        return new Frame(type, content);
    }

    @Override
    public Frame retain() {
        super.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "Frame(" + type + ", " + content().readableBytes() + " bytes)";
    }
}
