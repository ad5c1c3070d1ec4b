package io.tickstorm.server.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's current {@link SslContext}, rebuilt when the certificate, key or client CA file changes.
 *
 * <p>One instance per server. When files are configured and {@code reload-interval} is positive, one task on the
 * given scheduler reads the files every interval and compares a SHA-256 of their contents with the last loaded
 * version. Contents, not mtimes, because a Kubernetes Secret update swaps a {@code ..data} symlink (the paths stay,
 * the targets change) and because two writes within one second share an mtime; the files are a few KiB. A changed
 * version is parsed and built; on success it replaces the context for new handshakes, while open connections keep
 * the engine (and context) they started with. On failure (a half-written file, a key that does not match the
 * certificate, an unreadable file) the old context stays, a WARN is logged once per failing version and the files
 * are tried again at the next interval, so a rotation caught between two writes fixes itself.
 *
 * <p>Without certificate files a {@link GeneratedCertificate} is made once; only a client CA file, if any, is
 * watched then.
 *
 * <p>Threads: {@link #current()}, {@link #newHandler(ByteBufAllocator)} and the counters are safe from any thread
 * (the context is a volatile read); {@link #reloadIfChanged()} may be called from any thread and is serialised.
 */
public final class ReloadingSslContext implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingSslContext.class);

    private final TlsConfig config;
    private final ServerSslContextFactory factory;
    private final Optional<GeneratedCertificate> generated;
    /** True when some file (certificate, key or client CA) is configured and so worth checking. */
    private final boolean watchesFiles;
    private final ScheduledFuture<?> reloadTask;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private final Object reloadLock = new Object();
    private volatile Loaded loaded;
    /** Digest (or read error) of the last version that failed, so each bad version is reported once. */
    private String lastFailedVersion;

    private ReloadingSslContext(TlsConfig config, ScheduledExecutorService scheduler, Instant now) {
        this.config = config;
        this.factory = new ServerSslContextFactory(config);
        this.generated = config.selfSigned() ? Optional.of(GeneratedCertificate.generate(now)) : Optional.empty();
        this.watchesFiles = !config.selfSigned() || clientCaFile(config).isPresent();
        this.loaded = load(FileVersion.read(config));
        logLoaded(generated.isPresent() ? "generated self-signed" : "loaded");
        this.reloadTask = watchesFiles && config.reloadIntervalMillis() > 0
                ? scheduler.scheduleWithFixedDelay(this::scheduledCheck, config.reloadIntervalMillis(),
                        config.reloadIntervalMillis(), TimeUnit.MILLISECONDS)
                : null;
    }

    /**
     * Loads the configured files (or generates a certificate) and, if files are configured, starts watching them on
     * {@code scheduler}. The scheduler belongs to the caller; {@link #close()} only cancels this task. Reading and
     * building take a few milliseconds each interval, so a non-I/O thread is the better choice, though an event
     * loop works.
     *
     * @throws IllegalArgumentException naming the configuration key when a file is missing or invalid
     * @throws IllegalStateException    if the configured provider is unavailable
     */
    public static ReloadingSslContext open(TlsConfig config, ScheduledExecutorService scheduler) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(scheduler, "scheduler");
        if (!config.enabled()) {
            throw new IllegalArgumentException(TlsConfig.PATH + ".enabled is false: no TLS context to open");
        }
        return new ReloadingSslContext(config, scheduler, Instant.now());
    }

    /** The context for the next handshake. */
    public SslContext current() {
        return loaded.context;
    }

    /** The identity (key and chain) the current context presents. */
    public ServerIdentity identity() {
        return loaded.identity;
    }

    /** The provider the contexts use (OPENSSL or JDK). */
    public SslProvider provider() {
        return factory.provider();
    }

    /**
     * Whether clients could renegotiate: only the JDK provider with TLS 1.2 allowed (BoringSSL refuses renegotiation
     * and TLS 1.3 has none). The pipeline then puts a {@link RenegotiationGuard} in front of the SSL handler.
     */
    public boolean clientRenegotiationPossible() {
        return factory.provider() == SslProvider.JDK && config.minVersion() == TlsConfig.MinVersion.TLS_1_2;
    }

    /** The generated self-signed certificate, when no certificate files are configured. */
    public Optional<GeneratedCertificate> generatedCertificate() {
        return generated;
    }

    /**
     * A server-side handler from the current context with the configured handshake timeout. Call it per accepted
     * channel (in {@code initChannel}), on the channel's event loop or any other thread.
     */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = loaded.context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(config.handshakeTimeoutMillis());
        return handler;
    }

    /** Successful reloads since open (the initial load is not counted). */
    public long reloads() {
        return reloads.get();
    }

    /** Changed file versions that could not be loaded, each counted once however often it is retried. */
    public long reloadFailures() {
        return reloadFailures.get();
    }

    /**
     * Reads the files now and swaps the context if they changed and load. The scheduled task calls this; tests and
     * a signal handler may too.
     *
     * @return true if a new context is now current
     */
    public boolean reloadIfChanged() {
        if (!watchesFiles) {
            return false;
        }
        synchronized (reloadLock) {
            FileVersion files;
            try {
                files = FileVersion.read(config);
            } catch (IllegalArgumentException e) {
                return failed(e.getMessage(), e);
            }
            if (Arrays.equals(files.digest, loaded.digest)) {
                lastFailedVersion = null;
                return false;
            }
            try {
                loaded = load(files);
            } catch (IllegalArgumentException | IllegalStateException e) {
                return failed(hex(files.digest), e);
            }
            lastFailedVersion = null;
            reloads.incrementAndGet();
            logLoaded("reloaded");
            return true;
        }
    }

    /** Stops watching the files; the current context stays usable for connections that hold it. */
    @Override
    public void close() {
        if (reloadTask != null) {
            reloadTask.cancel(false);
        }
    }

    private void scheduledCheck() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            // An exception escaping a scheduled task cancels its later runs: report it and keep watching.
            LOG.warn("TLS reload check failed; keeping the current certificate", e);
        }
    }

    private boolean failed(String version, Exception cause) {
        if (!version.equals(lastFailedVersion)) {
            lastFailedVersion = version;
            reloadFailures.incrementAndGet();
            LOG.warn("TLS reload failed, keeping the current certificate until the files load: {}",
                    cause.getMessage());
        } else {
            LOG.debug("TLS reload still failing: {}", cause.getMessage());
        }
        return false;
    }

    private Loaded load(FileVersion files) {
        ServerIdentity identity = generated.isPresent() ? generated.get().identity() : identity(files);
        List<X509Certificate> clientCas = files.clientCa == null
                ? List.of()
                : PemReader.certificates(files.clientCa,
                        TlsConfig.PATH + ".client-ca-file " + config.clientCaFile().orElseThrow());
        return new Loaded(factory.build(identity, clientCas), identity, files.digest);
    }

    private ServerIdentity identity(FileVersion files) {
        String certSource = TlsConfig.PATH + ".cert-file " + config.certFile().orElseThrow();
        String keySource = TlsConfig.PATH + ".key-file " + config.keyFile().orElseThrow();
        List<X509Certificate> chain = PemReader.certificates(files.cert, certSource);
        PrivateKey key = PemReader.privateKey(files.key, keySource);
        try {
            return new ServerIdentity(key, chain);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(keySource + " does not fit " + certSource + ": " + e.getMessage(), e);
        }
    }

    private void logLoaded(String verb) {
        X509Certificate leaf = loaded.identity.leaf();
        LOG.info("TLS on ({}, {}, client-auth {}): {} {} valid until {} SHA-256 {}", factory.provider(),
                config.minVersion().configValue(), config.clientAuth().name().toLowerCase(Locale.ROOT), verb,
                leaf.getSubjectX500Principal(), leaf.getNotAfter().toInstant(), GeneratedCertificate.fingerprint(leaf));
    }

    private static Optional<Path> clientCaFile(TlsConfig config) {
        return config.clientAuth() == ClientAuth.NONE ? Optional.empty() : config.clientCaFile();
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** A context with what it was built from. */
    private record Loaded(SslContext context, ServerIdentity identity, byte[] digest) {
    }

    /**
     * One read of the configured files and the digest of their contents. {@code cert} and {@code key} are null for
     * a generated certificate, {@code clientCa} when client certificates are not checked.
     */
    private record FileVersion(byte[] cert, byte[] key, byte[] clientCa, byte[] digest) {

        static FileVersion read(TlsConfig config) {
            byte[] cert = readIfSet(config.certFile(), "cert-file");
            byte[] key = readIfSet(config.keyFile(), "key-file");
            byte[] clientCa = readIfSet(clientCaFile(config), "client-ca-file");
            MessageDigest sha256;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every JDK", e);
            }
            // Length prefixes keep (cert, key) = ("ab", "c") distinct from ("a", "bc").
            for (byte[] part : new byte[][] {cert, key, clientCa}) {
                byte[] bytes = part == null ? new byte[0] : part;
                sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                sha256.update(bytes);
            }
            return new FileVersion(cert, key, clientCa, sha256.digest());
        }

        private static byte[] readIfSet(Optional<Path> file, String key) {
            return file.isPresent() ? PemReader.read(file.get(), TlsConfig.PATH + "." + key) : null;
        }
    }
}
