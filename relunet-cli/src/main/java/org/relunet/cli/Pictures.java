package org.relunet.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/**
 * Writes the inspection pictures (heat maps of W_eff, region maps) as PNG files: packed 0xRRGGBB
 * pixels from {@link org.relunet.inspect.Palette}, each pixel drawn as a {@code scale x scale}
 * block so a 28x28 map is big enough to look at.
 */
final class Pictures {
    private Pictures() {}

    /** Writes rgb (height, width) scaled up by {@code scale}, atomically; an I/O problem is a user error naming the flag. */
    static void writePng(Path file, int[][] rgb, int scale, String flag) {
        int h = rgb.length, w = rgb[0].length;
        BufferedImage image = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) image.setRGB(x, y, rgb[y / scale][x / scale]);
        }
        Path absolute = file.toAbsolutePath();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(absolute.getParent());
            ImageIO.write(image, "png", tmp.toFile());
            Files.move(tmp, absolute, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw new UserError(flag + " " + file.getParent() + ": cannot write " + file.getFileName() + " (" + e.getMessage() + "); choose a writable directory", e);
        }
    }

    /** Grey values in [0, 1] (height x width, row-major) as packed RGB. */
    static int[][] grey(float[] pixels, int height, int width) {
        int[][] rgb = new int[height][width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int g = Math.round(255 * Math.max(0f, Math.min(1f, pixels[y * width + x])));
                rgb[y][x] = (g << 16) | (g << 8) | g;
            }
        }
        return rgb;
    }
}
