package io.tickstorm.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;

class TransportTypeTest {

    @Test
    void parsesTheDocumentedValuesInAnyCase() {
        assertEquals(TransportType.AUTO, TransportType.parse("auto"));
        assertEquals(TransportType.IO_URING, TransportType.parse(" IO_URING "));
        assertEquals(TransportType.EPOLL, TransportType.parse("Epoll"));
        assertEquals(TransportType.NIO, TransportType.parse("nio"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TransportType.parse("kqueue")).getMessage()
                .contains("auto, epoll, io_uring or nio"));
    }

    @Test
    void autoIsEpollWhereLinuxHasIt() {
        TransportType.Transport auto = TransportType.AUTO.resolve();
        assertEquals(Epoll.isAvailable() ? TransportType.EPOLL : TransportType.NIO, auto.type());
        assertEquals(auto.type().configValue(), auto.description());
    }

    @Test
    void nioIsAlwaysThere() {
        TransportType.Transport nio = TransportType.NIO.resolve();
        assertEquals(NioServerSocketChannel.class, nio.serverChannelType());
        assertEquals("nio", nio.description());
    }

    @Test
    void aRefusedTransportFallsBackAndSaysSo() {
        TransportType.Transport fallback = new TransportType.Transport(TransportType.EPOLL, TransportType.IO_URING,
                TransportType.EPOLL.resolve().ioHandlers(), TransportType.EPOLL.resolve().serverChannelType());
        assertEquals("epoll (io_uring refused by the system)", fallback.description());
    }
}
