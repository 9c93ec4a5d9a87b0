package org.relunet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every user error: exit code 2, one line on stderr that names the problem and the fix, no stack trace. */
class ErrorsTest {
    @TempDir Path dir;

    /** Runs, and checks exit 2 and a single line that starts with the command and contains every phrase. */
    static String userError(String command, String[] args, String... phrases) {
        Cli.Result r = Cli.run(args);
        assertEquals(Main.USER_ERROR, r.code(), r::toString);
        assertEquals(1, r.errLines().length, () -> "one line expected:\n" + r);
        String line = r.errLines()[0];
        assertTrue(line.startsWith(command + ": "), () -> "starts with '" + command + ": '\n" + r);
        for (String p : phrases) assertTrue(line.contains(p), () -> "'" + p + "' missing in:\n" + line);
        assertTrue(!r.err().contains("\tat ") && !r.err().contains("Exception"), r::toString);
        return line;
    }

    static String[] args(String... a) { return a; }

    @Test void unknownFlagSuggestsTheRightOne() {
        userError("relunet train", args("train", "--epoch", "3"), "Unknown option", "'--epoch'", "did you mean --epochs?", "relunet train --help");
    }

    @Test void unknownCommandSuggestsTheRightOne() {
        userError("relunet", args("trian"), "'trian'", "did you mean train?");
    }

    @Test void noCommandListsThem() {
        userError("relunet", args(), "missing command", "train, eval, predict, summary, info");
    }

    @Test void benchRefusesUnknownWorkloadsThreadsAndSeeds() {
        userError("relunet bench", args("bench", "--workloads", "W1,W9"), "unknown workload 'W9'", "W1, W2, W3, W4");
        userError("relunet bench", args("bench", "--threads", "0"), "--threads");
        userError("relunet bench", args("bench", "--seeds", "0"), "--seeds must be at least 1, got 0", "e.g. --seeds 5");
        userError("relunet bench", args("bench", "--seeds", "-3"), "--seeds must be at least 1, got -3");
        userError("relunet bench", args("bench", "--seeds", "many"), "--seeds", "'many'");
        userError("relunet bench", args("bench", "--pytorch", "--pytorch-script", dir.resolve("none.py").toString()), "not found");
    }

    @Test void labRefusesUnknownExperimentsAndBadNumbers() {
        userError("relunet lab", args("lab", "--only", "e1,e99"), "unknown experiment 'e99'", "e1");
        userError("relunet lab", args("lab", "--seeds", "0"), "--seeds");
        userError("relunet lab", args("lab", "--quick", "--full"), "mutually exclusive");
        userError("relunet lab", args("lab", "--data", dir.resolve("nowhere").toString()), "not a directory");
    }

    @Test void missingModelFile() {
        Path missing = dir.resolve("missing.rnm");
        userError("relunet eval", args("eval", "--model", missing.toString()), missing + ": no such file", "train --save");
        userError("relunet predict", args("predict", "--model", missing.toString(), missing.toString()), "no such file");
        userError("relunet summary", args("summary", "--model", missing.toString()), "no such file");
    }

    @Test void missingRequiredFlag() {
        userError("relunet eval", args("eval"), "Missing required option", "--model", "relunet eval --help");
    }

    @Test void malformedModelFile() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.rnm"), "this is not a model");
        userError("relunet eval", args("eval", "--model", notes.toString()), "not a relunet model file", "train --save");
    }

    @Test void truncatedAndCorruptedModelFiles() throws IOException {
        Path model = dir.resolve("m.rnm");
        assertEquals(0, Cli.run("train", "--data", "xor", "--samples", "64", "--epochs", "1", "--save", model.toString()).code());
        byte[] all = Files.readAllBytes(model);
        Path truncated = Files.write(dir.resolve("t.rnm"), Arrays.copyOf(all, all.length - 100));
        userError("relunet eval", args("eval", "--model", truncated.toString()), truncated + ": truncated (expected ", "retrain or use the last checkpoint");
        byte[] flipped = all.clone();
        flipped[all.length - 50] ^= 1;
        Path corrupted = Files.write(dir.resolve("c.rnm"), flipped);
        userError("relunet summary", args("summary", "--model", corrupted.toString()), "corrupted (checksum");
    }

    @Test void badSpecTokenIsPointedAtWithWhatIsAllowed() {
        userError("relunet train", args("train", "--data", "spirals", "--layers", "dense(16) rleu dense(3)"),
                "--layers", "token 2 'rleu' (column 11)", "unknown layer 'rleu'", "allowed: dense(units");
        userError("relunet summary", args("summary", "--layers", "conv(8,,3)"), "--layers", "conv(8,,3)", "allowed:");
    }

    @Test void shapeMismatchSaysWhereAndHowToFixIt() {
        Path idx = Cli.idxDirectory(dir.resolve("idx"), 40, 20);
        userError("relunet train", args("train", "--data", idx.toString(), "--layers", "conv(8,3) relu dense(10)"),
                "dense(10) needs a vector input but gets (8, 6, 6); put flatten before it");
        userError("relunet summary", args("summary", "--layers", "conv(8,3) relu dense(10)"),
                "dense(10) needs a vector input but gets (8, 26, 26); put flatten before it");
        userError("relunet train", args("train", "--data", "spirals", "--layers", "conv(8,3) relu flatten dense(3)"),
                "needs an image input (C, H, W) but gets (2)");
        userError("relunet train", args("train", "--data", "spirals", "--layers", "dense(16) relu dense(10)"),
                "ends with 10 outputs but spirals has 3 classes; end the spec with dense(3)");
    }

    @Test void nonsenseNumbers() {
        userError("relunet train", args("train", "--data", "spirals", "--lr", "nan"), "--lr must be a positive finite number, got nan; e.g. --lr 0.01");
        userError("relunet train", args("train", "--data", "spirals", "--lr", "-0.1"), "--lr must be a positive finite number");
        userError("relunet train", args("train", "--data", "spirals", "--lr", "inf"), "--lr must be a positive finite number, got inf");
        userError("relunet train", args("train", "--epochs", "-1"), "--epochs must be at least 1, got -1; e.g. --epochs 5");
        userError("relunet train", args("train", "--data", "spirals", "--batch", "0"), "--batch must be at least 1, got 0; e.g. --batch 64");
        userError("relunet train", args("train", "--threads", "0"), "--threads must be at least 1");
        userError("relunet train", args("train", "--data", "spirals", "--momentum", "1.5"), "--momentum must be in [0, 1)");
        userError("relunet train", args("train", "--data", "spirals", "--weight-decay", "-1"), "--weight-decay must be a finite number >= 0");
        userError("relunet train", args("train", "--epochs", "many"), "'many' is not a whole number");
        userError("relunet train", args("train", "--lr", "fast"), "'fast' is not a number");
        userError("relunet predict", args("predict", "--model", "x.rnm", "--top", "0", "x.png"), "--top must be at least 1");
    }

    @Test void unknownDataAndOptimizer() {
        userError("relunet train", args("train", "--data", "mnist-fashion"), "--data mnist-fashion: no such data set or directory",
                "fashion-mnist, fashion-mnist-subset, an IDX directory, or spirals|circles|xor|blobs");
        userError("relunet train", args("train", "--data", "spirals", "--optimizer", "rmsprop"), "--optimizer must be sgd, adam or adamw");
        userError("relunet train", args("train", "--data", "spirals", "--optimizer", "adam", "--momentum", "0.5"), "apply to --optimizer sgd");
        userError("relunet train", args("train", "--data", "spirals", "--schedule", "linear"), "--schedule", "cosine");
        userError("relunet train", args("train", "--data", "spirals", "--activation", "dense(3)"), "is not an activation");
        userError("relunet train", args("train", "--preset", "resnet"), "unknown preset 'resnet'", "mlp, cnn");
        userError("relunet train", args("train", "--preset", "mlp", "--layers", "dense(10)"), "either --preset or --layers");
    }

    @Test void incompleteIdxDirectory() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        userError("relunet train", args("train", "--data", empty.toString()), "missing train-images-idx3-ubyte");
    }

    @Test void outputsThatCannotBeWrittenFailBeforeTraining() throws IOException {
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        userError("relunet train", args("train", "--data", "spirals", "--save", dir.toString()), "is a directory; give a file name");
        userError("relunet train", args("train", "--data", "spirals", "--save", blocker.resolve("m.rnm").toString()), "cannot create it");
    }

    @Test void resumeProblems() {
        userError("relunet train", args("train", "--resume", dir.resolve("nope").toString()), "no such directory", "--checkpoint");
        userError("relunet train", args("train", "--resume", dir.toString()), "holds no checkpoint.rnm", "--checkpoint");
        Path ck = dir.resolve("ck");
        assertEquals(0, Cli.run("train", "--data", "xor", "--samples", "64", "--epochs", "1", "--checkpoint", ck.toString()).code());
        userError("relunet train", args("train", "--resume", ck.toString(), "--lr", "0.5"),
                "--lr 0.5 differs from the 0.02 of the checkpoint", "drop --lr to resume");
        userError("relunet train", args("train", "--resume", ck.toString(), "--layers", "dense(5) relu dense(2)"), "differ from the checkpoint's");
    }

    @Test void pictureProblems() throws IOException {
        Path idx = Cli.idxDirectory(dir.resolve("idx"), 40, 20);
        Path model = dir.resolve("m.rnm");
        assertEquals(0, Cli.run("train", "--data", idx.toString(), "--epochs", "1", "--save", model.toString()).code());
        Path text = Files.writeString(dir.resolve("photo.png"), "not a picture");
        userError("relunet predict", args("predict", "--model", model.toString(), text.toString()), "neither an IDX images file nor a picture");
        userError("relunet predict", args("predict", "--model", model.toString(), dir.resolve("none.png").toString()), "none.png: no such file");
    }

    @Test void debugPrintsTheStackTrace() {
        Cli.Result r = Cli.run("eval", "--model", dir.resolve("missing.rnm").toString(), "--debug");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.errLines().length > 3 && r.err().contains("\tat org.relunet."), r::toString);
    }
}
