package org.relunet.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.relunet.tensor.Tensor;

/**
 * Reads and writes IDX files, the format of MNIST and Fashion-MNIST
 * (LeCun, Cortes and Burges, http://yann.lecun.com/exdb/mnist/):
 *
 * <pre>
 *   offset   bytes  content
 *   0        2      0x00 0x00
 *   2        1      element type: 0x08 unsigned byte (the only type read here),
 *                   0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   3        1      number of dimensions D
 *   4        4*D    the dimensions, big-endian 32-bit, outermost first
 *   4+4*D    ...    the values, row-major
 * </pre>
 *
 * An images file is therefore magic {@code 0x00000803} with dimensions {@code (N, H, W)}, a labels
 * file {@code 0x00000801} with {@code (N)}. Files may be gzip-compressed; compression is detected by
 * the gzip magic bytes {@code 0x1f 0x8b}, never by the file name.
 *
 * <p>The reader checks everything the header promises against what the file holds: the two zero
 * bytes, the type byte, the dimension count, positive dimensions, the payload length (truncation)
 * and that nothing follows it (trailing bytes). Every failure is a {@link DataException} naming the
 * file, the problem and a fix. The stream readers read to the end of the stream, to see trailing
 * bytes, and leave closing it to the caller.
 */
public final class Idx {
    /** The element type byte for unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;
    /** Magic number of an images file: unsigned bytes, 3 dimensions (N, H, W). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a labels file: unsigned bytes, 1 dimension (N). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int BUFFER = 1 << 16;
    private static final String REDOWNLOAD = "re-download or regenerate the file";

    /** {@code b / 255f} for every unsigned byte b, so scaling is one table look-up and exact. */
    private static final float[] UNIT_SCALE = new float[256];
    static {
        for (int b = 0; b < 256; b++) UNIT_SCALE[b] = b / 255f;
    }

    /** Whether {@link #write} compresses; reading never needs to be told. */
    public enum Compression { NONE, GZIP }

    private Idx() {}

    // ---------------------------------------------------------------- reading

    /** Reads an unsigned-byte IDX file of any rank, raw or gzip. */
    public static IdxArray read(Path file) {
        return withFile(file, in -> read(in, file.toString()));
    }

    /** Reads an unsigned-byte IDX stream of any rank, raw or gzip; {@code source} names it in messages. */
    public static IdxArray read(InputStream in, String source) {
        return parse(in, source, Kind.ANY, (data, header) -> {
            byte[] values = new byte[header.count()];
            readPayload(data, header, source, (buffer, offset, length) -> System.arraycopy(buffer, 0, values, offset, length));
            return new IdxArray(header.dims(), values);
        });
    }

    /**
     * Reads an images file (magic 0x00000803, dimensions (N, H, W)) as a tensor (N, 1, H, W) of
     * float32 pixel values scaled from 0..255 to [0, 1] by {@code p / 255}.
     */
    public static Tensor readImages(Path file) {
        return withFile(file, in -> readImages(in, file.toString()));
    }

    /** {@link #readImages(Path)} from a stream; {@code source} names it in messages. */
    public static Tensor readImages(InputStream in, String source) {
        return parse(in, source, Kind.IMAGES, (data, header) -> {
            float[] pixels = new float[header.count()]; // (N, 1, H, W)
            readPayload(data, header, source, (buffer, offset, length) -> {
                for (int i = 0; i < length; i++) pixels[offset + i] = UNIT_SCALE[buffer[i] & 0xFF];
            });
            int[] d = header.dims();
            return new Tensor(pixels, d[0], 1, d[1], d[2]);
        });
    }

    /** Reads a labels file (magic 0x00000801, dimensions (N)) as N values in 0..255. */
    public static int[] readLabels(Path file) {
        return withFile(file, in -> readLabels(in, file.toString()));
    }

    /** {@link #readLabels(Path)} from a stream; {@code source} names it in messages. */
    public static int[] readLabels(InputStream in, String source) {
        return parse(in, source, Kind.LABELS, (data, header) -> {
            int[] labels = new int[header.count()];
            readPayload(data, header, source, (buffer, offset, length) -> {
                for (int i = 0; i < length; i++) labels[offset + i] = buffer[i] & 0xFF;
            });
            return labels;
        });
    }

    /** What the caller expects, for the dimension-count check and the wording of messages. */
    private enum Kind {
        ANY(0, "value"), LABELS(1, "label"), IMAGES(3, "pixel");

        final int rank;
        final String unit;

        Kind(int rank, String unit) { this.rank = rank; this.unit = unit; }

        int magic() { return (UNSIGNED_BYTE << 8) | rank; }
    }

    /** A validated header: dimensions and their product, which fits in a Java array. */
    private record Header(Kind kind, int[] dims, int count, boolean gzip) {
        /** "60000 x 28 x 28" */
        String dimsText() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < dims.length; i++) b.append(i == 0 ? "" : " x ").append(dims[i]);
            return b.toString();
        }
    }

    private interface Body<T> { T read(InputStream data, Header header) throws IOException; }

    private interface Chunks { void accept(byte[] buffer, int offset, int length); }

    private interface StreamRead<T> { T apply(InputStream in); }

    private static <T> T withFile(Path file, StreamRead<T> read) {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new DataException(source, "is a directory, not an IDX file", "name one of the files inside it");
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new DataException(source, "no such file", "check the path");
        } catch (AccessDeniedException e) {
            throw new DataException(source, "permission denied", "make the file readable");
        } catch (IOException e) {
            throw new DataException(source, "cannot open: " + e.getMessage(), "check the path", e);
        }
        try (in) {
            return read.apply(in);
        } catch (IOException e) { // from close()
            throw new DataException(source, "cannot read: " + e.getMessage(), "check the file", e);
        }
    }

    private static <T> T parse(InputStream in, String source, Kind kind, Body<T> body) {
        try {
            BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
            buffered.mark(2);
            boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
            InputStream data = gzip ? new GZIPInputStream(buffered, BUFFER) : buffered;
            Header header = readHeader(data, source, kind, gzip);
            T result = body.read(data, header);
            expectEnd(data, header, source);
            return result;
        } catch (EOFException e) {
            // GZIPInputStream: the compressed stream stops before its end marker.
            throw new DataException(source, "truncated gzip data (" + e.getMessage() + ")", REDOWNLOAD, e);
        } catch (ZipException e) {
            throw new DataException(source, "corrupt gzip data (" + e.getMessage() + ")", REDOWNLOAD, e);
        } catch (IOException e) {
            throw new DataException(source, "cannot read: " + e.getMessage(), "check the file", e);
        }
    }

    private static Header readHeader(InputStream data, String source, Kind kind, boolean gzip) throws IOException {
        String where = gzip ? " after decompression" : "";
        byte[] magicBytes = data.readNBytes(4);
        if (magicBytes.length == 0) {
            throw new DataException(source, "empty file (0 bytes" + where + "), expected an IDX header", REDOWNLOAD);
        }
        if (magicBytes.length < 4) {
            throw new DataException(source, "truncated header: the 4-byte magic number stops after "
                    + magicBytes.length + " byte(s)" + where, REDOWNLOAD);
        }
        int magic = readBigEndian(magicBytes, 0);
        int type = magicBytes[2] & 0xFF;
        int rank = magicBytes[3] & 0xFF;
        String expected = kind == Kind.ANY ? "0x000008DD (DD = number of dimensions)" : hex(kind.magic());
        if (magicBytes[0] != 0 || magicBytes[1] != 0) {
            throw new DataException(source, "bad magic number " + hex(magic) + ", expected " + expected
                    + "; an IDX file starts with two zero bytes", "check that the path names an IDX file; " + REDOWNLOAD);
        }
        if (type != UNSIGNED_BYTE) {
            throw new DataException(source, "element type 0x" + String.format("%02X", type) + " (" + typeName(type)
                    + ") in magic number " + hex(magic) + ", expected 0x08 (unsigned byte)",
                    "convert the file to unsigned bytes or use the original unsigned-byte release");
        }
        if (rank == 0) {
            throw new DataException(source, "magic number " + hex(magic) + " declares 0 dimensions", REDOWNLOAD);
        }
        if (kind != Kind.ANY && rank != kind.rank) {
            String looksLike = rank == 1 ? "a labels file" : rank == 3 ? "an images file" : "not " + kind.name().toLowerCase() + " data";
            throw new DataException(source, "magic number " + hex(magic) + " declares " + rank + " dimension(s), "
                    + kind.name().toLowerCase() + " need " + kind.rank + " (magic " + hex(kind.magic()) + "); it looks like "
                    + looksLike, "check that the images and labels paths are not swapped");
        }
        byte[] dimBytes = data.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw new DataException(source, "truncated header: magic " + hex(magic) + " promises " + rank
                    + " dimension(s) (" + 4 * rank + " bytes), only " + dimBytes.length + " follow" + where, REDOWNLOAD);
        }
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long d = Integer.toUnsignedLong(readBigEndian(dimBytes, 4 * i));
            if (d == 0) {
                throw new DataException(source, "dimension " + i + " of " + rank + " is 0; dimensions must be positive", REDOWNLOAD);
            }
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new DataException(source, "header promises more than " + (Integer.MAX_VALUE - 8)
                        + " values, more than one Java array holds", "split the file");
            }
            dims[i] = (int) d;
        }
        return new Header(kind, dims, (int) count, gzip);
    }

    private static void readPayload(InputStream data, Header header, String source, Chunks chunks) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int done = 0;
        while (done < header.count()) {
            int n = data.read(buffer, 0, Math.min(buffer.length, header.count() - done));
            if (n < 0) break;
            chunks.accept(buffer, done, n);
            done += n;
        }
        if (done < header.count()) {
            throw new DataException(source, "truncated: header promises " + header.count() + " " + header.kind().unit + " bytes ("
                    + header.dimsText() + "), data has " + done + (header.gzip() ? " after decompression" : ""), REDOWNLOAD);
        }
    }

    private static void expectEnd(InputStream data, Header header, String source) throws IOException {
        long extra = 0;
        byte[] buffer = new byte[4096];
        for (int n; (n = data.read(buffer)) > 0; ) extra += n;
        if (extra > 0) {
            throw new DataException(source, extra + " trailing byte(s) after the " + header.count() + " " + header.kind().unit
                    + " bytes the header promises (" + header.dimsText() + ")",
                    "the file is damaged or has another file appended; " + REDOWNLOAD);
        }
    }

    private static int readBigEndian(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static String hex(int magic) { return String.format("0x%08X", magic); }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "int16";
            case 0x0C -> "int32";
            case 0x0D -> "float32";
            case 0x0E -> "float64";
            default -> "not an IDX type";
        };
    }

    // ---------------------------------------------------------------- writing

    /** Writes an IDX file of unsigned bytes, gzip-compressed at the best level if asked. */
    public static void write(Path file, IdxArray array, Compression compression) {
        try (OutputStream out = open(file, compression)) {
            write(out, array);
        } catch (IOException e) {
            throw new DataException(file.toString(), "cannot write: " + e, "check that the directory exists and is writable", e);
        }
    }

    /**
     * Writes the header and values of an unsigned-byte IDX array to a stream, uncompressed; the
     * stream stays open. Tests use this to build malformed files byte by byte.
     */
    public static void write(OutputStream out, IdxArray array) throws IOException {
        int[] dims = array.dims();
        byte[] header = new byte[4 + 4 * dims.length];
        header[2] = (byte) UNSIGNED_BYTE;
        header[3] = (byte) dims.length;
        for (int i = 0; i < dims.length; i++) {
            int d = dims[i];
            int at = 4 + 4 * i;
            header[at] = (byte) (d >>> 24);
            header[at + 1] = (byte) (d >>> 16);
            header[at + 2] = (byte) (d >>> 8);
            header[at + 3] = (byte) d;
        }
        out.write(header);
        out.write(array.values());
    }

    /**
     * Writes images (N, 1, H, W) or (N, H, W) with values in [0, 1] as an images file
     * (N, H, W), each pixel stored as {@code round(v * 255)}; reading it back gives the same floats
     * whenever they were read from an IDX file in the first place.
     */
    public static void writeImages(Path file, Tensor images, Compression compression) {
        boolean singleChannel = images.rank() == 4 && images.dim(1) == 1;
        if (!singleChannel && images.rank() != 3) {
            throw new IllegalArgumentException("images must be (N, 1, H, W) or (N, H, W), got " + images);
        }
        int rowsAxis = images.rank() - 2;
        byte[] pixels = new byte[images.size()];
        for (int i = 0; i < pixels.length; i++) {
            float v = images.data[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("pixel " + i + " is " + v + ", outside [0, 1]");
            }
            pixels[i] = (byte) Math.round(v * 255f);
        }
        write(file, new IdxArray(new int[] {images.batch(), images.dim(rowsAxis), images.dim(rowsAxis + 1)}, pixels), compression);
    }

    /** Writes labels, each in 0..255, as a labels file (N). */
    public static void writeLabels(Path file, int[] labels, Compression compression) {
        byte[] values = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " does not fit an unsigned byte");
            }
            values[i] = (byte) labels[i];
        }
        write(file, new IdxArray(new int[] {labels.length}, values), compression);
    }

    private static OutputStream open(Path file, Compression compression) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
        if (compression == Compression.NONE) return out;
        // Java writes a fixed gzip header (no time stamp), so the same input gives the same bytes.
        return new GZIPOutputStream(out, BUFFER) {
            { def.setLevel(Deflater.BEST_COMPRESSION); }
        };
    }
}
