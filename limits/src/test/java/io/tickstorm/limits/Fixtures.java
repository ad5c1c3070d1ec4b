package io.tickstorm.limits;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the fixture directory trees under {@code src/test/resources/cgroup}. */
final class Fixtures {

    private Fixtures() {
    }

    static Path tree(String name) {
        URL url = Fixtures.class.getResource("/cgroup/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture tree " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
