package io.tickstorm.server.admission;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address is a /32 or
 * /128. IPv4-mapped IPv6 entries ({@code ::ffff:10.0.0.0/104}) are stored as IPv4, because the JDK hands IPv4 peers
 * to the server as IPv4 addresses even on a dual-stack socket. Host bits below the prefix are ignored.
 */
public final class CidrBlock {

    private final byte[] network;
    private final int prefixBits;

    private CidrBlock(byte[] network, int prefixBits) {
        this.network = network;
        this.prefixBits = prefixBits;
        maskHostBits(network, prefixBits);
    }

    /**
     * Parses one entry. Only literal addresses are accepted: the text is never resolved through DNS.
     *
     * @throws IllegalArgumentException when the entry is not an address or CIDR block
     */
    public static CidrBlock parse(String entry) {
        String text = entry.trim();
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] address = NetUtil.createByteArrayFromIpAddressString(addressText);
        if (address == null) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
        }
        int maxBits = address.length * 8;
        int prefix = maxBits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + entry + "' has no numeric prefix length", e);
            }
            if (prefix < 0 || prefix > maxBits) {
                throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0.." + maxBits);
            }
        }
        if (isIpv4Mapped(address) && prefix >= 96) {
            return new CidrBlock(Arrays.copyOfRange(address, 12, 16), prefix - 96);
        }
        return new CidrBlock(address, prefix);
    }

    /** Whether {@code address} lies in this block; an address of the other family never does. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        if (bytes.length != network.length) {
            return false;
        }
        int fullBytes = prefixBits / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int restBits = prefixBits % 8;
        if (restBits == 0) {
            return true;
        }
        int mask = (0xFF << (8 - restBits)) & 0xFF;
        return (bytes[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    private static boolean isIpv4Mapped(byte[] a) {
        if (a.length != 16 || a[10] != (byte) 0xFF || a[11] != (byte) 0xFF) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void maskHostBits(byte[] a, int prefixBits) {
        for (int bit = prefixBits; bit < a.length * 8; bit++) {
            a[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrBlock other && prefixBits == other.prefixBits && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixBits;
    }

    @Override
    public String toString() {
        return NetUtil.bytesToIpAddress(network) + "/" + prefixBits;
    }
}
