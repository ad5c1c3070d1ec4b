package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.NetUtil;
import io.tickstorm.server.admission.IpFilter.Verdict;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class IpFilterTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Test
    void emptyListsAdmitEveryone() {
        IpFilter filter = IpFilter.parse("", " , ");
        assertEquals(Verdict.ALLOWED, filter.check(ip("203.0.113.1")));
        assertEquals(Verdict.ALLOWED, filter.check(ip("2001:db8::1")));
    }

    @Test
    void nonEmptyAllowlistAdmitsOnlyItsBlocks() {
        IpFilter filter = IpFilter.parse("10.0.0.0/8,2001:db8::/32", "");
        assertEquals(Verdict.ALLOWED, filter.check(ip("10.9.9.9")));
        assertEquals(Verdict.ALLOWED, filter.check(ip("2001:db8::9")));
        assertEquals(Verdict.NOT_ALLOWLISTED, filter.check(ip("192.168.0.1")));
        assertEquals(Verdict.NOT_ALLOWLISTED, filter.check(ip("2001:db9::1")));
    }

    @Test
    void blocklistWinsOverAllowlist() {
        IpFilter filter = IpFilter.parse("10.0.0.0/8", "10.0.0.66, 2001:db8::/32");
        assertEquals(Verdict.BLOCKLISTED, filter.check(ip("10.0.0.66")));
        assertEquals(Verdict.ALLOWED, filter.check(ip("10.0.0.65")));
        assertEquals(Verdict.BLOCKLISTED, filter.check(ip("2001:db8::1")));
    }

    @Test
    void blocklistAloneAdmitsEveryoneElse() {
        IpFilter filter = IpFilter.parse("", "192.0.2.0/24");
        assertEquals(Verdict.BLOCKLISTED, filter.check(ip("192.0.2.200")));
        assertEquals(Verdict.ALLOWED, filter.check(ip("192.0.3.1")));
    }

    @Test
    void invalidEntryNamesItsKey() {
        IllegalArgumentException allow = assertThrows(IllegalArgumentException.class,
                () -> IpFilter.parse("10.0.0.0/8,not-an-ip", ""));
        assertTrue(allow.getMessage().startsWith("tick-storm.admission.allowlist"), allow.getMessage());
        assertTrue(allow.getMessage().contains("not-an-ip"), allow.getMessage());
        IllegalArgumentException block = assertThrows(IllegalArgumentException.class,
                () -> IpFilter.parse("", "10.0.0.0/40"));
        assertTrue(block.getMessage().startsWith("tick-storm.admission.blocklist"), block.getMessage());
    }
}
