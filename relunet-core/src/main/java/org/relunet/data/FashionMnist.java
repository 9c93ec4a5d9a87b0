package org.relunet.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.relunet.tensor.Tensor;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, https://github.com/zalandoresearch/fashion-mnist):
 * 28x28 grey-scale images of clothing in 10 classes, 60000 for training and 10000 for testing, in
 * the IDX format of MNIST. An instance is a place to load it from: a directory holding the four
 * files, or the subset embedded in the relunet jar (1000 training and 200 test images per class).
 *
 * <p>Where to look, in order of precedence:
 * <ol>
 *   <li>a directory the caller names (a {@code --data} option): if given, it is the only place
 *       looked at, and an incomplete directory is an error rather than a silent switch to other data;
 *   <li>the directory in the environment variable {@code RELUNET_DATA};
 *   <li>{@code /usr/share/datasets/fashion-mnist}, where {@code apt-get install dataset-fashion-mnist}
 *       puts it.
 * </ol>
 * The first complete directory wins. A directory is complete when it holds
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
 * and {@code t10k-labels-idx1-ubyte}, each with or without {@code .gz} (the reader detects gzip from
 * the content; when both exist the uncompressed file is used).
 *
 * <pre>
 *   FashionMnist source = FashionMnist.findOrEmbedded(null);
 *   source.notice().ifPresent(System.err::println);   // "using the embedded subset ...; install ..."
 *   Dataset train = source.loadTrain();               // (N, 1, 28, 28) in [0, 1]
 *   Dataset test = source.loadTest();
 * </pre>
 */
public final class FashionMnist {
    /** Environment variable naming a directory that holds the four files. */
    public static final String ENV_VAR = "RELUNET_DATA";
    /** Where the Debian/Ubuntu package {@code dataset-fashion-mnist} installs the files. */
    public static final Path SYSTEM_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    /** Classpath directory of the embedded subset (gzip IDX files under their original names). */
    public static final String EMBEDDED_RESOURCES = "/org/relunet/data/fashion-mnist-subset/";
    /** Training images per class in the embedded subset (10000 in all). */
    public static final int EMBEDDED_TRAIN_PER_CLASS = 1000;
    /** Test images per class in the embedded subset (2000 in all). */
    public static final int EMBEDDED_TEST_PER_CLASS = 200;
    /** How to get the full set, for messages. */
    public static final String INSTALL_HINT = "install with apt-get install -y dataset-fashion-mnist or set "
            + ENV_VAR + " to a directory holding the four files";

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final String[] FILE_NAMES = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};

    private static final String[] CLASS_NAMES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };
    private static final String REINSTALL = "or reinstall with apt-get install --reinstall dataset-fashion-mnist";

    /** A directory to look in and why it is on the list ("$RELUNET_DATA"). */
    private record Location(String origin, Path directory) {
        @Override public String toString() { return origin + " " + directory; }
    }

    /** What a directory holds: the file to use for each of the four names, or why it is unusable. */
    private record Probe(Location location, List<Path> files, String problem) {
        boolean complete() { return problem == null; }
    }

    private final Path directory;      // null for the embedded subset
    private final List<Path> files;    // in FILE_NAMES order; empty for the embedded subset
    private final String notice;       // null when nothing needs saying

    private FashionMnist(Path directory, List<Path> files, String notice) {
        this.directory = directory;
        this.files = files;
        this.notice = notice;
    }

    /** The 10 class names, label 0 to 9: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot. */
    public static String[] classNames() { return CLASS_NAMES.clone(); }

    // ---------------------------------------------------------------- finding

    /**
     * The full data set: in {@code directory} if it is not null, else in {@code $RELUNET_DATA},
     * else in {@link #SYSTEM_DIRECTORY}. Only checks that the files exist; loading validates them.
     *
     * @throws DataException "Fashion-MNIST: none found in ... (why each failed); install with ..."
     */
    public static FashionMnist find(Path directory) {
        return find(directory, System.getenv(ENV_VAR), SYSTEM_DIRECTORY);
    }

    /** {@link #find(Path)} with the environment and the system directory passed in, for tests. */
    static FashionMnist find(Path directory, String envValue, Path systemDirectory) {
        List<Probe> probes = new ArrayList<>();
        for (Location location : locations(directory, envValue, systemDirectory)) {
            Probe probe = probe(location);
            if (probe.complete()) {
                String notice = probes.isEmpty() ? null
                        : "Fashion-MNIST: skipped " + describe(probes) + "; using " + location.directory();
                return new FashionMnist(location.directory(), probe.files(), notice);
            }
            probes.add(probe);
        }
        throw new DataException("Fashion-MNIST", "none found in " + describe(probes), INSTALL_HINT);
    }

    /**
     * The Fashion-MNIST subset embedded in the relunet jar: 1000 training and 200 test images per
     * class, drawn with a fixed seed from the full set by {@link EmbeddedSubsetTool}. Enough to
     * train a small net in seconds and to run every example without a download.
     */
    public static FashionMnist embedded() {
        return new FashionMnist(null, List.of(), null);
    }

    /**
     * The full set if {@link #find(Path)} finds it, else the embedded subset with a one-line
     * {@link #notice()} telling the user how to get the full set (the library does not print it).
     * A {@code directory} the caller named must be complete: it is an error, not a fallback.
     */
    public static FashionMnist findOrEmbedded(Path directory) {
        return findOrEmbedded(directory, System.getenv(ENV_VAR), SYSTEM_DIRECTORY);
    }

    static FashionMnist findOrEmbedded(Path directory, String envValue, Path systemDirectory) {
        try {
            return find(directory, envValue, systemDirectory);
        } catch (DataException notFound) {
            if (directory != null) throw notFound;
            return new FashionMnist(null, List.of(), "using the embedded Fashion-MNIST subset ("
                    + 10 * EMBEDDED_TRAIN_PER_CLASS + " train, " + 10 * EMBEDDED_TEST_PER_CLASS + " test images); for the full 60000/10000 set "
                    + INSTALL_HINT);
        }
    }

    /**
     * A report of where Fashion-MNIST was looked for and what each place holds, for an
     * {@code info} command: one line per place, the files with their sizes, the embedded subset,
     * and which source {@link #findOrEmbedded(Path)} would use.
     */
    public static String describeSearch(Path directory) {
        return describeSearch(directory, System.getenv(ENV_VAR), SYSTEM_DIRECTORY);
    }

    static String describeSearch(Path directory, String envValue, Path systemDirectory) {
        StringBuilder out = new StringBuilder("Fashion-MNIST (first complete directory wins):\n");
        if (directory == null) out.append("  directory argument: not given\n");
        if (directory != null) {
            out.append("  $" + ENV_VAR + ": not consulted (a directory argument was given)\n");
        } else if (envValue == null || envValue.isBlank()) {
            out.append("  $" + ENV_VAR + ": not set\n");
        }
        for (Location location : locations(directory, envValue, systemDirectory)) {
            Probe probe = probe(location);
            out.append("  ").append(location).append(": ").append(probe.complete() ? "complete" : probe.problem()).append('\n');
            for (Path file : probe.files()) {
                out.append("    ").append(file.getFileName()).append("  ").append(sizeOf(file)).append('\n');
            }
        }
        out.append("  embedded subset classpath:").append(EMBEDDED_RESOURCES).append(": ")
                .append(embeddedPresent() ? 10 * EMBEDDED_TRAIN_PER_CLASS + " train, " + 10 * EMBEDDED_TEST_PER_CLASS
                        + " test images (" + EMBEDDED_TRAIN_PER_CLASS + "/" + EMBEDDED_TEST_PER_CLASS + " per class)"
                        : "missing from the classpath").append('\n');
        try {
            FashionMnist chosen = findOrEmbedded(directory, envValue, systemDirectory);
            out.append("Using: ").append(chosen.description());
        } catch (DataException e) {
            out.append("Using: nothing; ").append(e.getMessage());
        }
        return out.toString();
    }

    private static List<Location> locations(Path directory, String envValue, Path systemDirectory) {
        if (directory != null) return List.of(new Location("directory argument", directory));
        List<Location> locations = new ArrayList<>();
        if (envValue != null && !envValue.isBlank()) locations.add(new Location("$" + ENV_VAR, Path.of(envValue)));
        locations.add(new Location("system package directory", systemDirectory));
        return locations;
    }

    private static Probe probe(Location location) {
        Path dir = location.directory();
        if (!Files.exists(dir)) return new Probe(location, List.of(), "no such directory");
        if (!Files.isDirectory(dir)) return new Probe(location, List.of(), "not a directory");
        List<Path> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : FILE_NAMES) {
            Path raw = dir.resolve(name);
            Path gzip = dir.resolve(name + ".gz");
            if (Files.isRegularFile(raw)) found.add(raw);
            else if (Files.isRegularFile(gzip)) found.add(gzip);
            else missing.add(name + "[.gz]");
        }
        return new Probe(location, List.copyOf(found), missing.isEmpty() ? null : "missing " + String.join(", ", missing));
    }

    private static String describe(List<Probe> probes) {
        List<String> parts = new ArrayList<>();
        for (Probe p : probes) parts.add(p.location() + " (" + p.problem() + ")");
        return String.join(", ", parts);
    }

    private static String sizeOf(Path file) {
        try {
            return Files.size(file) + " bytes";
        } catch (IOException e) {
            return "size unknown (" + e.getMessage() + ")";
        }
    }

    private static boolean embeddedPresent() {
        for (String name : FILE_NAMES) {
            if (FashionMnist.class.getResource(EMBEDDED_RESOURCES + name + ".gz") == null) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- loading

    /** Reads the training images and labels: 60000 samples (N, 1, 28, 28) in [0, 1], or 10000 embedded. */
    public Dataset loadTrain() { return load(TRAIN_IMAGES, TRAIN_LABELS, "train"); }

    /** Reads the test images and labels: 10000 samples (N, 1, 28, 28) in [0, 1], or 2000 embedded. */
    public Dataset loadTest() { return load(TEST_IMAGES, TEST_LABELS, "test"); }

    /** The directory the files come from; empty for the embedded subset. */
    public Optional<Path> directory() { return Optional.ofNullable(directory); }

    public boolean isEmbedded() { return directory == null; }

    /**
     * A line the caller should show the user, if any: that the embedded subset stands in for the
     * full set (and how to install it), or that a directory in {@code $RELUNET_DATA} was skipped.
     */
    public Optional<String> notice() { return Optional.ofNullable(notice); }

    /** "Fashion-MNIST in /usr/share/datasets/fashion-mnist" or "embedded Fashion-MNIST subset (...)". */
    public String description() {
        return isEmbedded()
                ? "embedded Fashion-MNIST subset (" + 10 * EMBEDDED_TRAIN_PER_CLASS + " train, " + 10 * EMBEDDED_TEST_PER_CLASS + " test)"
                : "Fashion-MNIST in " + directory;
    }

    @Override public String toString() { return description(); }

    private Dataset load(String imagesName, String labelsName, String part) {
        Tensor images;
        int[] labels;
        String imagesSource;
        String labelsSource;
        String fix;
        if (isEmbedded()) {
            imagesSource = "classpath:" + EMBEDDED_RESOURCES + imagesName + ".gz";
            labelsSource = "classpath:" + EMBEDDED_RESOURCES + labelsName + ".gz";
            fix = "the relunet-core jar is damaged; rebuild it";
            images = withFix(fix, () -> readResource(imagesSource, in -> Idx.readImages(in, imagesSource)));
            labels = withFix(fix, () -> readResource(labelsSource, in -> Idx.readLabels(in, labelsSource)));
        } else {
            Path imagesFile = files.get(indexOf(imagesName));
            Path labelsFile = files.get(indexOf(labelsName));
            imagesSource = imagesFile.toString();
            labelsSource = labelsFile.toString();
            images = withFix(null, () -> Idx.readImages(imagesFile));
            labels = withFix(null, () -> Idx.readLabels(labelsFile));
            fix = "re-download both files " + REINSTALL;
        }
        if (images.batch() != labels.length) {
            throw new DataException(imagesSource, "holds " + images.batch() + " images but " + labelsSource + " holds "
                    + labels.length + " labels; the two files come from different releases or one is damaged", fix);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASS_NAMES.length) {
                throw new DataException(labelsSource, "label " + labels[i] + " at index " + i
                        + " is outside 0..9 (Fashion-MNIST has 10 classes)", fix);
            }
        }
        String name = (isEmbedded() ? "fashion-mnist-subset " : "fashion-mnist ") + part;
        return new Dataset(name, images, labels, CLASS_NAMES.length, classNames());
    }

    private static int indexOf(String name) { return List.of(FILE_NAMES).indexOf(name); }

    private interface Read<T> { T get(); }

    private interface StreamRead<T> { T apply(InputStream in); }

    /** Runs a read and, if {@code fix} is null, adds the reinstall hint to the reader's own fix. */
    private static <T> T withFix(String fix, Read<T> read) {
        try {
            return read.get();
        } catch (DataException e) {
            throw e.withFix(fix != null ? fix : e.fix() + ", " + REINSTALL);
        }
    }

    private static <T> T readResource(String source, StreamRead<T> read) {
        String resource = source.substring("classpath:".length());
        InputStream in = FashionMnist.class.getResourceAsStream(resource);
        if (in == null) throw new DataException(source, "missing from the classpath", "rebuild relunet-core");
        try (in) {
            return read.apply(in);
        } catch (IOException e) {
            throw new DataException(source, "cannot read: " + e.getMessage(), "rebuild relunet-core", e);
        }
    }
}
