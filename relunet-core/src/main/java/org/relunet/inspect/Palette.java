package org.relunet.inspect;

/**
 * Colours for the inspection pictures as packed 0xRRGGBB pixels, (height, width), so a caller
 * outside the core can write them with {@code javax.imageio} or draw them in a report; the core
 * itself writes no image files.
 */
public final class Palette {
    private Palette() {}

    /**
     * A diverging map for signed values such as a row of W_eff: blue for negative, white for 0,
     * red for positive, scaled by the largest |value| so the picture is symmetric about 0.
     */
    public static int[][] diverging(double[][] values) {
        double max = 0;
        for (double[] row : values) for (double v : row) if (Double.isFinite(v)) max = Math.max(max, Math.abs(v));
        int[][] rgb = new int[values.length][];
        for (int r = 0; r < values.length; r++) {
            rgb[r] = new int[values[r].length];
            for (int c = 0; c < values[r].length; c++) {
                double a = max == 0 || !Double.isFinite(values[r][c]) ? 0 : values[r][c] / max;   // [-1, 1]
                int fade = (int) Math.round(255 * (1 - Math.abs(a)));
                rgb[r][c] = a >= 0 ? pack(255, fade, fade) : pack(fade, fade, 255);
            }
        }
        return rgb;
    }

    /**
     * Region map colours: each region id a distinct hue (golden-angle steps, so neighbouring ids
     * differ), boundaries between regions dark grey, and the decision boundary black.
     */
    public static int[][] regions(RegionMap map) {
        boolean[][] edge = map.boundaries(), decision = map.decisionBoundary();
        int[][] rgb = new int[map.height()][map.width()];
        for (int r = 0; r < map.height(); r++) {
            for (int c = 0; c < map.width(); c++) {
                if (decision[r][c]) rgb[r][c] = 0x000000;
                else if (edge[r][c]) rgb[r][c] = 0x505050;
                else rgb[r][c] = hue(map.id(r, c));
            }
        }
        return rgb;
    }

    /** A light colour for id: hue advanced by the golden angle, saturation and value alternating a little. */
    static int hue(int id) {
        double h = (id * 0.6180339887498949) % 1.0;
        double s = 0.35 + 0.15 * (id % 3), v = 0.95 - 0.08 * (id % 2);
        int i = (int) (h * 6);
        double f = h * 6 - i, p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
        double r, g, b;
        switch (i % 6) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        return pack((int) Math.round(r * 255), (int) Math.round(g * 255), (int) Math.round(b * 255));
    }

    private static int pack(int r, int g, int b) { return (r << 16) | (g << 8) | b; }
}
