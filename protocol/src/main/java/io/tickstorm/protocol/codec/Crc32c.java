package io.tickstorm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC-32C (Castagnoli) over a region of a {@link ByteBuf}, using the JDK's hardware-accelerated {@link CRC32C}. */
public final class Crc32c {

    private static final FastThreadLocal<CRC32C> CRC = new FastThreadLocal<>() {
        @Override
        protected CRC32C initialValue() {
            return new CRC32C();
        }
    };

    private Crc32c() {
    }

    /** CRC-32C of {@code length} bytes of {@code buf} from absolute {@code index}; reader index is not moved. */
    public static int compute(ByteBuf buf, int index, int length) {
        CRC32C crc = CRC.get();
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() == 1) {
            crc.update(buf.nioBuffer(index, length));
        } else {
            for (ByteBuffer part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        }
        return (int) crc.getValue();
    }

    /** CRC-32C of a byte array, e.g. for test vectors. */
    public static int compute(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }
}
