package org.relunet.inspect;

/**
 * A picture of the activation regions of a network over a plane of its input space: the region id
 * (0, 1, 2, ... in the order pixels are met) and the predicted class at each pixel centre, row 0 at
 * the top. Same id means same activation pattern, so the same affine map. Pixels sample the plane,
 * so regions thinner than a pixel can be missed; {@link LinearRegions#alongSegment} counts exactly.
 * {@link Palette#regions} colours it.
 */
public final class RegionMap {
    private final int[][] ids;         // (height, width)
    private final int[][] predicted;   // (height, width)
    private final int regions;
    private final double uMin, uMax, vMin, vMax;

    RegionMap(int[][] ids, int[][] predicted, int regions, double uMin, double uMax, double vMin, double vMax) {
        this.ids = ids;
        this.predicted = predicted;
        this.regions = regions;
        this.uMin = uMin;
        this.uMax = uMax;
        this.vMin = vMin;
        this.vMax = vMax;
    }

    public int width() { return ids[0].length; }

    public int height() { return ids.length; }

    /** Distinct activation patterns seen at pixel centres. */
    public int regions() { return regions; }

    /** Region id of pixel (row, col). */
    public int id(int row, int col) { return ids[row][col]; }

    /** Predicted class (arg-max output) at pixel (row, col). */
    public int predicted(int row, int col) { return predicted[row][col]; }

    /** A copy of the region ids, (height, width). */
    public int[][] ids() {
        int[][] c = new int[ids.length][];
        for (int r = 0; r < ids.length; r++) c[r] = ids[r].clone();
        return c;
    }

    /** Pixels whose right or lower neighbour lies in another region: the region boundaries. */
    public boolean[][] boundaries() { return edges(ids); }

    /** Pixels whose right or lower neighbour has another predicted class: the decision boundary. */
    public boolean[][] decisionBoundary() { return edges(predicted); }

    private static boolean[][] edges(int[][] a) {
        int h = a.length, w = a[0].length;
        boolean[][] e = new boolean[h][w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                e[r][c] = (c + 1 < w && a[r][c + 1] != a[r][c]) || (r + 1 < h && a[r + 1][c] != a[r][c]);
            }
        }
        return e;
    }

    /** The plane's coordinate range: u across (left to right), v up (bottom to top). */
    public double uMin() { return uMin; }

    public double uMax() { return uMax; }

    public double vMin() { return vMin; }

    public double vMax() { return vMax; }
}
