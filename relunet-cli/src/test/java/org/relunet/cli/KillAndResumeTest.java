package org.relunet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relunet.io.Checkpointer;
import org.relunet.io.ModelFile;
import org.relunet.nn.Model;

/**
 * kill -9 during training, then --resume, ends with exactly the parameters of an uninterrupted run
 * (same seed, one thread). The interrupted run is a separate JVM killed with destroyForcibly (SIGKILL
 * on Unix) right after its first checkpoint appears.
 */
class KillAndResumeTest {
    @TempDir Path dir;

    static final int EPOCHS = 20;

    static List<String> trainArgs(Path checkpoint, Path save) {
        List<String> a = new ArrayList<>(List.of("train", "--data", "spirals", "--samples", "1500",
                "--layers", "dense(64) relu dropout(0.1) dense(64) relu dense(3)", "--optimizer", "adamw", "--lr", "0.003",
                "--weight-decay", "0.01", "--schedule", "cosine", "--batch", "16", "--epochs", Integer.toString(EPOCHS),
                "--seed", "7", "--threads", "1"));
        if (checkpoint != null) a.addAll(List.of("--checkpoint", checkpoint.toString()));
        if (save != null) a.addAll(List.of("--save", save.toString()));
        return a;
    }

    @Test void killedRunResumesToTheSameParameters() throws Exception {
        Path ck = dir.resolve("ck"), killedSave = dir.resolve("killed.rnm");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m",
                "-Drelunet.kernels=" + System.getProperty("relunet.kernels", "auto"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(trainArgs(ck, killedSave));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path file = Checkpointer.file(ck);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(2);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        String log = Files.readString(dir.resolve("killed.log"));
        assertTrue(Files.exists(file), () -> "no checkpoint appeared:\n" + log);
        int done = ModelFile.read(file).training().orElseThrow().state().epochsDone();
        assertTrue(done >= 1 && done < EPOCHS, "the run must have been killed mid-way, checkpoint at epoch " + done + "\n" + log);
        assertTrue(!Files.exists(killedSave), "the killed run must not have finished");

        Path resumed = dir.resolve("resumed.rnm");
        Cli.Result r = Cli.run("train", "--resume", ck.toString(), "--save", resumed.toString());
        assertEquals(Main.OK, r.code(), r::toString);
        assertTrue(r.out().contains("resuming  from " + file + " at epoch " + done), r::toString);

        Path whole = dir.resolve("whole.rnm");
        Cli.Result u = Cli.run(trainArgs(null, whole).toArray(String[]::new));
        assertEquals(Main.OK, u.code(), u::toString);

        Model a = ModelFile.load(whole), b = ModelFile.load(resumed);
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(bits(a.parameters().get(i).value()), bits(b.parameters().get(i).value()), a.parameterNames().get(i));
        }
        String last = u.out().lines().filter(l -> l.startsWith("test accuracy")).findFirst().orElseThrow().replaceAll(" \\(.*", "");
        assertTrue(r.out().contains(last), "same final line '" + last + "'\n" + r);
    }

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
