package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.tickstorm.server.tls.ReloadingSslContext;
import io.tickstorm.server.tls.TestPki;
import io.tickstorm.server.tls.TlsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS goes in once admitted, and a partial TLS record costs its bytes, not one read buffer per segment. */
class DeferredTlsHandlerTest {

    @TempDir
    Path dir;

    @Test
    void recordSentOneByteAtATimeIsMergedNotKeptAsOneBufferPerRead() {
        TestPki pki = TestPki.create(dir);
        Config root = ConfigFactory.parseMap(Map.of(
                "tick-storm.tls.provider", "openssl",
                "tick-storm.tls.cert-file", pki.server().certFile().toString(),
                "tick-storm.tls.key-file", pki.server().keyFile().toString(),
                "tick-storm.tls.reload-interval", "0")).withFallback(ConfigFactory.defaultReference()).resolve();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        ReloadingSslContext tls = ReloadingSslContext.open(TlsConfig.from(root), scheduler);
        try {
            EmbeddedChannel channel = new EmbeddedChannel(new DeferredTlsHandler(tls, (result, nanos) -> { }));
            assertNotNull(channel.pipeline().get(SslHandler.class), "installed once the channel is active");
            // A handshake record announcing 16 KiB, then its body one byte per read.
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00}));
            List<ByteBuf> reads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ByteBuf read = Unpooled.directBuffer(2048).writeByte(0);
                reads.add(read);
                channel.writeInbound(read);
            }
            for (ByteBuf read : reads) {
                assertEquals(0, read.refCnt(), "each read is copied into the record being assembled and freed");
            }
            channel.finishAndReleaseAll();
        } finally {
            tls.close();
            scheduler.shutdownNow();
        }
    }
}
