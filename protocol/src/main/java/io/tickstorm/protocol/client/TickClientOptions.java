package io.tickstorm.protocol.client;

import io.tickstorm.protocol.FrameDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link TickClient} needs to reach, trust and log in to a server. Immutable and validated on
 * construction: an invalid value is an {@link IllegalArgumentException} naming the option. Build one with
 * {@link #builder()}.
 *
 * @param host server host name or address
 * @param port server TCP port
 * @param tls whether to speak TLS (1.3, or 1.2 if the server offers no better)
 * @param trustMode how to verify the server's certificate when {@code tls} is on
 * @param caFile PEM file of trusted CA certificates; required with {@link TrustMode#CA_FILE}, otherwise {@code null}
 * @param certFile PEM client certificate chain for mutual TLS, or {@code null}; set together with {@code keyFile}
 * @param keyFile PEM private key (PKCS#8 or PKCS#1) of {@code certFile}, or {@code null}
 * @param serverName name sent as SNI and checked against the certificate, or {@code null} to use {@code host}
 * @param connectTimeout limit for the TCP connect and, separately, for the TLS handshake
 * @param responseTimeout limit for the server's ACK or ERROR to an AUTH or SUBSCRIBE; when it passes the request
 *     fails and the connection is closed, since its state is then unknown
 * @param maxPayloadBytes largest frame payload accepted from the server
 * @param heartbeatInterval interval of the automatic HEARTBEATs after authentication; {@link Duration#ZERO} disables
 *     them (the server will then close the session after its heartbeat timeout unless the caller sends its own)
 * @param username AUTH username
 * @param password AUTH password (never printed by {@link #toString()})
 * @param clientId AUTH client_id, free text identifying this client instance, may be empty
 * @param version AUTH version, the client software's version string
 */
public record TickClientOptions(
        String host,
        int port,
        boolean tls,
        TrustMode trustMode,
        Path caFile,
        Path certFile,
        Path keyFile,
        String serverName,
        Duration connectTimeout,
        Duration responseTimeout,
        int maxPayloadBytes,
        Duration heartbeatInterval,
        String username,
        String password,
        String clientId,
        String version) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** TLS is on by default, as on the server. */
    public static final boolean DEFAULT_TLS = true;
    public static final TrustMode DEFAULT_TRUST_MODE = TrustMode.SYSTEM;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES;
    /** PROTOCOL.md §5.4: the client's default interval, comfortably inside the server's 20 s timeout. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    public static final String DEFAULT_CLIENT_ID = "";
    public static final String DEFAULT_VERSION = "tick-storm-java-client/1";

    public TickClientOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected 1..65535)");
        }
        Objects.requireNonNull(trustMode, "trustMode");
        if (trustMode == TrustMode.CA_FILE && caFile == null) {
            throw new IllegalArgumentException("caFile: required with trustMode CA_FILE");
        }
        if (trustMode != TrustMode.CA_FILE && caFile != null) {
            throw new IllegalArgumentException("caFile: only allowed with trustMode CA_FILE, not " + trustMode);
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("certFile/keyFile: a client certificate needs both files");
        }
        if (!tls && (certFile != null || caFile != null)) {
            throw new IllegalArgumentException("tls: caFile and certFile/keyFile need tls on");
        }
        if (serverName != null && serverName.isBlank()) {
            throw new IllegalArgumentException("serverName: must not be blank (null means: use host)");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(responseTimeout, "responseTimeout");
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected >= 1)");
        }
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("heartbeatInterval: " + heartbeatInterval + " (expected >= 0)");
        }
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(version, "version");
    }

    private static void requirePositive(Duration value, String key) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + ": " + value + " (expected > 0)");
        }
    }

    /** The name used for SNI and hostname verification: {@code serverName} if set, else {@code host}. */
    public String verifiedName() {
        return serverName != null ? serverName : host;
    }

    /** Whether automatic heartbeats are on. */
    public boolean heartbeatsEnabled() {
        return !heartbeatInterval.isZero();
    }

    /** A builder holding the {@code DEFAULT_*} values, with empty credentials. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this object's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        return "TickClientOptions[host=" + host + ", port=" + port + ", tls=" + tls + ", trustMode=" + trustMode
                + ", caFile=" + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile
                + ", serverName=" + serverName + ", connectTimeout=" + connectTimeout
                + ", responseTimeout=" + responseTimeout + ", maxPayloadBytes=" + maxPayloadBytes
                + ", heartbeatInterval=" + heartbeatInterval + ", username=" + username + ", password=<"
                + (password.isEmpty() ? "empty" : "hidden") + ">, clientId=" + clientId + ", version=" + version + "]";
    }

    /** Mutable staging for {@link TickClientOptions}; {@link #build()} validates. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private boolean tls = DEFAULT_TLS;
        private TrustMode trustMode = DEFAULT_TRUST_MODE;
        private Path caFile;
        private Path certFile;
        private Path keyFile;
        private String serverName;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private String username = "";
        private String password = "";
        private String clientId = DEFAULT_CLIENT_ID;
        private String version = DEFAULT_VERSION;

        private Builder() {
        }

        private Builder(TickClientOptions o) {
            host = o.host;
            port = o.port;
            tls = o.tls;
            trustMode = o.trustMode;
            caFile = o.caFile;
            certFile = o.certFile;
            keyFile = o.keyFile;
            serverName = o.serverName;
            connectTimeout = o.connectTimeout;
            responseTimeout = o.responseTimeout;
            maxPayloadBytes = o.maxPayloadBytes;
            heartbeatInterval = o.heartbeatInterval;
            username = o.username;
            password = o.password;
            clientId = o.clientId;
            version = o.version;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder tls(boolean value) {
            tls = value;
            return this;
        }

        /** Trust the JDK's default trust store (the default). */
        public Builder trustSystem() {
            trustMode = TrustMode.SYSTEM;
            caFile = null;
            return this;
        }

        /** Trust only the CA certificates in {@code pemFile}. */
        public Builder trustCaFile(Path pemFile) {
            trustMode = TrustMode.CA_FILE;
            caFile = pemFile;
            return this;
        }

        /** Trust any certificate for any name; see the warning on {@link TrustMode#INSECURE}. */
        public Builder trustInsecure() {
            trustMode = TrustMode.INSECURE;
            caFile = null;
            return this;
        }

        /** Present this certificate chain and key for mutual TLS. */
        public Builder clientCertificate(Path certPemFile, Path keyPemFile) {
            certFile = certPemFile;
            keyFile = keyPemFile;
            return this;
        }

        public Builder serverName(String value) {
            serverName = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder responseTimeout(Duration value) {
            responseTimeout = value;
            return this;
        }

        public Builder maxPayloadBytes(int value) {
            maxPayloadBytes = value;
            return this;
        }

        public Builder heartbeatInterval(Duration value) {
            heartbeatInterval = value;
            return this;
        }

        public Builder credentials(String user, String secret) {
            username = user;
            password = secret;
            return this;
        }

        public Builder clientId(String value) {
            clientId = value;
            return this;
        }

        public Builder version(String value) {
            version = value;
            return this;
        }

        public TickClientOptions build() {
            return new TickClientOptions(host, port, tls, trustMode, caFile, certFile, keyFile, serverName,
                    connectTimeout, responseTimeout, maxPayloadBytes, heartbeatInterval, username, password, clientId,
                    version);
        }
    }
}
