package io.tickstorm.protocol.client;

import java.util.ArrayList;
import java.util.List;

/**
 * One server a {@link ResumingSubscription} may connect to.
 *
 * @param host host name or address (an IPv6 address without brackets)
 * @param port TCP port
 */
public record ServerAddress(String host, int port) {

    public ServerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected 1..65535)");
        }
    }

    /**
     * Parses {@code HOST}, {@code HOST:PORT}, {@code [IPV6]}, {@code [IPV6]:PORT} or a bare IPv6 address (no port);
     * {@code defaultPort} applies when no port is given.
     *
     * @throws IllegalArgumentException naming the entry when it cannot be parsed
     */
    public static ServerAddress parse(String text, int defaultPort) {
        String entry = text.trim();
        String host = entry;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || (close + 1 < entry.length() && entry.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("'" + text + "': expected [IPV6] or [IPV6]:PORT");
            }
            host = entry.substring(1, close);
            port = close + 1 < entry.length() ? entry.substring(close + 2) : null;
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            host = entry.substring(0, entry.indexOf(':'));
            port = entry.substring(entry.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': no host");
        }
        if (port == null) {
            return new ServerAddress(host, defaultPort);
        }
        try {
            return new ServerAddress(host, Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': port must be 1..65535, not '" + port + "'", e);
        }
    }

    /** Parses a comma-separated list of {@link #parse} entries; blank entries are skipped. */
    public static List<ServerAddress> parseList(String text, int defaultPort) {
        List<ServerAddress> addresses = new ArrayList<>();
        for (String entry : text.split(",")) {
            if (!entry.isBlank()) {
                addresses.add(parse(entry, defaultPort));
            }
        }
        return List.copyOf(addresses);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
