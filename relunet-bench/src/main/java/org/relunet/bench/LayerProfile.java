package org.relunet.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.relunet.data.Dataset;
import org.relunet.data.FashionMnist;
import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Parallel;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.Layer;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Tensor;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;

/**
 * Where a training step spends its time: each layer's forward and backward, the loss and the
 * optimiser step, timed one call at a time over many steps of random data (not a unit test).
 * Prints the minimum and the median per part; on a shared machine the minimum is the steadier figure.
 * With {@code fashion} as the fifth argument the data are Fashion-MNIST training batches instead,
 * after one epoch of training (as W1/W2 train), and each layer's input and output-gradient density
 * (fraction of nonzeros) is printed too: uniform random data has no zeros for {@code Dense} to skip.
 * <pre>
 * java --add-modules jdk.incubator.vector -cp relunet-core/target/classes:relunet-bench/target/classes \
 *     org.relunet.bench.LayerProfile [cnn|mlp] [batch] [steps] [threads] [random|fashion]
 * </pre>
 */
public final class LayerProfile {
    private LayerProfile() {}

    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "cnn";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        boolean fashion = args.length > 4 && args[4].equals("fashion");
        Parallel.setThreads(threads);
        Model model = preset.equals("mlp") ? Presets.mlp(0) : Presets.cnn(0);
        List<Layer> layers = model.layers();
        int count = layers.size();
        Tensor[] xs;
        int[][] labelSets;
        if (fashion) {
            Dataset train = FashionMnist.findOrEmbedded(null).loadTrain();
            new Trainer(model, new Sgd(0.05, 0.9), new TrainingConfig(1, batch, 0)).fit(train, null);
            int batches = Math.min(train.size() / batch, 64);
            int[] order = new int[train.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            xs = new Tensor[batches];
            labelSets = new int[batches][batch];
            for (int b = 0; b < batches; b++) {
                xs[b] = Tensor.zeros(batch, model.inputShape());
                train.gather(order, b * batch, batch, xs[b], labelSets[b]);
            }
        } else {
            Rng rng = new Rng(1);
            xs = new Tensor[] {Tensor.zeros(batch, model.inputShape())};
            for (int i = 0; i < xs[0].size(); i++) xs[0].data[i] = (float) rng.nextDouble();
            labelSets = new int[1][batch];
            for (int i = 0; i < batch; i++) labelSets[0][i] = i % 10;
        }
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Sgd sgd = new Sgd(0.01, 0.9);
        int warmup = Math.max(10, steps / 2);
        long[][] fwd = new long[count][steps], bwd = new long[count][steps];
        long[] lossT = new long[steps], stepT = new long[steps], total = new long[steps];
        double[] inDensity = new double[count], gradDensity = new double[count];
        for (int s = -warmup; s < steps; s++) {
            Tensor x = xs[Math.floorMod(s, xs.length)];
            int[] labels = labelSets[Math.floorMod(s, xs.length)];
            long t0 = System.nanoTime();
            Tensor t = x;
            for (int l = 0; l < count; l++) {
                if (s == 0) inDensity[l] = density(t);
                long a = System.nanoTime();
                t = layers.get(l).forward(t, true);
                if (s >= 0) fwd[l][s] = System.nanoTime() - a;
            }
            long a = System.nanoTime();
            SoftmaxCrossEntropy.Result r = loss.forwardBackward(t, labels);
            model.zeroGrad();
            if (s >= 0) lossT[s] = System.nanoTime() - a;
            Tensor g = r.dLogits();
            for (int l = count - 1; l >= 0 && g != null; l--) {
                if (s == 0) gradDensity[l] = density(g);
                a = System.nanoTime();
                g = layers.get(l).backward(g);
                if (s >= 0) bwd[l][s] = System.nanoTime() - a;
            }
            a = System.nanoTime();
            sgd.step(model.parameters());
            if (s >= 0) {
                stepT[s] = System.nanoTime() - a;
                total[s] = System.nanoTime() - t0;
            }
        }
        System.out.printf(Locale.ROOT, "%s batch %d, %d threads, %s, %s data, %d steps after %d warm-up; load %s%n",
                preset, batch, threads, KernelProvider.choice().reason(), fashion ? "Fashion-MNIST (after 1 epoch)" : "random",
                steps, warmup, loadAverage());
        System.out.printf(Locale.ROOT, "%-3s %-22s %10s %10s %10s %10s %8s %8s%n", "#", "layer", "fwd min", "fwd med", "bwd min",
                "bwd med", "x nz", "dOut nz");
        double sumMin = 0;
        for (int l = 0; l < count; l++) {
            System.out.printf(Locale.ROOT, "%-3d %-22s %10.3f %10.3f %10.3f %10.3f %8.3f %8.3f%n", l, layers.get(l).spec().text(),
                    min(fwd[l]), median(fwd[l]), min(bwd[l]), median(bwd[l]), inDensity[l], gradDensity[l]);
            sumMin += min(fwd[l]) + min(bwd[l]);
        }
        System.out.printf(Locale.ROOT, "    %-22s %10.3f %10.3f%n", "loss + zeroGrad", min(lossT), median(lossT));
        System.out.printf(Locale.ROOT, "    %-22s %10.3f %10.3f%n", "sgd step", min(stepT), median(stepT));
        sumMin += min(lossT) + min(stepT);
        System.out.printf(Locale.ROOT, "    %-22s %10.3f %10.3f   (sum of part minima %.3f ms)%n", "whole step",
                min(total), median(total), sumMin);
    }

    /** Fraction of entries that are not exactly zero. */
    private static double density(Tensor t) {
        long nonzero = 0;
        for (int i = 0; i < t.size(); i++) if (t.data[i] != 0f) nonzero++;
        return (double) nonzero / t.size();
    }

    private static double min(long[] ns) { return Arrays.stream(ns).min().orElse(0) / 1e6; }

    private static double median(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
