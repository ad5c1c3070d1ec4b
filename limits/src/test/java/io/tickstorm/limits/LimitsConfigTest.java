package io.tickstorm.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitsConfigTest {

    private static Config with(String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void referenceDefaultsDeriveEverything() {
        LimitsConfig c = LimitsConfig.from(ConfigFactory.defaultReference().resolve());
        assertEquals(0, c.maxConnections());
        assertEquals(0, c.maxOpenFiles());
        assertEquals(0, c.maxMemoryBytes());
        assertEquals(10 * 1024, c.connectionCostBytes());
        assertEquals(256, c.fdReserve());
        assertEquals(128L << 20, c.nativeHeadroomBytes());
        assertEquals(0.9, c.highWater());
        assertEquals(0.8, c.lowWater());
        assertEquals(Duration.ofSeconds(1), c.sampleInterval());
        assertEquals(Path.of("/"), c.cgroupRoot());
    }

    @Test
    void bareNumbersAreBytesAndMilliseconds() {
        LimitsConfig c = LimitsConfig.from(with(
                "tick-storm.limits { max-memory-bytes = 1610612736, sample-interval = 250, connection-cost = 32768 }"));
        assertEquals(1610612736L, c.maxMemoryBytes());
        assertEquals(Duration.ofMillis(250), c.sampleInterval());
        assertEquals(32768, c.connectionCostBytes());
    }

    @Test
    void rejectsLowWaterAboveHighWaterNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimitsConfig.from(with("tick-storm.limits.breach-low-water = 0.95")));
        assertTrue(e.getMessage().contains("tick-storm.limits.breach-low-water"), e.getMessage());
    }

    @Test
    void rejectsMistypedValueNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimitsConfig.from(with("tick-storm.limits.max-connections = lots")));
        assertTrue(e.getMessage().contains("max-connections"), e.getMessage());
    }

    @Test
    void rejectsNegativeMaxConnectionsNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimitsConfig.from(with("tick-storm.limits.max-connections = -1")));
        assertTrue(e.getMessage().contains("tick-storm.limits.max-connections"), e.getMessage());
    }
}
