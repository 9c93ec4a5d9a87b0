package org.relunet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.relunet.tensor.Tensor;

class IdxTest {
    @TempDir Path dir;

    /** (3, 1, 4, 5) images whose pixels run through 0..255 so every byte value's scaling is exercised. */
    private static Tensor images() {
        float[] pixels = new float[3 * 4 * 5];
        for (int i = 0; i < pixels.length; i++) pixels[i] = ((i * 37) % 256) / 255f;
        pixels[0] = 0f;
        pixels[1] = 1f;
        return new Tensor(pixels, 3, 1, 4, 5);
    }

    /** A well-formed images file's bytes: header (N=3, H=4, W=5) then 60 pixels. */
    private static byte[] goodImagesBytes() throws IOException {
        byte[] pixels = new byte[60];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 37);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.write(out, new IdxArray(new int[] {3, 4, 5}, pixels));
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** Runs a read that must fail and checks the one-line message names the file and the problem. */
    private static DataException fails(Path file, Executable read, String problem) {
        DataException e = assertThrows(DataException.class, read);
        String message = e.getMessage();
        assertTrue(message.startsWith(file.toString() + ": "), message);
        assertTrue(e.problem().contains(problem), "expected '" + problem + "' in: " + message);
        assertFalse(e.fix().isBlank(), message);
        assertFalse(message.contains("\n"), message);
        return e;
    }

    @Test
    void imagesRoundTripRawAndGzip() {
        Tensor images = images();
        for (Idx.Compression compression : Idx.Compression.values()) {
            Path file = dir.resolve("images-" + compression);
            Idx.writeImages(file, images, compression);
            Tensor back = Idx.readImages(file);
            assertArrayEquals(new int[] {3, 1, 4, 5}, back.shape());
            assertArrayEquals(images.data, back.data, compression.toString()); // exact: p/255 survives the byte round trip
            IdxArray raw = Idx.read(file);
            assertArrayEquals(new int[] {3, 4, 5}, raw.dims());
            assertEquals(255, raw.unsigned(1));
        }
    }

    @Test
    void gzipIsDetectedFromTheBytesNotTheName() throws IOException {
        Path gzipWithoutSuffix = file("images.idx", gzip(goodImagesBytes()));
        Path rawWithGzSuffix = file("images.idx.gz", goodImagesBytes());
        assertArrayEquals(Idx.readImages(gzipWithoutSuffix).data, Idx.readImages(rawWithGzSuffix).data);
        assertEquals(3, Idx.readImages(gzipWithoutSuffix).batch());
    }

    @Test
    void labelsRoundTripRawAndGzip() {
        int[] labels = {0, 9, 3, 255, 7, 1};
        for (Idx.Compression compression : Idx.Compression.values()) {
            Path file = dir.resolve("labels-" + compression);
            Idx.writeLabels(file, labels, compression);
            assertArrayEquals(labels, Idx.readLabels(file));
        }
    }

    @Test
    void readsAnyRankAndStreams() throws IOException {
        byte[] values = {1, 2, 3, 4, 5, (byte) 200};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.write(out, new IdxArray(new int[] {2, 3}, values));
        IdxArray back = Idx.read(new ByteArrayInputStream(gzip(out.toByteArray())), "memory");
        assertArrayEquals(new int[] {2, 3}, back.dims());
        assertArrayEquals(values, back.values());
        assertEquals(200, back.unsigned(5));
    }

    @Test
    void badMagic() throws IOException {
        byte[] bytes = goodImagesBytes();
        bytes[0] = 0x12;
        Path file = file("bad-magic", bytes);
        DataException e = fails(file, () -> Idx.readImages(file), "bad magic number 0x12000803");
        assertTrue(e.problem().contains("expected 0x00000803"), e.getMessage());
    }

    @Test
    void wrongTypeByte() throws IOException {
        byte[] bytes = goodImagesBytes();
        bytes[2] = 0x0D;
        Path file = file("float-type", bytes);
        fails(file, () -> Idx.readImages(file), "element type 0x0D (float32)");
        fails(file, () -> Idx.read(file), "expected 0x08 (unsigned byte)");
    }

    @Test
    void labelsFileReadAsImagesAndBack() throws IOException {
        Path labels = dir.resolve("labels");
        Idx.writeLabels(labels, new int[] {1, 2, 3}, Idx.Compression.NONE);
        DataException e = fails(labels, () -> Idx.readImages(labels), "declares 1 dimension(s)");
        assertTrue(e.fix().contains("swapped"), e.getMessage());
        Path images = file("images", goodImagesBytes());
        fails(images, () -> Idx.readLabels(images), "declares 3 dimension(s), labels need 1 (magic 0x00000801)");
    }

    @Test
    void zeroDimensionsAndZeroSizedDimension() throws IOException {
        Path noDims = file("no-dims", new byte[] {0, 0, 8, 0});
        fails(noDims, () -> Idx.read(noDims), "declares 0 dimensions");
        byte[] bytes = goodImagesBytes();
        bytes[11] = 0; // H = 0 (bytes 8..11 hold dimension 1)
        Path zero = file("zero-height", Arrays.copyOf(bytes, 16));
        fails(zero, () -> Idx.readImages(zero), "dimension 1 of 3 is 0");
    }

    @Test
    void truncatedPixelDataRawAndGzip() throws IOException {
        byte[] cut = Arrays.copyOf(goodImagesBytes(), 16 + 10);
        Path raw = file("cut", cut);
        fails(raw, () -> Idx.readImages(raw), "truncated: header promises 60 pixel bytes (3 x 4 x 5), data has 10");
        Path gz = file("cut.gz", gzip(cut));
        fails(gz, () -> Idx.readImages(gz), "data has 10 after decompression");
    }

    @Test
    void truncatedGzipStream() throws IOException {
        byte[] compressed = gzip(goodImagesBytes());
        Path file = file("cut-stream.gz", Arrays.copyOf(compressed, compressed.length - 12));
        fails(file, () -> Idx.readImages(file), "truncated gzip data");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path shortDims = file("short-dims", Arrays.copyOf(goodImagesBytes(), 10));
        fails(shortDims, () -> Idx.readImages(shortDims), "truncated header: magic 0x00000803 promises 3 dimension(s) (12 bytes), only 6 follow");
        Path shortMagic = file("short-magic", new byte[] {0, 0});
        fails(shortMagic, () -> Idx.readLabels(shortMagic), "truncated header: the 4-byte magic number stops after 2 byte(s)");
    }

    @Test
    void emptyFile() throws IOException {
        Path empty = file("empty", new byte[0]);
        fails(empty, () -> Idx.readImages(empty), "empty file (0 bytes)");
        Path emptyGzip = file("empty.gz", gzip(new byte[0]));
        fails(emptyGzip, () -> Idx.readImages(emptyGzip), "empty file (0 bytes after decompression)");
    }

    @Test
    void trailingBytesRawAndGzip() throws IOException {
        byte[] good = goodImagesBytes();
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        Path raw = file("trailing", longer);
        fails(raw, () -> Idx.readImages(raw), "3 trailing byte(s) after the 60 pixel bytes the header promises (3 x 4 x 5)");
        Path gz = file("trailing.gz", gzip(longer));
        fails(gz, () -> Idx.read(gz), "3 trailing byte(s)");
    }

    @Test
    void missingFileAndDirectory() {
        Path missing = dir.resolve("nope-idx3-ubyte.gz");
        fails(missing, () -> Idx.readImages(missing), "no such file");
        fails(dir, () -> Idx.readLabels(dir), "is a directory");
    }

    @Test
    void writerRejectsValuesItCannotStore() {
        Tensor outOfRange = new Tensor(new float[] {0f, 1.5f}, 1, 1, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> Idx.writeImages(dir.resolve("x"), outOfRange, Idx.Compression.NONE));
        assertThrows(IllegalArgumentException.class, () -> Idx.writeLabels(dir.resolve("y"), new int[] {256}, Idx.Compression.NONE));
        assertThrows(IllegalArgumentException.class, () -> new IdxArray(new int[] {2, 2}, new byte[3]));
    }
}
