package org.relunet.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.relunet.data.Idx;
import org.relunet.init.Rng;
import org.relunet.tensor.Tensor;

/** Runs the relunet command in this process with captured output, and makes small data for it. */
final class Cli {
    private Cli() {}

    /** What a command printed and returned. */
    record Result(int code, String out, String err) {
        String[] errLines() { return err.isEmpty() ? new String[0] : err.strip().split("\n"); }

        @Override public String toString() { return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err; }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A tiny IDX data directory in the layout of Fashion-MNIST: 8x8 grey images of 10 classes, class
     * c being a bright horizontal bar at row (c mod 8), plus a column for c >= 8, plus noise.
     */
    static Path idxDirectory(Path dir, int train, int test) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        write(dir, "train", train, 1);
        write(dir, "t10k", test, 2);
        return dir;
    }

    private static void write(Path dir, String part, int n, long seed) {
        Rng rng = new Rng(seed);
        Tensor images = Tensor.zeros(n, 1, 8, 8);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = c;
            for (int p = 0; p < 64; p++) {
                int row = p / 8, col = p % 8;
                boolean on = row == c % 8 || (c >= 8 && col == c - 8);
                images.data[i * 64 + p] = Math.min(1f, (on ? 0.8f : 0f) + 0.2f * rng.nextFloat());
            }
        }
        Idx.writeImages(dir.resolve(part + "-images-idx3-ubyte.gz"), images, Idx.Compression.GZIP);
        Idx.writeLabels(dir.resolve(part + "-labels-idx1-ubyte.gz"), labels, Idx.Compression.GZIP);
    }
}
