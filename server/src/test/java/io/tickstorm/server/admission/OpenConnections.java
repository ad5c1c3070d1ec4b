package io.tickstorm.server.admission;

import java.util.ArrayList;
import java.util.List;

/**
 * Client connections a test holds open. Declared in try-with-resources after the server, so the clients close first
 * and the server's drain does not wait out its grace period for them.
 */
final class OpenConnections<T extends AutoCloseable> implements AutoCloseable {

    private final List<T> open = new ArrayList<>();

    /** Holds {@code connection} until {@link #close()}; returns it. */
    T add(T connection) {
        open.add(connection);
        return connection;
    }

    /** Closes the oldest connection still held. */
    void closeOldest() throws Exception {
        open.remove(0).close();
    }

    int size() {
        return open.size();
    }

    /** The connections held, oldest first (a copy). */
    List<T> all() {
        return List.copyOf(open);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (T connection : open) {
            try {
                connection.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
