package io.tickstorm.server.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic credentials reload: re-reads the credentials file through {@link Authenticator#reload()} and logs a
 * failed reload once (the previous credentials stay in force). A successful reload is logged by the authenticator
 * itself, so that each reload gives exactly one line however it was triggered.
 */
public final class CredentialsReloadTask implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialsReloadTask.class);

    private final Authenticator authenticator;

    public CredentialsReloadTask(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void run() {
        try {
            authenticator.reload();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep polling, so that a fixed file is picked up.
            LOG.warn("Credentials reload failed, keeping the previous credentials: {}", e.getMessage());
        }
    }
}
