package io.tickstorm.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.BuildInfo;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import org.junit.jupiter.api.Test;

/** Scrapes /metrics over HTTP after a scripted session and checks that each counter moved by exactly its amount. */
class MetricsIT {

    @Test
    void countersMoveByExactlyWhatTheSessionDid() throws Exception {
        try (TickServer server = TestServers.start()) {
            Scrape before = Scrape.metrics(server.metricsPort());
            try (RawClient good = RawClient.connect(server.tickAddress())) {
                good.authenticate();
                good.heartbeat(1);
                good.read();
                good.heartbeat(2);
                good.read();
                good.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.MINUTE).addSymbols("AAPL")
                        .build());
                good.read();
                good.read();
                good.subscribe(SubscribeRequest.newBuilder().setModeValue(0).build());
                good.expectError(ErrorCode.ALREADY_SUBSCRIBED);
            }
            try (RawClient wrong = RawClient.connect(server.tickAddress())) {
                wrong.auth(TestServers.USER, "nope");
                wrong.expectErrorThenClose(ErrorCode.INVALID_AUTH);
            }
            try (RawClient stranger = RawClient.connect(server.tickAddress())) {
                stranger.auth("stranger", "nope");
                stranger.expectErrorThenClose(ErrorCode.INVALID_AUTH);
            }
            try (RawClient corrupt = RawClient.connect(server.tickAddress())) {
                byte[] frame = RawClient.frame(FrameType.HEARTBEAT.code(), new byte[0]);
                frame[frame.length - 1] ^= 0x10;
                corrupt.sendRaw(frame);
                corrupt.expectErrorThenClose(ErrorCode.CHECKSUM_FAILED);
            }
            Thread.sleep(200);
            Scrape after = Scrape.metrics(server.metricsPort());
            assertDelta(before, after, "tick_storm_connections_total", 4);
            assertDelta(before, after, "tick_storm_auth_success_total", 1);
            assertDelta(before, after, "tick_storm_auth_failures_total{reason=\"bad_password\",}", 1);
            assertDelta(before, after, "tick_storm_auth_failures_total{reason=\"unknown_user\",}", 1);
            assertDelta(before, after, "tick_storm_messages_received_total{type=\"auth\",}", 3);
            assertDelta(before, after, "tick_storm_messages_received_total{type=\"heartbeat\",}", 2);
            assertDelta(before, after, "tick_storm_messages_received_total{type=\"subscribe\",}", 2);
            assertDelta(before, after, "tick_storm_messages_sent_total{type=\"pong\",}", 2);
            assertDelta(before, after, "tick_storm_messages_sent_total{type=\"ack\",}", 2);
            assertDelta(before, after, "tick_storm_messages_sent_total{type=\"error\",}", 4);
            assertDelta(before, after, "tick_storm_protocol_errors_total{code=\"invalid_auth\",}", 2);
            assertDelta(before, after, "tick_storm_protocol_errors_total{code=\"checksum_failed\",}", 1);
            assertDelta(before, after, "tick_storm_protocol_errors_total{code=\"already_subscribed\",}", 1);
            assertDelta(before, after, "tick_storm_heartbeat_timeouts_total", 0);
            assertEquals(0, after.value("tick_storm_active_connections"));
            assertTrue(after.value("tick_storm_bytes_received_total") > before.value("tick_storm_bytes_received_total"));
            assertTrue(after.value("tick_storm_bytes_sent_total") > before.value("tick_storm_bytes_sent_total"));
            assertTrue(after.value("tick_storm_ticks_generated_total") > 0);
            assertTrue(after.has("tick_storm_limit{resource=\"open_files\",}"));
            assertTrue(after.has("tick_storm_resource_usage_ratio{resource=\"heap\",}"));
            assertTrue(after.has("jvm_memory_bytes_used{area=\"heap\",}"), "JVM metrics are exported");
            BuildInfo build = BuildInfo.current();
            assertEquals(1, after.value("tick_storm_build_info{version=\"" + build.version() + "\",commit=\""
                    + build.commit() + "\",}"));
            assertTrue(build.version().endsWith("-SNAPSHOT") || build.version().matches("\\d.*"), build.version());
        }
    }

    private static void assertDelta(Scrape before, Scrape after, String series, double expected) {
        assertEquals(expected, after.value(series) - before.value(series), series);
    }
}
