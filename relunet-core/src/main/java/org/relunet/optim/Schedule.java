package org.relunet.optim;

/**
 * A learning-rate schedule: the factor applied to the base rate at a point of training, given as
 * fractional epochs done ({@code epoch + batch / batchesPerEpoch}) out of the total.
 */
public sealed interface Schedule {

    /** Factor in (0, 1] at {@code progress} epochs of {@code totalEpochs}. */
    double factor(double progress, int totalEpochs);

    /** The text form: {@code constant}, {@code step(every=10,gamma=0.1)}, {@code cosine(min=0)}. */
    String describe();

    /** The base rate throughout. */
    record Constant() implements Schedule {
        @Override public double factor(double progress, int totalEpochs) { return 1.0; }
        @Override public String describe() { return "constant"; }
    }

    /** Multiplies the rate by gamma every {@code everyEpochs} whole epochs. */
    record Step(int everyEpochs, double gamma) implements Schedule {
        public Step {
            if (everyEpochs < 1) throw new IllegalArgumentException("step schedule needs every >= 1, got " + everyEpochs);
            if (!(gamma > 0 && gamma <= 1)) throw new IllegalArgumentException("step schedule gamma must be in (0, 1], got " + gamma);
        }
        @Override public double factor(double progress, int totalEpochs) { return Math.pow(gamma, Math.floor(progress / everyEpochs)); }
        @Override public String describe() { return "step(every=" + everyEpochs + ",gamma=" + gamma + ")"; }
    }

    /** Cosine annealing (Loshchilov and Hutter 2017) from 1 to {@code minFactor} over the whole run, per batch. */
    record Cosine(double minFactor) implements Schedule {
        public Cosine {
            if (!(minFactor >= 0 && minFactor <= 1)) throw new IllegalArgumentException("cosine min factor must be in [0, 1], got " + minFactor);
        }
        @Override public double factor(double progress, int totalEpochs) {
            double t = Math.min(1.0, progress / totalEpochs);
            return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * t));
        }
        @Override public String describe() { return "cosine(min=" + minFactor + ")"; }
    }

    /** Parses {@code constant}, {@code step}, {@code step(every=N,gamma=G)}, {@code cosine}, {@code cosine(min=F)}. */
    static Schedule parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        try {
            if (t.equals("constant")) return new Constant();
            if (t.equals("cosine")) return new Cosine(0);
            if (t.startsWith("cosine(min=") && t.endsWith(")")) return new Cosine(Double.parseDouble(t.substring(11, t.length() - 1)));
            if (t.equals("step")) return new Step(10, 0.1);
            if (t.startsWith("step(") && t.endsWith(")")) {
                int every = 10;
                double gamma = 0.1;
                for (String part : t.substring(5, t.length() - 1).split(",")) {
                    String[] kv = part.split("=");
                    if (kv.length != 2) throw new IllegalArgumentException("bad argument '" + part + "'");
                    switch (kv[0]) {
                        case "every" -> every = Integer.parseInt(kv[1]);
                        case "gamma" -> gamma = Double.parseDouble(kv[1]);
                        default -> throw new IllegalArgumentException("unknown argument '" + kv[0] + "'");
                    }
                }
                return new Step(every, gamma);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in schedule '" + text + "'");
        }
        throw new IllegalArgumentException("unknown schedule '" + text + "'; use constant, step(every=N,gamma=G) or cosine(min=F)");
    }
}
