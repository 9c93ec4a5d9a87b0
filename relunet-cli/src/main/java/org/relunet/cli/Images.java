package org.relunet.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.relunet.data.Idx;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Turns a picture (PNG, or any format {@link ImageIO} reads) into what a Fashion-MNIST model
 * expects: one grey channel, H x W pixels, values in [0, 1] (0 black, 1 white).
 * <ul>
 *   <li>Colour becomes luminance {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601); transparent
 *       pixels count as black, the background of Fashion-MNIST.</li>
 *   <li>Another size is resampled by area averaging: each output pixel is the mean of the input
 *       area it covers (fractional pixels weighted by their overlap), which neither aliases when
 *       shrinking nor needs a special case when enlarging.</li>
 * </ul>
 */
final class Images {
    private Images() {}

    /** A grey image scaled to [0, 1]: (height, width) row-major. */
    record Grey(int width, int height, float[] pixels) {
        double mean() {
            double s = 0;
            for (float p : pixels) s += p;
            return s / pixels.length;
        }
    }

    /** Reads an image file, or returns null when no installed reader knows the format. */
    static Grey read(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) return null;
        int w = image.getWidth(), h = image.getHeight();
        float[] grey = new float[w * h];
        boolean alpha = image.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                double a = alpha ? ((argb >>> 24) & 0xFF) / 255.0 : 1.0;
                double r = (argb >> 16) & 0xFF, g = (argb >> 8) & 0xFF, b = argb & 0xFF;
                grey[y * w + x] = (float) (a * (0.299 * r + 0.587 * g + 0.114 * b) / 255.0);
            }
        }
        return new Grey(w, h, grey);
    }

    /** Whether a file starts like an IDX file: two zero bytes, or a gzip header (a compressed IDX file). */
    static boolean isIdx(Path p) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(head, 0, 4);
        }
        // IDX starts with two zero bytes; gzip (a compressed IDX file) with 1f 8b.
        return n >= 2 && ((head[0] == 0 && head[1] == 0) || ((head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b));
    }

    /** {@link #read} for a command's input: an unreadable or unknown picture is a user error naming the file and the formats. */
    static Grey readInput(Path file) {
        Grey grey;
        try {
            grey = read(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read the picture (" + e.getMessage() + "); give a PNG, JPEG, GIF or BMP file", e);
        }
        if (grey == null) throw new UserError(file + ": neither an IDX images file nor a picture Java can read; give a PNG, JPEG, GIF or BMP file");
        return grey;
    }

    /** All images of an IDX file (N, C, H, W), which must have the model's input shape. */
    static Tensor readIdx(Path file, Shape shape) {
        Tensor images = Idx.readImages(file);
        if (!images.sampleShape().equals(shape)) {
            throw new UserError(file + ": holds images of shape " + images.sampleShape() + " but the model expects " + shape
                    + "; use a model trained on such images");
        }
        return images;
    }

    /** Area-averaging resample to {@code outW x outH}. */
    static Grey resize(Grey in, int outW, int outH) {
        if (in.width() == outW && in.height() == outH) return in;
        float[] out = new float[outW * outH];
        double sx = (double) in.width() / outW, sy = (double) in.height() / outH;
        for (int oy = 0; oy < outH; oy++) {
            double y0 = oy * sy, y1 = y0 + sy;
            for (int ox = 0; ox < outW; ox++) {
                double x0 = ox * sx, x1 = x0 + sx;
                double sum = 0, area = 0;
                for (int y = (int) Math.floor(y0); y < Math.min(in.height(), (int) Math.ceil(y1)); y++) {
                    double wy = Math.min(y + 1, y1) - Math.max(y, y0);
                    for (int x = (int) Math.floor(x0); x < Math.min(in.width(), (int) Math.ceil(x1)); x++) {
                        double wx = Math.min(x + 1, x1) - Math.max(x, x0);
                        sum += wx * wy * in.pixels()[y * in.width() + x];
                        area += wx * wy;
                    }
                }
                out[oy * outW + ox] = (float) (sum / area);
            }
        }
        return new Grey(outW, outH, out);
    }

    /** 1 - p for every pixel: dark-on-light pictures to Fashion-MNIST's light-on-dark. */
    static Grey invert(Grey in) {
        float[] out = new float[in.pixels().length];
        for (int i = 0; i < out.length; i++) out[i] = 1f - in.pixels()[i];
        return new Grey(in.width(), in.height(), out);
    }
}
