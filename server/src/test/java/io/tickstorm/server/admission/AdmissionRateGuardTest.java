package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link AcceptRateGuard}: the admission token buckets. */
class AdmissionRateGuardTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static InetAddress ip(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void burstGoesThroughAndTheRestQueueAtTheRate() throws UnknownHostException {
        AcceptRateGuard guard = new AcceptRateGuard(10, 3, 100);
        long now = 5 * SECOND;
        assertEquals(0, guard.delayNanos(ip(1), now));
        assertEquals(0, guard.delayNanos(ip(1), now));
        assertEquals(0, guard.delayNanos(ip(1), now));
        assertEquals(SECOND / 10, guard.delayNanos(ip(1), now));
        assertEquals(2 * SECOND / 10, guard.delayNanos(ip(1), now));
    }

    @Test
    void refillsOverTimeUpToTheBurst() throws UnknownHostException {
        AcceptRateGuard guard = new AcceptRateGuard(10, 2, 100);
        guard.delayNanos(ip(1), 0);
        guard.delayNanos(ip(1), 0);
        assertEquals(0, guard.delayNanos(ip(1), SECOND / 10));
        long later = 100 * SECOND;
        assertEquals(0, guard.delayNanos(ip(1), later));
        assertEquals(0, guard.delayNanos(ip(1), later));
        assertEquals(SECOND / 10, guard.delayNanos(ip(1), later));
    }

    @Test
    void refundShortensTheQueue() throws UnknownHostException {
        AcceptRateGuard guard = new AcceptRateGuard(1, 1, 100);
        guard.delayNanos(ip(1), 0);
        assertEquals(SECOND, guard.delayNanos(ip(1), 0));
        guard.refund(ip(1), 0);
        assertEquals(SECOND, guard.delayNanos(ip(1), 0));
    }

    @Test
    void dropsRefilledBucketsToStayBounded() throws UnknownHostException {
        AcceptRateGuard guard = new AcceptRateGuard(1, 1, 2);
        guard.delayNanos(ip(1), 0);
        guard.delayNanos(ip(2), 0);
        assertEquals(2, guard.trackedAddresses());
        guard.delayNanos(ip(3), 10 * SECOND);
        assertEquals(1, guard.trackedAddresses(), "the two refilled buckets went, the new one came");
    }

    @Test
    void admitsUntrackedWhenEveryTrackedAddressIsBusy() throws UnknownHostException {
        AcceptRateGuard guard = new AcceptRateGuard(1, 1, 2);
        guard.delayNanos(ip(1), 0);
        guard.delayNanos(ip(2), 0);
        assertEquals(0, guard.delayNanos(ip(3), 0));
        assertEquals(0, guard.delayNanos(ip(3), 0));
        assertEquals(2, guard.trackedAddresses());
    }
}
