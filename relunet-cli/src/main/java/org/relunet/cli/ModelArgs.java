package org.relunet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.relunet.io.Checkpointer;
import org.relunet.io.ModelFile;
import org.relunet.kernels.Parallel;

/** Shared handling of {@code --model FILE} (a model file, or a checkpoint directory) and {@code --threads}. */
final class ModelArgs {
    private ModelArgs() {}

    /** Reads a model file, or the checkpoint in a directory given as {@code --model}. */
    static ModelFile.Contents read(Path file) {
        Path path = file;
        if (Files.isDirectory(file)) {
            path = Checkpointer.file(file);
            if (!Files.exists(path)) {
                throw new UserError("--model " + file + ": is a directory without " + Checkpointer.FILE_NAME + "; give a model file written by train --save");
            }
        }
        return ModelFile.read(path);
    }

    /** The class names saved with the model, else "class 0", "class 1", ... */
    static String[] classNames(Map<String, String> settings, int classes) {
        String saved = settings.get("classes");
        if (saved != null) {
            String[] names = saved.split("\\|", -1);
            if (names.length == classes) return names;
        }
        String[] names = new String[classes];
        for (int i = 0; i < classes; i++) names[i] = "class " + i;
        return names;
    }

    static void threads(Integer threads) {
        if (threads != null) Parallel.setThreads(Check.atLeast("--threads", threads, 1, "2"));
    }
}
