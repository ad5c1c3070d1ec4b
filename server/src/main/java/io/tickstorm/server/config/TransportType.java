package io.tickstorm.server.config;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;

/**
 * The socket transport of the event loops ({@code tick-storm.transport}, {@code TRANSPORT}). The native transports
 * need Linux; io_uring also a kernel (and seccomp profile) that allows it: where it is refused the server falls back
 * to epoll, then NIO, and says so in its startup line.
 */
public enum TransportType {
    /** The fastest measured on this kind of machine that the kernel allows (bench/RESULTS.md): epoll, else NIO. */
    AUTO,
    EPOLL,
    IO_URING,
    NIO;

    public static final String KEY = "tick-storm.transport";

    /** The configuration value, e.g. {@code io_uring}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code auto}, {@code epoll}, {@code io_uring} or {@code nio} (any case). */
    public static TransportType parse(String value) {
        for (TransportType type : values()) {
            if (type.configValue().equalsIgnoreCase(value.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException(KEY + " must be auto, epoll, io_uring or nio, got \"" + value + "\"");
    }

    /** The transport to use: this one if the system allows it, else the next best that it does. */
    public Transport resolve() {
        TransportType chosen = switch (this) {
            case IO_URING -> IoUring.isAvailable() ? IO_URING : Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL, AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case NIO -> NIO;
        };
        return switch (chosen) {
            case IO_URING -> new Transport(chosen, this, IoUringIoHandler.newFactory(),
                    IoUringServerSocketChannel.class);
            case EPOLL -> new Transport(chosen, this, EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
            default -> new Transport(NIO, this, NioIoHandler.newFactory(), NioServerSocketChannel.class);
        };
    }

    /**
     * A resolved transport.
     *
     * @param type what the event loops use
     * @param requested what was configured
     */
    public record Transport(TransportType type, TransportType requested, IoHandlerFactory ioHandlers,
            Class<? extends ServerChannel> serverChannelType) {

        /** For the startup line: {@code epoll}, or {@code epoll (io_uring refused by the system)}. */
        public String description() {
            if (requested == AUTO || requested == type) {
                return type.configValue();
            }
            return type.configValue() + " (" + requested.configValue() + " refused by the system)";
        }
    }
}
