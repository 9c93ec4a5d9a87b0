package org.relunet.lab;

import java.nio.file.Path;

import org.relunet.data.Dataset;
import org.relunet.data.FashionMnist;
import org.relunet.lab.LabOptions.Mode;

/**
 * The Fashion-MNIST sets of one lab run, loaded on first use and shared by the experiments:
 * quick and tiny runs use the embedded 10k/2k subset (or the directory given), a full run the full
 * set when it can be found, else the embedded subset with a notice.
 */
public final class LabData {
    private final Mode mode;
    private final Path directory;
    private FashionMnist source;
    private Dataset train, test;

    public LabData(Mode mode, Path directory) {
        this.mode = mode;
        this.directory = directory;
    }

    private synchronized FashionMnist source() {
        if (source == null) {
            if (directory != null) source = FashionMnist.find(directory);
            else source = mode == Mode.FULL ? FashionMnist.findOrEmbedded(null) : FashionMnist.embedded();
        }
        return source;
    }

    /** Training images (N, 1, 28, 28) in [0, 1] with labels. */
    public synchronized Dataset train() {
        if (train == null) train = source().loadTrain();
        return train;
    }

    /** Test images, never used for training or for choosing learning rates. */
    public synchronized Dataset test() {
        if (test == null) test = source().loadTest();
        return test;
    }

    /** Where the data came from, e.g. "embedded Fashion-MNIST subset (10000 train, 2000 test)". */
    public String description() { return source().description(); }

    /** A notice for the user (e.g. "using the embedded subset; for the full set install ..."), or null. */
    public String notice() { return source().notice().orElse(null); }

    /** True when the full 60k/10k set is in use. */
    public boolean isFull() { return !source().isEmbedded(); }
}
