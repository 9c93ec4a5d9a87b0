package org.relunet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.relunet.data.Dataset;
import org.relunet.data.FashionMnist;
import org.relunet.data.Synthetic;

/**
 * What {@code --data} names: {@code fashion-mnist} (the full set when installed, else the
 * embedded subset), {@code fashion-mnist-subset} (the embedded subset), a directory of IDX files, or one of the synthetic 2-D sets
 * {@code spirals|circles|xor|blobs}. The synthetic sets draw their training part from seed 1 and
 * their test part (a quarter as many points) from seed 2, whatever the model seed, so runs with
 * different seeds see the same data.
 */
final class DataSource {
    static final String FASHION = "fashion-mnist";
    static final String FASHION_SUBSET = "fashion-mnist-subset";
    static final List<String> SYNTHETIC = List.of("spirals", "circles", "xor", "blobs");
    static final int DEFAULT_SAMPLES = 1000;
    static final String HELP = "fashion-mnist, fashion-mnist-subset, an IDX directory, or " + String.join("|", SYNTHETIC);

    /** The training and test parts, a line describing them, an optional notice, and how to find them again. */
    record Loaded(Dataset train, Dataset test, String description, String notice, Map<String, String> settings) {
        String[] classNames() { return train.classNames(); }
    }

    private DataSource() {}

    /** True when {@code name} is one of the synthetic sets. */
    static boolean isSynthetic(String name) { return SYNTHETIC.contains(name.toLowerCase(Locale.ROOT)); }

    /**
     * Loads what {@code --data} names.
     *
     * @param samples training points of a synthetic set (null: {@value #DEFAULT_SAMPLES})
     * @param noise   noise of a synthetic set (null: the set's default)
     */
    static Loaded load(String data, Integer samples, Double noise) {
        String name = data.trim();
        String lower = name.toLowerCase(Locale.ROOT);
        if (isSynthetic(lower)) return synthetic(lower, samples == null ? DEFAULT_SAMPLES : samples, noise == null ? defaultNoise(lower) : noise);
        if (samples != null || noise != null) {
            throw new UserError("--samples and --noise apply only to the synthetic sets (" + String.join(", ", SYNTHETIC) + "); drop them for --data " + name);
        }
        if (lower.equals(FASHION) || lower.equals("fashion") || lower.equals("fashion_mnist")) {
            FashionMnist source = FashionMnist.findOrEmbedded(null);
            return fashion(source, FASHION);
        }
        if (lower.equals(FASHION_SUBSET)) return fashion(FashionMnist.embedded(), FASHION_SUBSET);
        Path dir = Path.of(name);
        if (Files.isDirectory(dir)) {
            FashionMnist source = FashionMnist.find(dir);
            return fashion(source, dir.toAbsolutePath().normalize().toString());
        }
        if (Files.exists(dir)) {
            throw new UserError("--data " + name + ": is a file, not a directory; give the directory holding train-images-idx3-ubyte, "
                    + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may be .gz)");
        }
        throw new UserError("--data " + name + ": no such data set or directory; use " + HELP);
    }

    private static Loaded fashion(FashionMnist source, String setting) {
        Dataset train = source.loadTrain(), test = source.loadTest();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("data", setting);
        return new Loaded(train, test, source.description() + ": " + train.size() + " train, " + test.size() + " test images",
                source.notice().orElse(null), settings);
    }

    static double defaultNoise(String name) {
        return switch (name) {
            case "spirals", "circles" -> 0.05;
            case "xor" -> 0.15;
            default -> 0.2;
        };
    }

    static Loaded synthetic(String name, int samples, double noise) {
        if (samples < 8) throw new UserError("--samples must be at least 8, got " + samples + "; e.g. --samples 1000");
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new UserError("--noise must be a finite number >= 0, got " + Check.show(noise) + "; e.g. --noise " + defaultNoise(name));
        }
        int testSamples = Math.max(4, samples / 4);
        Dataset train = make(name, samples, noise, 1), test = make(name, testSamples, noise, 2);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("data", name);
        settings.put("samples", Integer.toString(samples));
        settings.put("noise", Double.toString(noise));
        return new Loaded(train, test, name + " (" + train.classes() + " classes, noise " + noise + "): " + samples + " train, "
                + testSamples + " test points", null, settings);
    }

    private static Dataset make(String name, int samples, double noise, long seed) {
        return switch (name) {
            case "spirals" -> Synthetic.spirals(samples, 3, noise, seed);
            case "circles" -> Synthetic.circles(samples, 2, noise, seed);
            case "xor" -> Synthetic.xor(samples, noise, seed);
            case "blobs" -> Synthetic.blobs(samples, 3, noise, seed);
            default -> throw new IllegalStateException(name);
        };
    }

    /** Loads the data a model file was trained on, from its settings, unless {@code data} names other data. */
    static Loaded forModel(String data, Map<String, String> settings) {
        if (data != null) return load(data, null, null);
        String saved = settings.get("data");
        if (saved == null) return load(FASHION, null, null);
        if (isSynthetic(saved)) {
            return load(saved, settings.containsKey("samples") ? Integer.valueOf(settings.get("samples")) : null,
                    settings.containsKey("noise") ? Double.valueOf(settings.get("noise")) : null);
        }
        return load(saved, null, null);
    }
}
