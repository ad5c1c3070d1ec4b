package io.tickstorm.server.config;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} listen address as the original deployment wrote it: {@code 0.0.0.0:8080}, {@code :8080}
 * (every interface), {@code [::1]:8080} or {@code localhost:9090}.
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        host = host == null || host.isEmpty() ? "0.0.0.0" : host;
    }

    /** Parses {@code value}; {@code key} names the setting in error messages. */
    public static HostPort parse(String key, String value) {
        String trimmed = value == null ? "" : value.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(key + ": expected host:port, got \"" + value + "\"");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new HostPort(host, Integer.parseInt(trimmed.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": invalid port in \"" + value + "\"", e);
        }
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
