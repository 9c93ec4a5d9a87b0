package org.relunet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Derives the Fashion-MNIST subset embedded in relunet-core from the full set: 1000 training and
 * 200 test images per class, drawn by {@link Dataset#stratifiedSubset(int, long)} with seed
 * {@value #SEED}, kept in their original order, written as best-compression gzip IDX files under
 * the original file names. The output is a pure function of the input files, so rerunning the tool
 * reproduces the committed resources byte for byte (a test checks this when the full set is installed).
 *
 * <pre>
 *   ./mvnw -q -B compile
 *   java -cp relunet-core/target/classes org.relunet.data.EmbeddedSubsetTool \
 *       [fashion-mnist directory] [output directory]
 * </pre>
 * The defaults are the directory {@link FashionMnist#find(Path)} finds and
 * {@code relunet-core/src/main/resources/org/relunet/data/fashion-mnist-subset}.
 */
public final class EmbeddedSubsetTool {
    /** Seed of the stratified draw; changing it changes the committed resources. */
    public static final long SEED = 2017L;

    private EmbeddedSubsetTool() {}

    /** The embedded training subset of a full training set: {@value FashionMnist#EMBEDDED_TRAIN_PER_CLASS} per class. */
    public static Dataset trainSubset(Dataset fullTrain) {
        return fullTrain.stratifiedSubset(FashionMnist.EMBEDDED_TRAIN_PER_CLASS, SEED);
    }

    /** The embedded test subset of a full test set: {@value FashionMnist#EMBEDDED_TEST_PER_CLASS} per class. */
    public static Dataset testSubset(Dataset fullTest) {
        return fullTest.stratifiedSubset(FashionMnist.EMBEDDED_TEST_PER_CLASS, SEED);
    }

    public static void main(String[] args) throws IOException {
        FashionMnist full = FashionMnist.find(args.length > 0 ? Path.of(args[0]) : null);
        Path out = Path.of(args.length > 1 ? args[1] : "relunet-core/src/main/resources/org/relunet/data/fashion-mnist-subset");
        if (full.isEmbedded()) throw new IllegalStateException("need the full set, got " + full);
        Files.createDirectories(out);
        Dataset train = trainSubset(full.loadTrain());
        Dataset test = testSubset(full.loadTest());
        write(train, out, FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS);
        write(test, out, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS);
        System.out.println("derived from " + full.description() + " with seed " + SEED + ": "
                + train.size() + " train, " + test.size() + " test samples in " + out);
    }

    private static void write(Dataset subset, Path out, String imagesName, String labelsName) throws IOException {
        Path images = out.resolve(imagesName + ".gz");
        Path labels = out.resolve(labelsName + ".gz");
        Idx.writeImages(images, subset.inputs(), Idx.Compression.GZIP);
        Idx.writeLabels(labels, subset.labels(), Idx.Compression.GZIP);
        System.out.println(images + "  " + Files.size(images) + " bytes");
        System.out.println(labels + "  " + Files.size(labels) + " bytes");
    }
}
