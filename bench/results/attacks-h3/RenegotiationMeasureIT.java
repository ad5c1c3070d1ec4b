package io.tickstorm.server.measure;

import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import io.tickstorm.server.tls.TestPki;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measurement only: how many client renegotiations one TLS 1.2 connection gets through (JDK provider). */
class RenegotiationMeasureIT {
    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer server = TestServers.start(Map.of("tick-storm.tls.enabled", true,
                "tick-storm.tls.provider", "jdk", "tick-storm.tls.min-version", "TLSv1.2",
                "tick-storm.tls.cert-file", pki.server().certFile().toString(),
                "tick-storm.tls.key-file", pki.server().keyFile().toString()))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", pki.ca().certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLSv1.2");
            context.init(null, tmf.getTrustManagers(), null);
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try (RawClient client = RawClient.connectTls(server.tickAddress(), context)) {
                client.authenticate();
                SSLSocket socket = (SSLSocket) client.socket();
                int done = 0;
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                String end = "limit reached";
                for (int i = 0; i < 300; i++) {
                    try {
                        socket.startHandshake();
                        client.heartbeat(i);
                        client.read();
                        done++;
                    } catch (Exception e) {
                        end = e.toString();
                        break;
                    }
                }
                System.out.printf("MEASURE renegotiation: %d of 300 renegotiations completed in %d ms wall, %d ms "
                        + "process CPU (client+server); ended: %s%n", done, (System.nanoTime() - t0) / 1_000_000,
                        (os.getProcessCpuTime() - cpu0) / 1_000_000, end);
            }
        }
    }
}
