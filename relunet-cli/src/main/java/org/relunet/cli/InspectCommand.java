package org.relunet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.relunet.inspect.ActivationPattern;
import org.relunet.inspect.EffectiveLinearMap;
import org.relunet.inspect.LocalJacobian;
import org.relunet.inspect.Palette;
import org.relunet.io.ModelFile;
import org.relunet.nn.Layer;
import org.relunet.nn.Model;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relunet inspect}: the network as one switch setting. For one input it prints which units are
 * on, the effective linear map f(x) = W_eff x + b_eff and its reconstruction error, and writes the row
 * of W_eff for the predicted class as a heat map (the template the network matched the input with).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the one linear map a ReLU network applies to an input: which units are on, W_eff and b_eff with",
                "f(x) = W_eff x + b_eff, the reconstruction error, and heat maps of the predicted class's row of W_eff."},
        footer = {"", "INPUT is an IDX images file (raw or .gz; --index picks the image) or a picture (PNG, JPEG, GIF, BMP),",
                "read as for predict. Models with tanh, sigmoid, GELU or softmax layers are not one linear map per region:",
                "inspect names the layer and shows the local Jacobian df/dx at the input instead.",
                "", "Pictures written to --out (default: the current directory), 8 screen pixels per input pixel:",
                "  NAME-input.png          the input",
                "  NAME-weff-CLASS.png     row CLASS of W_eff: red raises the class score, blue lowers it, white is 0",
                "  NAME-contrib-CLASS.png  W_eff[CLASS, i] * x_i: what each pixel added to the score",
                "", "Examples:", "  relunet inspect --model cnn.rnm --input /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --index 3",
                "  relunet inspect --model mlp.rnm --input shoe.png --out pictures",
                "  relunet inspect --model spirals.rnm --point 0.3,-0.5"})
final class InspectCommand implements Callable<Integer> {
    static final int SCALE = 8;

    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model file (or a checkpoint directory).")
    Path model;
    @Option(names = "--input", paramLabel = "INPUT", description = "An IDX images file or a picture.")
    Path input;
    @Option(names = "--index", paramLabel = "I", description = "Which image of an IDX file (default 0).")
    Integer index;
    @Option(names = "--point", paramLabel = "X,Y,...", description = "For a model with a vector input (e.g. the 2-D sets): the input values.")
    String point;
    @Option(names = "--class", paramLabel = "C", description = "Show this class's row of W_eff instead of the predicted class's.")
    Integer shownClass;
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the PNG heat maps (default: the current directory).")
    Path out;
    @Option(names = "--invert", description = "Invert a picture (dark clothes on a light background).")
    boolean invert;
    @Option(names = "--threads", paramLabel = "N", description = "Threads the kernels use (default: all cores).")
    Integer threads;

    @Override public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if ((input == null) == (point == null)) throw new UserError("give --input FILE (an image) or --point X,Y,... (a vector), one of them");
        if (index != null) Check.atLeast("--index", index, 0, "0");
        if (index != null && input == null) throw new UserError("--index applies to --input IDX files, not to --point");
        ModelArgs.threads(threads);
        if (input != null && !Files.isRegularFile(input)) throw new UserError("--input " + input + ": no such file; give an IDX images file or a PNG picture");
        ModelFile.Contents contents = ModelArgs.read(model);
        Model m = contents.model();
        Shape shape = m.inputShape();
        int classes = m.outputShape().size();
        String[] names = ModelArgs.classNames(contents.settings(), classes);
        if (shownClass != null && (shownClass < 0 || shownClass >= classes)) {
            throw new UserError("--class " + shownClass + " is not a class of this model; give 0.." + (classes - 1));
        }

        String what, stem;
        float[] x;
        if (point != null) {
            x = parsePoint(point, shape);
            what = "point (" + point + ")";
            stem = "point";
        } else {
            if (!shape.isImage()) throw new UserError("the model takes " + shape + " vectors, not images; give --point with " + shape.size() + " values");
            int i = index == null ? 0 : index;
            boolean idx = Images.isIdx(input);
            x = idx ? idxImage(input, shape, i) : picture(input, shape, err);
            String name = input.getFileName().toString();
            what = name + (idx ? "[" + i + "]" : "");
            stem = name.replaceAll("\\.gz$", "").replaceAll("\\.(png|jpe?g|gif|bmp)$", "").replaceAll("[^A-Za-z0-9_.-]+", "-") + (idx ? "-" + i : "");
        }

        o.println("model     " + m.specText() + " on input " + shape);
        o.println("input     " + what);
        Optional<String> obstacle = EffectiveLinearMap.obstacle(m);
        if (obstacle.isEmpty()) {
            EffectiveLinearMap map = EffectiveLinearMap.at(m, x);
            float[] output = map.output();
            int c = shownClass != null ? shownClass : map.predictedClass();
            o.println(predicted(output, map.predictedClass(), names));
            o.println("switches  " + switches(m, map.pattern()));
            o.println(String.format(Locale.ROOT, "map       f(x) = W_eff x + b_eff with W_eff %d x %d; reconstruction error %.2e (relative, against the forward pass)",
                    map.outputs(), map.inputs(), map.reconstructionError()));
            double[] contributions = map.contributions(c);
            double sum = 0;
            for (double v : contributions) sum += v;
            o.println(String.format(Locale.ROOT, "score     %s = sum_i W_eff[%d,i] x_i + b_eff[%d] = %.4f %s %.4f = %.4f (forward pass %.4f)",
                    names[c], c, c, sum, map.bias()[c] < 0 ? "-" : "+", Math.abs(map.bias()[c]), sum + map.bias()[c], output[c]));
            if (!shape.isImage()) printMatrix(o, map, names);
            else writePictures(o, stem, x, shape, map.row(c), contributions, c, names);
        } else {
            o.println("map       " + obstacle.get().replace("; use LocalJacobian.at(model, x) for the Jacobian at x instead", ""));
            LocalJacobian j = LocalJacobian.at(m, x);
            int c = shownClass != null ? shownClass : j.predictedClass();
            o.println(predicted(j.output(), j.predictedClass(), names));
            o.println("jacobian  showing the local Jacobian df/dx at this input instead (" + j.outputs() + " x " + j.inputs()
                    + "); it describes f only near x");
            double[] row = j.row(c);
            double[] contributions = row.clone();
            for (int i = 0; i < contributions.length; i++) contributions[i] *= x[i];
            if (shape.isImage()) writePictures(o, stem, x, shape, row, contributions, c, names);
            else for (int k = 0; k < classes; k++) o.println("d" + names[k] + "/dx = " + vector(j.row(k)));
        }
        return Main.OK;
    }

    private static String predicted(float[] logits, int best, String[] names) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : logits) max = Math.max(max, v);
        for (float v : logits) sum += Math.exp(v - max);
        return String.format(Locale.ROOT, "predicted %s (class %d), probability %.3f", names[best], best, Math.exp(logits[best] - max) / sum);
    }

    /** "layer 1 relu: 97/256 on, layer 3 relu: 88/256 on, layer 2 maxpool(2): 6,272 windows". */
    static String switches(Model m, ActivationPattern p) {
        StringBuilder b = new StringBuilder();
        for (int layer : p.switchLayers()) {
            Layer l = m.layers().get(layer);
            if (!b.isEmpty()) b.append(", ");
            b.append("layer ").append(layer).append(' ').append(l.spec().text()).append(": ");
            if (p.isRectifier(layer)) b.append(String.format(Locale.ROOT, "%,d/%,d on", p.activeUnits(layer), p.units(layer)));
            else b.append(String.format(Locale.ROOT, "%,d windows, one winner each", p.units(layer)));
        }
        return b.isEmpty() ? "none: the network is linear" : b.toString();
    }

    private void writePictures(PrintWriter o, String stem, float[] x, Shape shape, double[] row, double[] contributions, int c, String[] names) {
        Path dir = out != null ? out : Path.of(".");
        int h = shape.dim(1), w = shape.dim(2);
        float[] firstChannel = java.util.Arrays.copyOf(x, h * w);
        Path inputPng = dir.resolve(stem + "-input.png"), weff = dir.resolve(stem + "-weff-" + c + ".png"), contrib = dir.resolve(stem + "-contrib-" + c + ".png");
        Pictures.writePng(inputPng, Pictures.grey(firstChannel, h, w), SCALE, "--out");
        Pictures.writePng(weff, Palette.diverging(image(row, h, w)), SCALE, "--out");
        Pictures.writePng(contrib, Palette.diverging(image(contributions, h, w)), SCALE, "--out");
        o.println("heat map  " + weff + " (row " + c + ", " + names[c] + ": red raises the score, blue lowers it)");
        o.println("          " + contrib + " (what each pixel added to the score)");
        o.println("          " + inputPng + (shape.dim(0) > 1 ? " (channel 0 of " + shape.dim(0) + ")" : ""));
    }

    /** Channel 0 of a vector over the input (C, H, W) as (H, W). */
    private static double[][] image(double[] v, int h, int w) {
        double[][] img = new double[h][w];
        for (int y = 0; y < h; y++) System.arraycopy(v, y * w, img[y], 0, w);
        return img;
    }

    private static void printMatrix(PrintWriter o, EffectiveLinearMap map, String[] names) {
        double[] b = map.bias();
        for (int k = 0; k < map.outputs(); k++) o.println(String.format(Locale.ROOT, "  %-10s = %s . x %s %.4f", names[k], vector(map.row(k)), b[k] < 0 ? "-" : "+", Math.abs(b[k])));
    }

    private static String vector(double[] v) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.4f", v[i]));
        return b.append(')').toString();
    }

    private static float[] parsePoint(String text, Shape shape) {
        String[] parts = text.split(",");
        if (!shape.isVector() || parts.length != shape.size()) {
            throw new UserError("--point needs " + shape.size() + " comma-separated values for a model with input " + shape
                    + (shape.isImage() ? "; give an image with --input instead" : ""));
        }
        float[] x = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                x[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserError("--point value '" + parts[i].trim() + "' is not a number; e.g. --point 0.3,-0.5");
            }
            if (!Float.isFinite(x[i])) throw new UserError("--point value '" + parts[i].trim() + "' is not finite; e.g. --point 0.3,-0.5");
        }
        return x;
    }

    private static float[] idxImage(Path p, Shape shape, int i) {
        Tensor images = Images.readIdx(p, shape);
        if (i >= images.batch()) throw new UserError("--index " + i + ": " + p.getFileName() + " holds " + images.batch() + " images; give 0.." + (images.batch() - 1));
        int n = shape.size();
        return java.util.Arrays.copyOfRange(images.data, i * n, (i + 1) * n);
    }

    private float[] picture(Path p, Shape shape, PrintWriter err) throws IOException {
        if (shape.dim(0) != 1) throw new UserError("the model expects input " + shape + ", not grey pictures; give an IDX file of such images");
        Images.Grey grey = Images.readInput(p);
        int h = shape.dim(1), w = shape.dim(2);
        if (grey.width() != w || grey.height() != h) {
            err.println(p + ": the picture is " + grey.width() + "x" + grey.height() + " pixels; resized to the model's " + w + "x" + h);
            grey = Images.resize(grey, w, h);
        }
        if (invert) grey = Images.invert(grey);
        return grey.pixels();
    }
}
