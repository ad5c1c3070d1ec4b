package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsConfigTest {

    @Test
    void readsReferenceDefaults() {
        TlsConfig config = TlsTestConfigs.tls("");
        assertTrue(config.enabled());
        assertTrue(config.selfSigned());
        assertEquals(Optional.empty(), config.keyFile());
        assertEquals(ClientAuth.NONE, config.clientAuth());
        assertEquals(TlsConfig.MinVersion.TLS_1_3, config.minVersion());
        assertEquals(TlsConfig.Provider.AUTO, config.provider());
        assertEquals(10_000, config.handshakeTimeoutMillis());
        assertEquals(10_000, config.reloadIntervalMillis());
        assertEquals(20_000, config.sessionCacheSize());
        assertEquals(3600, config.sessionTimeoutSeconds());
    }

    @Test
    void readsEveryKey() {
        TlsConfig config = TlsTestConfigs.tls("enabled = false\ncert-file = /s/tls.crt\nkey-file = /s/tls.key\n"
                + "client-auth = REQUIRE\nclient-ca-file = /s/ca.crt\nmin-version = TLSv1.2\nprovider = jdk\n"
                + "handshake-timeout = 2s\nreload-interval = 500\nsession-cache-size = 7\nsession-timeout = 5m");
        assertFalse(config.enabled());
        assertEquals(Optional.of(Path.of("/s/tls.crt")), config.certFile());
        assertEquals(Optional.of(Path.of("/s/tls.key")), config.keyFile());
        assertEquals(ClientAuth.REQUIRE, config.clientAuth());
        assertEquals(Optional.of(Path.of("/s/ca.crt")), config.clientCaFile());
        assertEquals(TlsConfig.MinVersion.TLS_1_2, config.minVersion());
        assertEquals(TlsConfig.Provider.JDK, config.provider());
        assertEquals(2000, config.handshakeTimeoutMillis());
        assertEquals(500, config.reloadIntervalMillis(), "a bare number is milliseconds, as the *_MS variables give");
        assertEquals(7, config.sessionCacheSize());
        assertEquals(300, config.sessionTimeoutSeconds());
    }

    @Test
    void protocolsFollowMinimumVersion() {
        assertEquals(List.of("TLSv1.3"), List.of(TlsConfig.MinVersion.TLS_1_3.protocols()));
        assertEquals(List.of("TLSv1.3", "TLSv1.2"),
                List.of(TlsConfig.MinVersion.TLS_1_2.protocols()));
    }

    @Test
    void rejectsUnknownClientAuthNamingTheKey() {
        assertMessageNames("tick-storm.tls.client-auth", "client-auth = want");
    }

    @Test
    void rejectsClientAuthWithoutCaFileNamingTheKey() {
        assertMessageNames("tick-storm.tls.client-ca-file", "client-auth = require");
        assertMessageNames("tick-storm.tls.client-ca-file", "client-auth = optional");
    }

    @Test
    void rejectsUnknownMinVersionNamingTheKey() {
        assertMessageNames("tick-storm.tls.min-version", "min-version = TLSv1.1");
    }

    @Test
    void rejectsUnknownProviderNamingTheKey() {
        assertMessageNames("tick-storm.tls.provider", "provider = conscrypt");
    }

    @Test
    void rejectsCertificateWithoutKeyNamingTheMissingKey() {
        assertMessageNames("tick-storm.tls.key-file", "cert-file = /s/tls.crt");
        assertMessageNames("tick-storm.tls.cert-file", "key-file = /s/tls.key");
    }

    @Test
    void rejectsNonPositiveHandshakeTimeoutNamingTheKey() {
        assertMessageNames("tick-storm.tls.handshake-timeout", "handshake-timeout = 0s");
    }

    @Test
    void rejectsNegativeSizesAndIntervalsNamingTheKey() {
        assertMessageNames("tick-storm.tls.reload-interval", "reload-interval = -1s");
        assertMessageNames("tick-storm.tls.session-cache-size", "session-cache-size = -1");
        assertMessageNames("tick-storm.tls.session-timeout", "session-timeout = -1s");
    }

    @Test
    void mistypedValueErrorNamesTheFullKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> TlsTestConfigs.tls("enabled = maybe"));
        assertTrue(e.getMessage().contains("tick-storm.tls.enabled"), e.getMessage());
    }

    private static void assertMessageNames(String key, String hocon) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsTestConfigs.tls(hocon));
        assertTrue(e.getMessage().contains(key), () -> "\"" + e.getMessage() + "\" should name " + key);
    }
}
