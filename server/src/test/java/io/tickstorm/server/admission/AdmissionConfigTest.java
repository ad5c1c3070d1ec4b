package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class AdmissionConfigTest {

    private static Config with(String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void referenceDefaultsAdmitEveryoneWithoutPerAddressLimits() {
        AdmissionConfig c = AdmissionConfig.from(ConfigFactory.defaultReference().resolve());
        assertFalse(c.ipFilter().restricted());
        assertTrue(c.ipFilter().blocklist().isEmpty());
        assertEquals(0, c.maxConnectionsPerAddress());
        assertEquals(2000.0, c.acceptRatePerAddress());
        assertEquals(5000, c.acceptBurstPerAddress());
        assertEquals(0, c.maxUnauthenticated(), "derived from the connection cap");
        assertEquals(0, c.maxUnauthenticatedPerAddress());
    }

    @Test
    void readsUnauthenticatedCapsAndRejectsNegativeOnes() {
        AdmissionConfig c = AdmissionConfig.from(with("tick-storm.admission { max-unauthenticated-connections = 500, "
                + "max-unauthenticated-per-address = 20 }"));
        assertEquals(500, c.maxUnauthenticated());
        assertEquals(20, c.maxUnauthenticatedPerAddress());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdmissionConfig.from(with("tick-storm.admission.max-unauthenticated-per-address = -1")));
        assertTrue(e.getMessage().contains("tick-storm.admission.max-unauthenticated-per-address"), e.getMessage());
    }

    @Test
    void readsListsCapsAndRate() {
        AdmissionConfig c = AdmissionConfig.from(with("tick-storm.admission { allowlist = \"10.0.0.0/8, ::1\", "
                + "blocklist = \"10.6.6.6\", max-connections-per-address = 10, accept-rate-per-address = 50, "
                + "accept-burst-per-address = 200 }"));
        assertEquals(2, c.ipFilter().allowlist().size());
        assertEquals(1, c.ipFilter().blocklist().size());
        assertEquals(10, c.maxConnectionsPerAddress());
        assertEquals(50.0, c.acceptRatePerAddress());
        assertEquals(200, c.acceptBurstPerAddress());
    }

    @Test
    void invalidListEntryNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdmissionConfig.from(with("tick-storm.admission.blocklist = \"10.0.0.0/8, bad.example\"")));
        assertTrue(e.getMessage().contains("tick-storm.admission.blocklist"), e.getMessage());
    }

    @Test
    void negativePerAddressCapNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdmissionConfig.from(with("tick-storm.admission.max-connections-per-address = -1")));
        assertTrue(e.getMessage().contains("tick-storm.admission.max-connections-per-address"), e.getMessage());
    }

    @Test
    void zeroBurstNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdmissionConfig.from(with("tick-storm.admission.accept-burst-per-address = 0")));
        assertTrue(e.getMessage().contains("accept-burst-per-address"), e.getMessage());
    }
}
