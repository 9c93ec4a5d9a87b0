package org.relunet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relunet.io.Checkpointer;
import org.relunet.io.ModelFile;

/** The happy paths: train, eval, predict, summary and info on tiny data. */
class CommandsTest {
    @TempDir Path dir;

    static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(Main.OK, r.code(), r::toString);
        return r;
    }

    @Test void trainEvalPredictSummaryOnSpirals() throws IOException {
        Path model = dir.resolve("m.rnm"), metrics = dir.resolve("m.json"), evalJson = dir.resolve("eval.json");
        Cli.Result train = ok("train", "--data", "spirals", "--samples", "600", "--layers", "dense(32) relu dense(32) relu dense(3)",
                "--epochs", "2", "--lr", "0.05", "--threads", "1", "--save", model.toString(), "--metrics-json", metrics.toString());
        assertTrue(train.out().contains("epoch 1/2") && train.out().contains("epoch 2/2") && train.out().contains("test accuracy"), train::toString);
        assertTrue(train.out().contains("saved     " + model), train::toString);

        String json = Files.readString(metrics);
        assertTrue(json.contains("\"status\": \"finished\""), json);
        assertTrue(json.matches("(?s).*\"test_accuracy\": 0\\.\\d+.*"), json);
        for (String key : new String[] {"\"epoch\": 1", "\"epoch\": 2", "\"seconds\":", "\"train_loss\":", "\"train_accuracy\":", "\"test_accuracy\":"}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        assertEquals(2, count(json, "\"train_loss\""));

        // eval finds the data the model was trained on from the model file, and reports the training's final accuracy.
        Cli.Result eval = ok("eval", "--model", model.toString(), "--json", evalJson.toString());
        assertTrue(eval.out().contains("per-class accuracy:") && eval.out().contains("confusion matrix") && eval.out().contains("arm 2"), eval::toString);
        Matcher trained = Pattern.compile("test accuracy (0\\.\\d{4})").matcher(train.out());
        assertTrue(trained.find());
        assertTrue(eval.out().contains("accuracy  " + trained.group(1)), eval.out() + " vs " + trained.group(1));
        String e = Files.readString(evalJson);
        assertTrue(e.contains("\"accuracy\":") && e.contains("\"per_class_accuracy\": [") && e.contains("\"confusion\": ["), e);

        Cli.Result summary = ok("summary", "--model", model.toString());
        assertTrue(summary.out().contains("dense(32)") && summary.out().contains("1,251") && summary.out().contains("data=spirals"), summary::toString);

        Cli.Result predict = Cli.run("predict", "--model", model.toString(), model.toString());
        assertEquals(Main.USER_ERROR, predict.code(), predict::toString);
    }

    @Test void trainOnAnIdxDirectoryThenPredictIdxAndPictures() throws IOException {
        Path idx = Cli.idxDirectory(dir.resolve("idx"), 200, 50);
        Path model = dir.resolve("idx.rnm");
        Cli.Result train = ok("train", "--data", idx.toString(), "--layers", "conv(4,3,pad=1) relu maxpool(2) flatten dense(10)",
                "--epochs", "3", "--lr", "0.05", "--save", model.toString());
        assertTrue(train.out().contains("Fashion-MNIST in " + idx), train::toString);

        Cli.Result fromIdx = ok("predict", "--model", model.toString(), "--top", "2", "--limit", "3",
                idx.resolve("t10k-images-idx3-ubyte.gz").toString());
        String[] lines = fromIdx.out().strip().split("\n");
        assertEquals(3, lines.length, fromIdx::toString);
        assertTrue(lines[0].matches("t10k-images-idx3-ubyte\\.gz\\[0\\]: \\S.* [01]\\.\\d{3}, \\S.* [01]\\.\\d{3}"), lines[0]);
        assertTrue(fromIdx.err().contains("classifying the first 3 of 50 images"), fromIdx::toString);

        // A 16x16 colour picture of class 2 (a bar on row 2, here rows 4-5): resized to 8x8 and classified.
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 16; x++) for (int y = 4; y < 6; y++) image.setRGB(x, y, 0xE0E0E0);
        Path png = dir.resolve("bar.png");
        ImageIO.write(image, "png", png.toFile());
        Cli.Result fromPng = ok("predict", "--model", model.toString(), "--top", "3", png.toString());
        assertTrue(fromPng.err().contains("16x16 pixels; resized to the model's 8x8"), fromPng::toString);
        assertTrue(fromPng.out().startsWith(png + ": "), fromPng::toString);
        assertEquals(3, fromPng.out().strip().split(", ").length, fromPng::toString);

        Cli.Result eval = ok("eval", "--model", model.toString());
        assertTrue(eval.out().contains("Pullover"), eval::toString);   // the class names come with the data set
    }

    @Test void summaryOfPresetsAndSpecs() {
        Cli.Result cnn = ok("summary", "--preset", "cnn");
        assertTrue(cnn.out().contains("conv(32,5,pad=2)") && cnn.out().contains("(64, 7, 7)") && cnn.out().contains("83,466"), cnn::toString);
        Cli.Result mlp = ok("summary", "--preset", "mlp", "--activation", "tanh");
        assertTrue(mlp.out().contains("tanh") && !mlp.out().contains("relu"), mlp::toString);
        Cli.Result spec = ok("summary", "--layers", "dense(64) relu dense(3)", "--input-shape", "2");
        assertTrue(spec.out().contains("(64)") && spec.out().contains("387"), spec::toString);
    }

    @Test void infoShowsJavaKernelsThreadsAndData() {
        Cli.Result info = ok("info");
        for (String s : new String[] {"java      " + Runtime.version(), "kernels   ", "threads   ", "Fashion-MNIST", "embedded subset", "spirals"}) {
            assertTrue(info.out().contains(s), s + " in\n" + info);
        }
    }

    @Test void helpAndVersion() {
        Cli.Result help = ok("--help");
        for (String c : new String[] {"train", "eval", "predict", "summary", "info"}) assertTrue(help.out().contains(c), help::toString);
        Cli.Result trainHelp = ok("train", "--help");
        for (String f : new String[] {"--preset", "--layers", "--activation", "--data", "--epochs", "--batch", "--lr", "--optimizer",
                "--momentum", "--weight-decay", "--seed", "--threads", "--save", "--checkpoint", "--resume", "--metrics-json"}) {
            assertTrue(trainHelp.out().contains(f), f);
        }
        assertTrue(ok("--version").out().contains("relunet"));
    }

    @Test void divergenceStopsWithTheStepAndLayerAndKeepsTheLastCheckpoint() throws IOException {
        Path ck = dir.resolve("ck"), metrics = dir.resolve("m.json");
        Cli.Result r = Cli.run("train", "--data", "spirals", "--samples", "200", "--layers", "dense(16) relu dense(3)",
                "--lr", "1e30", "--epochs", "3", "--checkpoint", ck.toString(), "--metrics-json", metrics.toString());
        assertEquals(Main.DIVERGED, r.code(), r::toString);
        assertEquals(1, r.errLines().length, r::toString);
        assertTrue(r.err().contains("training diverged at epoch 1, batch") && r.err().contains("(step ")
                && r.err().contains("first non-finite value in") && r.err().contains("lower the learning rate"), r::toString);
        assertTrue(Files.readString(metrics).contains("\"status\": \"diverged\""));

        // A diverging run never replaces a good checkpoint in its directory.
        Path good = dir.resolve("good");
        ok("train", "--data", "spirals", "--samples", "200", "--epochs", "1", "--checkpoint", good.toString());
        byte[] before = Files.readAllBytes(Checkpointer.file(good));
        assertEquals(1, ModelFile.read(Checkpointer.file(good)).training().orElseThrow().state().epochsDone());
        Cli.Result again = Cli.run("train", "--data", "spirals", "--samples", "200", "--epochs", "3", "--lr", "1e30",
                "--checkpoint", good.toString());
        assertEquals(Main.DIVERGED, again.code(), again::toString);
        assertTrue(again.err().contains("no epoch finished, so no checkpoint was written"), again::toString);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(Checkpointer.file(good))), "the old checkpoint must be untouched");
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }
}
