package org.relunet.inspect;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.relunet.examples.MarkdownJavaExample;

/** Compiles the Java example of docs/inspect.md against the library, so the page cannot drift from the API. */
class InspectDocExampleTest {
    @Test void docsInspectJavaExampleCompiles() throws IOException {
        MarkdownJavaExample.assertCompiles(Path.of("..", "docs", "inspect.md"));
    }
}
