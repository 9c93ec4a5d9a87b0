package org.relunet.examples;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Compiles the Java example of the README against the library, so the README cannot drift from the API. */
class ReadmeExampleTest {
    @Test void readmeJavaExampleCompiles() throws IOException {
        MarkdownJavaExample.assertCompiles(Path.of("..", "README.md"));
    }
}
