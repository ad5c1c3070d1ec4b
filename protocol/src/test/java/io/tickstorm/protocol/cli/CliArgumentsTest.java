package io.tickstorm.protocol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.proto.SubscriptionMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliArgumentsTest {

    @Test
    void defaultsMatchTheServer() throws Exception {
        CliArguments arguments = CliArguments.parse(new String[0]);
        assertEquals("127.0.0.1", arguments.host());
        assertEquals(8080, arguments.port());
        assertTrue(arguments.tls());
        assertEquals(SubscriptionMode.SECOND, arguments.mode());
        assertEquals(List.of(), arguments.symbols());
        assertEquals(0, arguments.count());
        assertNull(arguments.duration());
        assertEquals(TickFormat.TEXT, arguments.format());
        assertFalse(arguments.passwordStdin());
    }

    @Test
    void acceptsValuesInlineOrAsTheNextArgument() throws Exception {
        CliArguments arguments = CliArguments.parse(new String[] {
            "--host=tick.example", "--port", "9443", "--symbols", " AAPL, ,MSFT ", "--mode=REALTIME",
            "--start-time", "1700000000000", "--no-tls", "--tls"});
        assertEquals("tick.example", arguments.host());
        assertEquals(9443, arguments.port());
        assertEquals(List.of("AAPL", "MSFT"), arguments.symbols());
        assertEquals(SubscriptionMode.REALTIME, arguments.mode());
        assertEquals(1_700_000_000_000L, arguments.startTimeMs());
        assertTrue(arguments.tls(), "the last of --tls/--no-tls wins");
    }

    @Test
    void parsesDurationsWithUnits() throws Exception {
        assertEquals(Duration.ofMillis(250), CliArguments.parse(new String[] {"--duration", "250ms"}).duration());
        assertEquals(Duration.ofSeconds(10), CliArguments.parse(new String[] {"--duration", "10s"}).duration());
        assertEquals(Duration.ofSeconds(7), CliArguments.parse(new String[] {"--duration", "7"}).duration());
        assertEquals(Duration.ofMinutes(5), CliArguments.parse(new String[] {"--duration", "5m"}).duration());
        assertEquals(Duration.ofHours(1), CliArguments.parse(new String[] {"--duration", "1h"}).duration());
        assertThrows(CliUsageException.class,
                () -> CliArguments.parse(new String[] {"--duration", "99999999999999999h"}));
    }

    @Test
    void parsesConflationIntervalsWithABareNumberInMilliseconds() throws Exception {
        assertNull(CliArguments.parse(new String[0]).conflate());
        assertEquals(Duration.ofMillis(500),
                CliArguments.parse(new String[] {"--mode", "realtime", "--conflate", "500ms"}).conflate());
        assertEquals(Duration.ofSeconds(2),
                CliArguments.parse(new String[] {"--mode=realtime", "--conflate=2s"}).conflate());
        assertEquals(Duration.ofMillis(250),
                CliArguments.parse(new String[] {"--mode", "realtime", "--conflate", "250"}).conflate());
        for (String bad : new String[] {"9ms", "61s", "1m", "0.5s", "-5", "x", "99999999999999"}) {
            assertThrows(CliUsageException.class,
                    () -> CliArguments.parse(new String[] {"--mode", "realtime", "--conflate", bad}), bad);
        }
        assertThrows(CliUsageException.class, () -> CliArguments.parse(new String[] {"--conflate", "500ms"}),
                "SECOND by default");
        assertThrows(CliUsageException.class, () -> CliArguments.parse(
                new String[] {"--mode", "realtime", "--start-time", "5", "--conflate", "500ms"}));
    }

    @Test
    void switchesTakeNoValue() {
        CliUsageException failure = assertThrows(CliUsageException.class,
                () -> CliArguments.parse(new String[] {"--json=yes"}));
        assertEquals("--json takes no value", failure.getMessage());
    }
}
