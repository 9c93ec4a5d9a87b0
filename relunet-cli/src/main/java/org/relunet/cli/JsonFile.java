package org.relunet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.relunet.io.Json;

/** Writes a JSON file (metrics, evaluation results) atomically: a temporary file, then a rename over the target. */
final class JsonFile {
    private JsonFile() {}

    /** Writes {@code value} as JSON; an I/O problem is a user error naming the flag and the file. */
    static void write(Path file, Object value, String flag) {
        Path absolute = file.toAbsolutePath();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Path parent = absolute.getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(tmp, Json.write(value), StandardCharsets.UTF_8);
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw new UserError(flag + " " + file + ": cannot write (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); choose a writable path", e);
        }
    }
}
