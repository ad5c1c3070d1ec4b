package io.tickstorm.protocol.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Hex strings like {@code "F5 7D 01"} to buffers and back, for golden vectors. */
public final class Hex {

    private Hex() {
    }

    public static byte[] bytes(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replaceAll("\\s+", ""));
    }

    public static ByteBuf buffer(String hex) {
        return Unpooled.wrappedBuffer(bytes(hex));
    }

    public static String of(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf).toUpperCase();
    }
}
