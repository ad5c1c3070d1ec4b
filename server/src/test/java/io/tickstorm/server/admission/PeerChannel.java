package io.tickstorm.server.admission;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** An {@link EmbeddedChannel} whose peer is a chosen address; registered (and so activated) once the address is set. */
public final class PeerChannel extends EmbeddedChannel {

    private final InetSocketAddress peer;

    private PeerChannel(InetSocketAddress peer, ChannelHandler... handlers) {
        super(false, false, handlers);
        this.peer = peer;
    }

    public static PeerChannel connect(String address, ChannelHandler... handlers) {
        PeerChannel ch = new PeerChannel(new InetSocketAddress(literal(address), 40000), handlers);
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ch;
    }

    private static java.net.InetAddress literal(String address) {
        try {
            return java.net.InetAddress.getByAddress(io.netty.util.NetUtil.createByteArrayFromIpAddressString(address));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return peer;
    }
}
