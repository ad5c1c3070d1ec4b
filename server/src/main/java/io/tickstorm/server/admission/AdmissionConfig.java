package io.tickstorm.server.admission;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Objects;

/**
 * The {@code tick-storm.admission} block; keys, defaults and environment variables are in the server's
 * {@code reference.conf}.
 *
 * @param ipFilter                  allow and block lists ({@code IP_ALLOWLIST}, {@code IP_BLOCKLIST})
 * @param maxConnectionsPerAddress  connections one source address may hold, 0 = only the global cap
 *                                  ({@code MAX_CONNECTIONS_PER_IP})
 * @param acceptRatePerAddress      new connections per second per address before accepts are delayed, 0 = no
 *                                  limit ({@code ACCEPT_RATE_PER_IP})
 * @param acceptBurstPerAddress     connections an address may open at once before the rate applies
 *                                  ({@code ACCEPT_BURST_PER_IP})
 * @param maxUnauthenticated        connections not yet authenticated, in total; 0 = derived from the connection cap
 *                                  ({@code MAX_UNAUTHENTICATED_CONNECTIONS}, see {@link AdmissionControl})
 * @param maxUnauthenticatedPerAddress connections not yet authenticated per source address; 0 = derived
 *                                  ({@code MAX_UNAUTHENTICATED_PER_IP})
 */
public record AdmissionConfig(
        IpFilter ipFilter, int maxConnectionsPerAddress, double acceptRatePerAddress, int acceptBurstPerAddress,
        int maxUnauthenticated, int maxUnauthenticatedPerAddress) {

    /** The configuration path this record is read from. */
    public static final String PATH = "tick-storm.admission";

    /** Admits everyone up to the connection cap: no per-address cap, no rate guard, no unauthenticated caps. */
    public static final AdmissionConfig OPEN =
            new AdmissionConfig(IpFilter.OPEN, 0, 0, 1000, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public AdmissionConfig {
        Objects.requireNonNull(ipFilter, "ipFilter");
        if (maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException(
                    PATH + ".max-connections-per-address must not be negative, was " + maxConnectionsPerAddress);
        }
        if (!(acceptRatePerAddress >= 0) || Double.isInfinite(acceptRatePerAddress)) {
            throw new IllegalArgumentException(
                    PATH + ".accept-rate-per-address must be a finite number >= 0, was " + acceptRatePerAddress);
        }
        if (acceptBurstPerAddress < 1) {
            throw new IllegalArgumentException(
                    PATH + ".accept-burst-per-address must be at least 1, was " + acceptBurstPerAddress);
        }
        if (maxUnauthenticated < 0) {
            throw new IllegalArgumentException(
                    PATH + ".max-unauthenticated-connections must not be negative, was " + maxUnauthenticated);
        }
        if (maxUnauthenticatedPerAddress < 0) {
            throw new IllegalArgumentException(PATH + ".max-unauthenticated-per-address must not be negative, was "
                    + maxUnauthenticatedPerAddress);
        }
    }

    /**
     * Reads {@code tick-storm.admission} from a fully resolved configuration.
     *
     * @throws IllegalArgumentException naming the key when a value is missing, mistyped or invalid
     */
    public static AdmissionConfig from(Config root) {
        try {
            Config c = root.getConfig(PATH);
            return new AdmissionConfig(
                    IpFilter.parse(c.getString("allowlist"), c.getString("blocklist")),
                    c.getInt("max-connections-per-address"),
                    c.getDouble("accept-rate-per-address"),
                    c.getInt("accept-burst-per-address"),
                    c.getInt("max-unauthenticated-connections"),
                    c.getInt("max-unauthenticated-per-address"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(PATH + ": " + e.getMessage(), e);
        }
    }
}
