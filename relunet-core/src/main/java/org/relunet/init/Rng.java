package org.relunet.init;

/**
 * A small, fast, seedable generator (SplitMix64, Steele, Lea and Flood 2014) whose whole state is
 * one {@code long}, so training can save it in a checkpoint and resume bit for bit. Every random
 * draw in relunet takes one of these explicitly; there is no global generator.
 */
public final class Rng {
    private long state;

    public Rng(long seed) { this.state = seed; }

    /** The whole generator state; {@code new Rng(0).setState(s)} continues exactly where this one is. */
    public long state() { return state; }

    public void setState(long state) { this.state = state; }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() { return (nextLong() >>> 40) * 0x1.0p-24f; }

    /** Uniform integer in [0, bound), without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long r = nextLong() >>> 1;
        long m = bound - 1L;
        if ((bound & m) == 0) return (int) (r & m);
        for (long u = r; u - (r = u % bound) + m < 0; u = nextLong() >>> 1) {
            // rejection loop (as in java.util.Random) so every value is equally likely
        }
        return (int) r;
    }

    /** Standard normal by the Box-Muller transform (one value per call, no cached spare, so state is one long). */
    public double nextGaussian() {
        double u1 = nextDouble();
        double u2 = nextDouble();
        if (u1 < 1e-300) u1 = 1e-300;
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** A new generator whose stream is independent of this one's continuation (for a sub-task). */
    public Rng split() { return new Rng(nextLong()); }

    /** Shuffles the array in place (Fisher-Yates). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
