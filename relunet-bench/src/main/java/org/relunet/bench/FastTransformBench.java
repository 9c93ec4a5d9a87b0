package org.relunet.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.kernels.Parallel;
import org.relunet.kernels.RealFft;
import org.relunet.nn.Layer;
import org.relunet.nn.LayerSpecParser;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.optim.Adam;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Benchmarks of issue 7, on one thread unless told otherwise:
 * <ol>
 *   <li>Walsh-Hadamard transforms per second at L = 1024 and 65536, for the chosen kernels and the
 *       scalar reference (a published hand-written SSE figure is about 5000 transforms of 65536 per
 *       second per core), and real FFTs per second at the same sizes;</li>
 *   <li>layer time, forward + backward at batch 128 and width 1024, of the transform layers against a
 *       {@code dense(1024)} on 1024 inputs;</li>
 *   <li>the training step (forward, loss, backward, Adam) of the networks of the lab's e8 at batch
 *       128: the per-epoch times of e8 itself are single measurements, easily doubled by other load.</li>
 * </ol>
 * Each figure is the best of several timed rounds of at least {@code --seconds} (default 0.3 s)
 * after a warm-up, since the machine may be shared: the best round is the least disturbed one. The
 * load average is printed with the results.
 * <pre>
 *   FastTransformBench [--threads 1] [--seconds 0.3] [--rounds 7] [--json FILE]
 * </pre>
 */
public final class FastTransformBench {
    /** Networks of the lab's e8 (name, spec), W1 first. */
    static final String[][] E8_NETWORKS = {
        {"W1", Presets.MLP},
        {"linear", "flatten dense(10)"},
        {"mlp-28", "flatten dense(28) relu dense(10)"},
        {"hadamard-switch", "flatten signs(seed=1) hadamard switch_diag dense(10)"},
        {"switchnet-2x1024", "flatten switchnet(depth=2,seed=1) dense(10)"},
        {"switchnet-2x2048", "flatten switchnet(depth=2,width=2048,seed=1) dense(10)"},
        {"switchnet-2x4096", "flatten switchnet(depth=2,width=4096,seed=1) dense(10)"},
        {"fastfood-1024", "flatten fastfood(seed=1) relu dense(10)"},
        {"fastfood-2048", "flatten fastfood(width=2048,seed=1) relu dense(10)"},
        {"circulant-1024", "flatten circulant relu dense(10)"},
    };

    private final double seconds;
    private final int rounds;

    private FastTransformBench(double seconds, int rounds) {
        this.seconds = seconds;
        this.rounds = rounds;
    }

    /** Best calls per second of body over the rounds. */
    private double rate(Runnable body) {
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < 1e9 * Math.max(0.5, seconds)) body.run();
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime(), calls = 0;
            long t;
            do {
                body.run();
                calls++;
                t = System.nanoTime();
            } while (t - t0 < seconds * 1e9);
            best = Math.max(best, calls / ((t - t0) / 1e9));
        }
        return best;
    }

    private static float[] random(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    /** Transforms per second of one kernel set at length L. */
    private double whtRate(Kernels k, int size) {
        float[] x = random(size, size);
        // the normalised transform keeps the values bounded however often it runs
        return rate(() -> k.wht(x, 0, 1, size, true));
    }

    private double fftRate(int size) {
        RealFft fft = new RealFft(size);
        float[] x = random(size, size), re = new float[fft.bins()], im = new float[fft.bins()];
        return rate(() -> fft.forward(x, 0, re, im, 0));
    }

    /** Microseconds per forward + backward of one layer at batch N. */
    private double layerMicros(String spec, int inputs, int batch) {
        Model model = Model.of(Shape.vector(inputs), LayerSpecParser.parse(spec), 1);
        Layer layer = model.layers().get(0);
        Tensor x = new Tensor(random(batch * inputs, 3), batch, inputs);
        Tensor dOut = new Tensor(random(batch * layer.outputShape().size(), 4), batch, layer.outputShape().size());
        return 1e6 / rate(() -> {
            layer.forward(x, true);
            layer.backward(dOut);
        });
    }

    /**
     * Microseconds per training step of a whole network at batch N: forward, fused softmax +
     * cross-entropy, zeroed gradients, backward, Adam step (the trainer's step without data gathering).
     */
    private double stepMicros(String spec, int batch) {
        Model model = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(spec), 1);
        Tensor x = new Tensor(random(batch * 784, 5), batch, 1, 28, 28);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Adam adam = Adam.adam(1e-4);
        return 1e6 / rate(() -> {
            SoftmaxCrossEntropy.Result r = loss.forwardBackward(model.forward(x, true), labels);
            model.zeroGrad();
            model.backward(r.dLogits());
            adam.step(model.parameters());
        });
    }

    public static void main(String[] args) throws IOException {
        int threads = 1, rounds = 7;
        double seconds = 0.3;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; use --threads N --seconds S --rounds N --json FILE");
            }
        }
        Parallel.setThreads(threads);
        FastTransformBench b = new FastTransformBench(seconds, rounds);
        Kernels chosen = KernelProvider.kernels();
        Kernels scalar = KernelProvider.choose("scalar").kernels();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("java", System.getProperty("java.version"));
        meta.put("kernels", KernelProvider.choice().reason());
        meta.put("threads", threads);
        meta.put("loadavg_before", loadAverage());
        out.put("meta", meta);
        System.out.printf(Locale.ROOT, "fast transforms: %s, %d thread(s), best of %d rounds of %.1f s, load %s%n",
                KernelProvider.choice().reason(), threads, rounds, seconds, loadAverage());

        Map<String, Object> wht = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "%-28s %16s %16s %12s%n", "transform", chosen.name(), "scalar", "speed-up");
        for (int size : new int[] {1024, 65536}) {
            double v = b.whtRate(chosen, size), s = b.whtRate(scalar, size);
            System.out.printf(Locale.ROOT, "%-28s %14.0f/s %14.0f/s %11.1fx%n", "WHT L=" + size, v, s, v / s);
            wht.put("L" + size + "_per_second", v);
            wht.put("L" + size + "_scalar_per_second", s);
            // L log2 L additions per transform
            wht.put("L" + size + "_gflops", v * size * Integer.numberOfTrailingZeros(size) / 1e9);
        }
        out.put("wht", wht);
        Map<String, Object> fft = new LinkedHashMap<>();
        for (int size : new int[] {1024, 65536}) {
            double f = b.fftRate(size);
            System.out.printf(Locale.ROOT, "%-28s %14.0f/s%n", "real FFT L=" + size, f);
            fft.put("L" + size + "_per_second", f);
        }
        out.put("real_fft", fft);

        int batch = 128, width = 1024;
        System.out.printf(Locale.ROOT, "%nlayer forward+backward, batch %d, 1024 inputs%n%-40s %12s %12s%n", batch, "layer", "us", "dense / layer");
        List<String> specs = new ArrayList<>(List.of("dense(1024)", "hadamard", "signs(seed=1)", "diag", "switch_diag",
                "circulant", "fastfood(seed=1)", "switchnet(depth=1,seed=1)", "switchnet(depth=2,seed=1)"));
        Map<String, Object> layers = new LinkedHashMap<>();
        double dense = 0;
        for (String spec : specs) {
            double us = b.layerMicros(spec, width, batch);
            if (dense == 0) dense = us;
            System.out.printf(Locale.ROOT, "%-40s %12.1f %12.1f%n", spec, us, dense / us);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("microseconds", us);
            m.put("dense_over_layer", dense / us);
            layers.put(spec, m);
        }
        out.put("layers_batch128_width1024", layers);

        // whole e8 networks: one training step; an epoch of 60000 images is 469 steps
        System.out.printf(Locale.ROOT, "%ntraining step (forward, loss, backward, Adam), batch %d, e8 networks%n%-24s %10s %12s %10s%n",
                batch, "network", "us/step", "s/epoch est", "W1 / net");
        Map<String, Object> steps = new LinkedHashMap<>();
        double w1 = 0;
        for (String[] net : E8_NETWORKS) {
            double us = b.stepMicros(net[1], batch);
            if (w1 == 0) w1 = us;
            System.out.printf(Locale.ROOT, "%-24s %10.0f %12.2f %10.1f%n", net[0], us, us * 469 / 1e6, w1 / us);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("spec", net[1]);
            m.put("microseconds_per_step", us);
            m.put("seconds_per_epoch_estimate", us * 469 / 1e6);
            m.put("w1_over_network", w1 / us);
            steps.put(net[0], m);
        }
        out.put("training_step_batch128", steps);
        meta.put("loadavg_after", loadAverage());
        System.out.println("load after: " + loadAverage());
        if (json != null) Bench.writeJson(json, out);
    }

    /** The 1, 5 and 15 minute load averages, to judge timings on a shared machine. */
    static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
