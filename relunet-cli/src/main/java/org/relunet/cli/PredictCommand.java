package org.relunet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.relunet.io.ModelFile;
import org.relunet.nn.Model;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relunet predict}: the top-k classes, with probabilities, of images in an IDX file or picture files. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Classify images with a saved model and print the top-k classes with their probabilities.",
        footer = {"", "INPUT is an IDX images file (as in Fashion-MNIST, raw or .gz) or a picture (PNG, JPEG, GIF, BMP).",
                "Pictures are converted to grey, scaled to [0, 1] and resized to the model's input (e.g. 28x28).",
                "Fashion-MNIST shows light clothes on a black background: use --invert for dark-on-light pictures.",
                "", "Examples:", "  relunet predict --model cnn.rnm shoe.png",
                "  relunet predict --model cnn.rnm --top 3 --limit 5 /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"})
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model file (or a checkpoint directory).")
    Path model;
    @Option(names = "--top", paramLabel = "K", description = "Classes to show per image (default 3).")
    Integer top;
    @Option(names = "--limit", paramLabel = "N", description = "Images to classify from an IDX file (default 10).")
    Integer limit;
    @Option(names = "--invert", description = "Invert pictures (dark clothes on a light background).")
    boolean invert;
    @Option(names = "--threads", paramLabel = "N", description = "Threads the kernels use (default: all cores).")
    Integer threads;
    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "IDX images files or picture files.")
    List<Path> inputs;

    @Override public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        int k = Check.atLeast("--top", top == null ? 3 : top, 1, "3");
        int max = Check.atLeast("--limit", limit == null ? 10 : limit, 1, "10");
        ModelArgs.threads(threads);
        for (Path p : inputs) {
            if (!Files.exists(p)) throw new UserError(p + ": no such file; give an IDX images file or a PNG picture");
            if (Files.isDirectory(p)) throw new UserError(p + ": is a directory; give an IDX images file or a PNG picture");
        }
        ModelFile.Contents contents = ModelArgs.read(model);
        Model m = contents.model();
        int classes = m.outputShape().size();
        String[] names = ModelArgs.classNames(contents.settings(), classes);
        k = Math.min(k, classes);
        Shape shape = m.inputShape();
        for (Path p : inputs) {
            List<String> labels = new ArrayList<>();
            Tensor x = Images.isIdx(p) ? idx(p, shape, max, labels, err) : picture(p, shape, labels, err);
            Tensor probabilities = m.predict(x);
            for (int i = 0; i < labels.size(); i++) out.println(labels.get(i) + ": " + top(probabilities.data, i * classes, classes, k, names));
        }
        return Main.OK;
    }

    private Tensor idx(Path p, Shape shape, int max, List<String> labels, PrintWriter err) {
        Tensor images = Images.readIdx(p, shape);   // (N, 1, H, W)
        int n = Math.min(max, images.batch());
        if (n < images.batch()) err.println(p + ": classifying the first " + n + " of " + images.batch() + " images (--limit N for more)");
        Tensor x = Tensor.zeros(n, shape);
        System.arraycopy(images.data, 0, x.data, 0, x.size());
        for (int i = 0; i < n; i++) labels.add(p.getFileName() + "[" + i + "]");
        return x;
    }

    private Tensor picture(Path p, Shape shape, List<String> labels, PrintWriter err) throws IOException {
        if (!shape.isImage() || shape.dim(0) != 1) {
            throw new UserError("the model expects input " + shape + ", not grey images; predict on pictures needs a model trained on images such as fashion-mnist");
        }
        Images.Grey grey = Images.readInput(p);
        int h = shape.dim(1), w = shape.dim(2);
        if (grey.width() != w || grey.height() != h) {
            err.println(p + ": the picture is " + grey.width() + "x" + grey.height() + " pixels; resized to the model's " + w + "x" + h
                    + (grey.width() * h != grey.height() * w ? " (the aspect ratio changes)" : ""));
            grey = Images.resize(grey, w, h);
        }
        if (invert) grey = Images.invert(grey);
        else if (grey.mean() > 0.5) {
            err.println(p + ": the picture is mostly light; the model was trained on light clothes on black, so try --invert if this one is dark on light");
        }
        labels.add(p.toString());
        Tensor x = Tensor.zeros(1, shape);
        System.arraycopy(grey.pixels(), 0, x.data, 0, x.size());
        return x;
    }

    static String top(float[] p, int off, int classes, int k, String[] names) {
        boolean[] used = new boolean[classes];
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int c = 0; c < classes; c++) if (!used[c] && (best < 0 || p[off + c] > p[off + best])) best = c;
            used[best] = true;
            if (j > 0) b.append(", ");
            b.append(String.format(Locale.ROOT, "%s %.3f", names[best], p[off + best]));
        }
        return b.toString();
    }
}
