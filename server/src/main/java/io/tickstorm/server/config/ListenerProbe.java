package io.tickstorm.server.config;

import java.io.IOException;
import java.net.BindException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks that a listen address can be bound, by binding it and letting go at once, so that a port already in use
 * stops startup with the listener and variable named ({@code cannot bind LISTEN_ADDR 127.0.0.1:8080: address already
 * in use}) before the slow work (history rebuild, password hashing) rather than after it. The real bind follows a
 * moment later; another process taking the port in between still fails startup, only later.
 */
public final class ListenerProbe {

    private ListenerProbe() {
    }

    /**
     * @param variable the setting's variable, for the message
     * @return why {@code address} cannot be bound, or empty (always empty for port 0, which picks a free port)
     */
    public static Optional<String> problem(String variable, HostPort address) {
        if (address.port() == 0) {
            return Optional.empty();
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(address.toSocketAddress());
            return Optional.empty();
        } catch (BindException e) {
            String reason = e.getMessage() == null ? "address already in use" : e.getMessage().toLowerCase(Locale.ROOT);
            return Optional.of("cannot bind " + variable + " " + address + ": " + reason);
        } catch (UnresolvedAddressException e) {
            return Optional.of("cannot bind " + variable + " " + address + ": unknown host " + address.host());
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot bind " + variable + " " + address + ": " + e.getMessage());
        }
    }
}
