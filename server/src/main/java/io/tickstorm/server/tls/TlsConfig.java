package io.tickstorm.server.tls;

import com.typesafe.config.Config;
import io.netty.handler.ssl.ClientAuth;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code tick-storm.tls} block of the configuration, validated.
 *
 * <p>Cross-field rules are checked even when TLS is disabled, so a leftover, contradictory setting fails at startup
 * rather than when somebody flips {@code enabled} back on.
 *
 * @param enabled               {@code tick-storm.tls.enabled}: plain TCP only when false
 * @param certFile              {@code tick-storm.tls.cert-file}: PEM certificate chain, leaf first; empty together
 *                              with {@code keyFile} means a self-signed certificate is generated in memory
 * @param keyFile               {@code tick-storm.tls.key-file}: PEM private key, PKCS#8, PKCS#1 (RSA) or SEC1 (EC)
 * @param clientAuth            {@code tick-storm.tls.client-auth}: none, optional or require
 * @param clientCaFile          {@code tick-storm.tls.client-ca-file}: PEM bundle (one or more certificates) of the
 *                              CAs that sign client certificates; not read when client-auth is none
 * @param minVersion            {@code tick-storm.tls.min-version}
 * @param provider              {@code tick-storm.tls.provider}
 * @param handshakeTimeoutMillis {@code tick-storm.tls.handshake-timeout}, positive
 * @param reloadIntervalMillis  {@code tick-storm.tls.reload-interval}; 0 turns the file check off
 * @param sessionCacheSize      {@code tick-storm.tls.session-cache-size}; 0 leaves the provider's default
 * @param sessionTimeoutSeconds {@code tick-storm.tls.session-timeout}; 0 leaves the provider's default
 */
public record TlsConfig(
        boolean enabled,
        Optional<Path> certFile,
        Optional<Path> keyFile,
        ClientAuth clientAuth,
        Optional<Path> clientCaFile,
        MinVersion minVersion,
        Provider provider,
        long handshakeTimeoutMillis,
        long reloadIntervalMillis,
        long sessionCacheSize,
        long sessionTimeoutSeconds) {

    /** Path of this block in the configuration tree. */
    public static final String PATH = "tick-storm.tls";

    /** Lowest TLS version accepted from clients. */
    public enum MinVersion {
        /** Only TLS 1.3 (PROTOCOL.md §1 default). */
        TLS_1_3("TLSv1.3", new String[] {"TLSv1.3"}),
        /** TLS 1.3 preferred, TLS 1.2 accepted. */
        TLS_1_2("TLSv1.2", new String[] {"TLSv1.3", "TLSv1.2"});

        private final String configValue;
        private final String[] protocols;

        MinVersion(String configValue, String[] protocols) {
            this.configValue = configValue;
            this.protocols = protocols;
        }

        /** The value as written in the configuration, e.g. {@code TLSv1.3}. */
        public String configValue() {
            return configValue;
        }

        /** The protocol names to enable on the engine, newest first; a fresh array per call. */
        public String[] protocols() {
            return protocols.clone();
        }

        static MinVersion parse(String value) {
            for (MinVersion version : values()) {
                if (version.configValue.equalsIgnoreCase(value.trim())) {
                    return version;
                }
            }
            throw new IllegalArgumentException(
                    PATH + ".min-version must be TLSv1.3 or TLSv1.2, got \"" + value + "\"");
        }
    }

    /** Which TLS implementation serves the handshakes. */
    public enum Provider {
        /** OpenSSL (BoringSSL through netty-tcnative) when it loads, JDK otherwise. */
        AUTO,
        /** OpenSSL (BoringSSL) only; startup fails if it does not load. */
        OPENSSL,
        /** The JDK's own implementation. */
        JDK;

        static Provider parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        PATH + ".provider must be auto, openssl or jdk, got \"" + value + "\"", e);
            }
        }
    }

    /** Validates the fields; every failure names its configuration key. */
    public TlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(clientAuth, PATH + ".client-auth");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        Objects.requireNonNull(minVersion, PATH + ".min-version");
        Objects.requireNonNull(provider, PATH + ".provider");
        if (certFile.isPresent() != keyFile.isPresent()) {
            String missing = certFile.isPresent() ? "key-file" : "cert-file";
            String present = certFile.isPresent() ? "cert-file" : "key-file";
            throw new IllegalArgumentException(PATH + "." + missing + " must be set when " + PATH + "." + present
                    + " is set (set both, or neither for a generated self-signed certificate)");
        }
        if (clientAuth != ClientAuth.NONE && clientCaFile.isEmpty()) {
            throw new IllegalArgumentException(PATH + ".client-ca-file must be set when " + PATH + ".client-auth is "
                    + clientAuth.name().toLowerCase(Locale.ROOT));
        }
        if (handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException(
                    PATH + ".handshake-timeout must be positive, got " + handshakeTimeoutMillis + "ms");
        }
        if (reloadIntervalMillis < 0) {
            throw new IllegalArgumentException(
                    PATH + ".reload-interval must not be negative, got " + reloadIntervalMillis + "ms");
        }
        if (sessionCacheSize < 0 || sessionCacheSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    PATH + ".session-cache-size must be between 0 and " + Integer.MAX_VALUE + ", got "
                            + sessionCacheSize);
        }
        if (sessionTimeoutSeconds < 0 || sessionTimeoutSeconds > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    PATH + ".session-timeout must be between 0s and " + Integer.MAX_VALUE + "s, got "
                            + sessionTimeoutSeconds + "s");
        }
    }

    /**
     * Reads {@code tick-storm.tls} from the resolved root configuration.
     *
     * @throws IllegalArgumentException naming the key of an invalid value
     * @throws com.typesafe.config.ConfigException naming the key of a missing or mistyped value
     */
    public static TlsConfig from(Config root) {
        // Read by full path, so Typesafe's own errors (missing key, wrong type) name the whole key too.
        return new TlsConfig(
                root.getBoolean(key("enabled")),
                optionalPath(root.getString(key("cert-file"))),
                optionalPath(root.getString(key("key-file"))),
                parseClientAuth(root.getString(key("client-auth"))),
                optionalPath(root.getString(key("client-ca-file"))),
                MinVersion.parse(root.getString(key("min-version"))),
                Provider.parse(root.getString(key("provider"))),
                root.getDuration(key("handshake-timeout"), TimeUnit.MILLISECONDS),
                root.getDuration(key("reload-interval"), TimeUnit.MILLISECONDS),
                root.getLong(key("session-cache-size")),
                root.getDuration(key("session-timeout"), TimeUnit.SECONDS));
    }

    /** True when no certificate files are configured and a self-signed certificate is generated instead. */
    public boolean selfSigned() {
        return certFile.isEmpty();
    }

    private static String key(String name) {
        return PATH + "." + name;
    }

    private static Optional<Path> optionalPath(String value) {
        String trimmed = value.trim();
        return trimmed.isEmpty() ? Optional.empty() : Optional.of(Path.of(trimmed));
    }

    private static ClientAuth parseClientAuth(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "require" -> ClientAuth.REQUIRE;
            default -> throw new IllegalArgumentException(
                    PATH + ".client-auth must be none, optional or require, got \"" + value + "\"");
        };
    }
}
