package dev.robust4j.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates committed test fixtures. */
public final class Fixtures {

    private Fixtures() {}

    /**
     * @param name a path under {@code src/test/resources/fixtures/}
     * @return the fixture's path on disk
     */
    public static Path path(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test fixture fixtures/" + name
                    + "; regenerate with scripts/make-torchscript-fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
