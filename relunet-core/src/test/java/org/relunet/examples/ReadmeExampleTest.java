package org.relunet.examples;

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

/** Compiles the Java example of the README against the library, so the README cannot drift from the API. */
class ReadmeExampleTest {

    @Test void readmeJavaExampleCompiles() throws IOException {
        Path readme = Path.of("..", "README.md");
        assertTrue(Files.exists(readme), "README.md not found at " + readme.toAbsolutePath());
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(readme));
        assertTrue(m.find(), "README.md has no ```java block");
        String source = m.group(1);
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(cls.find(), "the README example must declare a public class");
        Path dir = Files.createTempDirectory("relunet-readme");
        Path file = dir.resolve(cls.group(1) + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        int rc = javac.getTask(errors, null, null,
                List.of("-d", dir.toString(), "-classpath", System.getProperty("java.class.path")),
                null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(file)).call() ? 0 : 1;
        assertEquals(0, rc, "README example does not compile:\n" + errors);
    }
}
