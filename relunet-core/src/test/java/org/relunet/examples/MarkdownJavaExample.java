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

/** Compiles the first ```java block of a Markdown page against the test class path, so docs cannot drift from the API. */
public final class MarkdownJavaExample {
    private MarkdownJavaExample() {}

    /** Fails, naming the page, unless its first ```java block declares a public class and compiles. */
    public static void assertCompiles(Path page) throws IOException {
        assertTrue(Files.exists(page), page + " not found at " + page.toAbsolutePath());
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(page));
        assertTrue(m.find(), page + " has no ```java block");
        String source = m.group(1);
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(cls.find(), "the example in " + page + " must declare a public class");
        Path dir = Files.createTempDirectory("relunet-doc-example");
        Path file = dir.resolve(cls.group(1) + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null, List.of("-d", dir.toString(), "-classpath", System.getProperty("java.class.path")),
                null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(file)).call();
        assertEquals(true, ok, page + " example does not compile:\n" + errors);
    }
}
