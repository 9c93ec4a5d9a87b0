package org.relunet.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;

/** Compiles the Java example of docs/inspect.md against the library, so the page cannot drift from the API. */
class InspectDocExampleTest {

    @Test void docsInspectJavaExampleCompiles() throws IOException {
        Path page = Path.of("..", "docs", "inspect.md");
        assertTrue(Files.exists(page), "docs/inspect.md not found at " + page.toAbsolutePath());
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(page));
        assertTrue(m.find(), "docs/inspect.md has no ```java block");
        String source = m.group(1);
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(cls.find(), "the example must declare a public class");
        Path dir = Files.createTempDirectory("relunet-inspect-doc");
        Path file = dir.resolve(cls.group(1) + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null, List.of("-d", dir.toString(), "-classpath", System.getProperty("java.class.path")),
                null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(file)).call();
        assertEquals(true, ok, "docs/inspect.md example does not compile:\n" + errors);
    }
}
