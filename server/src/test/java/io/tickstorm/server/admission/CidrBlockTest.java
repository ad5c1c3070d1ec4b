package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class CidrBlockTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static boolean in(String block, String address) {
        return CidrBlock.parse(block).contains(ip(address));
    }

    @Test
    void ipv4BlockEdges() {
        assertTrue(in("10.0.0.0/8", "10.0.0.0"));
        assertTrue(in("10.0.0.0/8", "10.255.255.255"));
        assertFalse(in("10.0.0.0/8", "11.0.0.0"));
        assertFalse(in("10.0.0.0/8", "9.255.255.255"));
    }

    @Test
    void prefixThatSplitsAByte() {
        assertTrue(in("172.16.0.0/12", "172.31.255.255"));
        assertFalse(in("172.16.0.0/12", "172.32.0.0"));
        assertTrue(in("192.168.1.128/25", "192.168.1.200"));
        assertFalse(in("192.168.1.128/25", "192.168.1.127"));
    }

    @Test
    void bareAddressIsASingleHost() {
        assertTrue(in("192.0.2.1", "192.0.2.1"));
        assertFalse(in("192.0.2.1", "192.0.2.2"));
        assertTrue(in("::1", "::1"));
        assertFalse(in("::1", "::2"));
    }

    @Test
    void zeroPrefixMatchesItsWholeFamilyOnly() {
        assertTrue(in("0.0.0.0/0", "203.0.113.5"));
        assertFalse(in("0.0.0.0/0", "2001:db8::1"));
        assertTrue(in("::/0", "2001:db8::1"));
        assertFalse(in("::/0", "203.0.113.5"));
    }

    @Test
    void ipv6BlockEdges() {
        assertTrue(in("2001:db8::/32", "2001:db8::"));
        assertTrue(in("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertFalse(in("2001:db8::/32", "2001:db9::"));
        assertTrue(in("fe80::/10", "febf::1"));
        assertFalse(in("fe80::/10", "fec0::1"));
        assertTrue(in("2001:db8::/127", "2001:db8::1"));
        assertFalse(in("2001:db8::/127", "2001:db8::2"));
    }

    @Test
    void ipv4MappedEntriesMatchIpv4Peers() {
        assertTrue(in("::ffff:10.0.0.0/104", "10.1.2.3"));
        assertFalse(in("::ffff:10.0.0.0/104", "11.1.2.3"));
        assertEquals(CidrBlock.parse("10.0.0.0/8"), CidrBlock.parse("::ffff:10.0.0.0/104"));
    }

    @Test
    void hostBitsAreIgnored() {
        assertEquals(CidrBlock.parse("10.0.0.0/8"), CidrBlock.parse("10.1.2.3/8"));
        assertEquals("10.0.0.0/8", CidrBlock.parse("10.1.2.3/8").toString());
    }

    @Test
    void rejectsWhatIsNotALiteralBlock() {
        for (String bad : new String[] {"localhost", "example.com", "1.2.3", "10.0.0.0/33", "::/129", "10.0.0.0/",
                "10.0.0.0/x", "10.0.0.0/-1", ""}) {
            assertThrows(IllegalArgumentException.class, () -> CidrBlock.parse(bad), bad);
        }
    }
}
