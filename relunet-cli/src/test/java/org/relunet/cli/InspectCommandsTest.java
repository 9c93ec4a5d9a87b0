package org.relunet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relunet.io.Json;

/** inspect, lint and train --monitor: happy paths and user errors. */
class InspectCommandsTest {
    @TempDir Path dir;

    private Path idxModel(String layers) {
        Path idx = Cli.idxDirectory(dir.resolve("idx"), 200, 50);
        Path model = dir.resolve(layers.hashCode() + ".rnm");
        CommandsTest.ok("train", "--data", idx.toString(), "--layers", layers, "--epochs", "2", "--lr", "0.05", "--threads", "1",
                "--save", model.toString());
        return model;
    }

    @Test void inspectAnIdxImagePrintsTheMapAndWritesHeatMaps() throws IOException {
        Path model = idxModel("conv(4,3,pad=1) relu maxpool(2) flatten dense(16) leaky_relu dense(10)");
        Path images = dir.resolve("idx").resolve("t10k-images-idx3-ubyte.gz"), pictures = dir.resolve("pictures");
        Cli.Result r = CommandsTest.ok("inspect", "--model", model.toString(), "--input", images.toString(), "--index", "3", "--out", pictures.toString());
        assertTrue(r.out().contains("input     t10k-images-idx3-ubyte.gz[3]"), r::toString);
        assertTrue(r.out().contains("switches  layer 1 relu: ") && r.out().contains("layer 2 maxpool(2): 64 windows")
                && r.out().contains("layer 5 leaky_relu(0.01): "), r::toString);
        Matcher error = Pattern.compile("reconstruction error (\\S+) ").matcher(r.out());
        assertTrue(error.find(), r::toString);
        assertTrue(Double.parseDouble(error.group(1)) <= 1e-5, r::toString);
        Matcher c = Pattern.compile("predicted .* \\(class (\\d)\\)").matcher(r.out());
        assertTrue(c.find(), r::toString);
        Matcher score = Pattern.compile("= (-?\\d+\\.\\d{4}) \\(forward pass (-?\\d+\\.\\d{4})\\)").matcher(r.out());
        assertTrue(score.find() && score.group(1).equals(score.group(2)), r::toString);
        for (String name : List.of("t10k-images-idx3-ubyte-3-input.png", "t10k-images-idx3-ubyte-3-weff-" + c.group(1) + ".png",
                "t10k-images-idx3-ubyte-3-contrib-" + c.group(1) + ".png")) {
            BufferedImage png = ImageIO.read(pictures.resolve(name).toFile());
            assertEquals(8 * InspectCommand.SCALE, png.getWidth(), name);
            assertTrue(r.out().contains(pictures.resolve(name).toString()), r::toString);
        }
        // another class's row on request, from a picture
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 8; x++) image.setRGB(x, 2, 0xE0E0E0);
        Path png = dir.resolve("bar.png");
        ImageIO.write(image, "png", png.toFile());
        r = CommandsTest.ok("inspect", "--model", model.toString(), "--input", png.toString(), "--class", "7", "--out", pictures.toString());
        assertTrue(r.out().contains("bar-weff-7.png") && Files.exists(pictures.resolve("bar-weff-7.png")), r::toString);
    }

    @Test void inspectASmoothModelOffersTheLocalJacobianAndAVectorModelPrintsTheMatrix() {
        Path model = idxModel("flatten dense(16) tanh dense(10)");
        Cli.Result r = CommandsTest.ok("inspect", "--model", model.toString(), "--input", dir.resolve("idx/t10k-images-idx3-ubyte.gz").toString(),
                "--out", dir.resolve("p").toString());
        assertTrue(r.out().contains("layer 2 (tanh): tanh is not piecewise linear") && r.out().contains("local Jacobian"), r::toString);
        assertFalse(r.out().contains("reconstruction"), r::toString);

        Path spirals = dir.resolve("spirals.rnm");
        CommandsTest.ok("train", "--data", "spirals", "--samples", "300", "--layers", "dense(8) relu dense(8) relu dense(3)", "--epochs", "1",
                "--threads", "1", "--save", spirals.toString());
        r = CommandsTest.ok("inspect", "--model", spirals.toString(), "--point", "0.3,-0.5");
        assertTrue(r.out().contains("f(x) = W_eff x + b_eff with W_eff 3 x 2"), r::toString);
        assertEquals(3, r.out().lines().filter(l -> l.matches("  arm \\d +=.*\\. x [+-] \\d.*")).count(), r::toString);
    }

    @Test void inspectUserErrors() {
        Path model = idxModel("flatten dense(16) relu dense(10)");
        String images = dir.resolve("idx/t10k-images-idx3-ubyte.gz").toString();
        ErrorsTest.userError("relunet inspect", ErrorsTest.args("inspect", "--model", model.toString()), "give --input FILE");
        ErrorsTest.userError("relunet inspect", ErrorsTest.args("inspect", "--model", model.toString(), "--input", images, "--index", "50"),
                "--index 50", "holds 50 images", "0..49");
        ErrorsTest.userError("relunet inspect", ErrorsTest.args("inspect", "--model", model.toString(), "--input", images, "--class", "10"), "--class 10", "0..9");
        ErrorsTest.userError("relunet inspect", ErrorsTest.args("inspect", "--model", model.toString(), "--point", "1,2"), "--point needs 64", "--input");
        ErrorsTest.userError("relunet inspect", ErrorsTest.args("inspect", "--model", model.toString(), "--input", dir.resolve("nope.png").toString()), "no such file");
    }

    @Test void lintPrintsFindingsWithFixesAndExits4OnErrors() {
        Cli.Result r = Cli.run("lint", "--layers", "flatten dense(64) softmax relu dense(10)");
        assertEquals(Main.LINT_FAILED, r.code(), r::toString);
        assertTrue(r.out().contains("error   layer 2 [softmax-in-hidden-layer]") && r.out().contains("error   layer 3 [activation-after-softmax]"), r::toString);
        assertTrue(r.out().contains("        fix: ") && r.out().strip().endsWith("2 errors, 0 warnings, 0 info"), r::toString);
        assertTrue(r.out().indexOf("layer 2 [") < r.out().indexOf("layer 3 ["), "findings come in layer order:\n" + r);

        r = CommandsTest.ok("lint", "--preset", "cnn");
        assertTrue(r.out().strip().endsWith("no findings"), r::toString);
        r = CommandsTest.ok("lint", "--layers", "dense(8) relu relu dense(3)", "--input-shape", "2");
        assertTrue(r.out().contains("info    layer 2 [repeated-activation]") && r.out().contains("0 errors, 0 warnings, 1 info"), r::toString);
        assertEquals(Main.LINT_FAILED, Cli.run("lint", "--layers", "dense(8) relu relu dense(3)", "--input-shape", "2", "--strict").code());
        r = CommandsTest.ok("lint", "--rules");
        assertTrue(r.out().contains("activation-after-softmax") && r.out().contains("shape "), r::toString);
        r = Cli.run("lint", "--layers", "conv(8,3) relu dense(10)");
        assertEquals(Main.LINT_FAILED, r.code(), r::toString);
        assertTrue(r.out().contains("[shape]") && r.out().contains("put flatten before it"), r::toString);

        Path model = idxModel("flatten dense(16) dense(10)");
        r = CommandsTest.ok("lint", "--model", model.toString());
        assertTrue(r.out().contains("warning layer 2 [linear-collapse]"), r::toString);

        ErrorsTest.userError("relunet lint", ErrorsTest.args("lint"), "give exactly one of");
        ErrorsTest.userError("relunet lint", ErrorsTest.args("lint", "--layers", "dense(8) rleu"), "--layers", "'rleu'");
        ErrorsTest.userError("relunet lint", ErrorsTest.args("lint", "--model", model.toString(), "--input-shape", "2"), "--input-shape applies");
    }

    @Test void trainMonitorWritesTheFilesAndTrainShowsLintFindings() throws IOException {
        Path monitor = dir.resolve("mon");
        Cli.Result r = CommandsTest.ok("train", "--data", "spirals", "--samples", "400", "--layers", "dense(16) relu dense(16) relu dense(3) relu",
                "--epochs", "2", "--threads", "1", "--monitor", monitor.toString());
        assertTrue(r.out().contains("lint      error [activation-on-logits] layer 5"), r::toString);
        assertTrue(r.out().contains("monitor   " + monitor.resolve("monitor.csv")) && r.out().contains("on 100 test samples"), r::toString);
        List<String> csv = Files.readAllLines(monitor.resolve("monitor.csv"));
        assertEquals(org.relunet.inspect.LayerStats.CSV_HEADER, csv.get(0));
        assertEquals(1 + 2 * 6, csv.size());
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(monitor.resolve("monitor.json")));
        assertEquals(12, ((List<?>) json.get("rows")).size());
        for (String figure : org.relunet.lab.MonitorFigures.NAMES) {
            assertTrue(Files.size(monitor.resolve(figure + ".png")) > 1000, figure + ".png");
            assertTrue(Files.readString(monitor.resolve(figure + ".svg")).contains("<svg"), figure + ".svg");
        }

        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        ErrorsTest.userError("relunet train", ErrorsTest.args("train", "--data", "spirals", "--monitor", file.toString()), "--monitor", "is a file");
    }
}
