package org.relunet.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

import org.relunet.kernels.Parallel;
import org.relunet.nn.Dropout;
import org.relunet.nn.Layer;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Parameter;
import org.relunet.optim.Adam;
import org.relunet.optim.Optimizer;
import org.relunet.optim.Schedule;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;
import org.relunet.train.EpochResult;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;

/**
 * The relunet model file ({@code .rnm}): a versioned, self-describing binary format that holds a
 * model's architecture and parameters and, for a checkpoint, everything needed to resume training
 * bit for bit (optimiser buffers and step count, the shuffling and dropout generators, the history
 * and the training config).
 *
 * <pre>
 *   offset  size  content
 *   0       8     magic "RELUNET\0"
 *   8       4     format version, u32 little-endian (this code writes and reads {@value #VERSION})
 *   12      4     header length H in bytes, u32 little-endian
 *   16      H     header: UTF-8 text, one key=value per line ('#' lines are comments), e.g.
 *                   input_shape=1,28,28
 *                   layers=conv(32,5,pad=2) relu maxpool(2) ... dense(10)
 *                   seed=42
 *                   parameters=6
 *                   parameter.0=0.conv2d.weight 32,25          (name, then shape)
 *                   dropout_rng=...                            (one generator state per dropout layer)
 *                   train.epochs_done=2  train.shuffle_rng=...  train.config.batch=64  ...
 *                   train.optimizer=sgd  train.optimizer.steps=1876  train.optimizer.buffer.0=800 ...
 *                   train.history.1=seconds,train_loss,train_accuracy,test_loss,test_accuracy,learning_rate
 *                   setting.KEY=VALUE                          (free settings of the caller, e.g. the CLI's flags)
 *   16+H    4*P   parameters, float32 little-endian, in the order of {@link Model#parameters()}
 *   ...     4*B   optimiser buffers (checkpoints only), float32 little-endian, in the order of
 *                 {@link Optimizer#stateBuffers()}
 *   end-4   4     CRC32 of every byte before it, u32 little-endian
 * </pre>
 * Values in the header escape backslash, newline and carriage return as {@code \\}, {@code \n},
 * {@code \r}; doubles are written by {@link Double#toString(double)}, which reads back to the same bits.
 *
 * <p>Files are written atomically: to a temporary file in the same directory, forced to the disk,
 * then renamed over the target, so a crash leaves either the old file or the new one, never half of
 * one. Reading checks the magic, the version, every length and the checksum, and refuses a bad file
 * with a one-line {@link ModelFileException} that names the problem and what to do about it.
 */
public final class ModelFile {
    /** The first eight bytes of every model file. */
    public static final byte[] MAGIC = "RELUNET\0".getBytes(StandardCharsets.US_ASCII);
    /** The format version this code writes; it reads every version from 1 up to this one. */
    public static final int VERSION = 1;
    /** The usual file name extension. */
    public static final String EXTENSION = ".rnm";

    private static final int PREFIX_BYTES = 16;   // magic, version, header length
    private static final int CRC_BYTES = 4;
    private static final int MAX_HEADER_BYTES = 64 << 20;
    private static final String DAMAGED = "the file was not written completely: retrain or use the last checkpoint";
    private static final String CORRUPTED = "the file was damaged after it was written: retrain or use another copy or the last checkpoint";

    private ModelFile() {}

    /**
     * The training part of a checkpoint.
     *
     * @param config               epochs, batch size, shuffling seed, shuffle flag, schedule of the run
     * @param state                epochs done, shuffling generator, optimiser steps, history
     * @param optimizerKind        {@code sgd}, {@code adam} or {@code adamw}
     * @param optimizerDescription {@link Optimizer#describe()} when it was saved
     * @param optimizerBuffers     the optimiser state, parallel to {@link Optimizer#stateBuffers()}
     * @param threads              the kernel thread count of the run (results depend on it)
     */
    public record Training(TrainingConfig config, Trainer.State state, String optimizerKind, String optimizerDescription,
                           List<float[]> optimizerBuffers, int threads) {}

    /**
     * What a model file holds.
     *
     * @param model    the model with its saved parameters (and dropout generator states)
     * @param settings the caller's free key/value settings, in the order they were saved
     * @param training present for a checkpoint
     * @param bytes    the file's size
     */
    public record Contents(Path file, int version, Model model, Map<String, String> settings,
                           Optional<Training> training, long bytes) {}

    // ---------------------------------------------------------------- writing

    /** Saves a model's architecture and parameters, atomically. */
    public static void save(Model model, Path file) { write(model, null, file, Map.of()); }

    /** Saves a model with free settings (e.g. how it was trained), atomically. */
    public static void save(Model model, Path file, Map<String, String> settings) { write(model, null, file, settings); }

    /** Saves a checkpoint: the trainer's model, its optimiser state and its training state, atomically. */
    public static void save(Trainer trainer, Path file) { write(trainer.model(), trainer, file, Map.of()); }

    /** Saves a checkpoint with free settings (e.g. the command line that started the run), atomically. */
    public static void save(Trainer trainer, Path file, Map<String, String> settings) {
        write(trainer.model(), trainer, file, settings);
    }

    private static void write(Model model, Trainer trainer, Path file, Map<String, String> settings) {
        List<Parameter> params = model.parameters();
        List<float[]> buffers = List.of();
        StringBuilder h = new StringBuilder();
        h.append("# relunet model file, format ").append(VERSION)
                .append(": key=value lines, then float32 little-endian parameters, optimiser buffers and a CRC32\n");
        put(h, "input_shape", join(model.inputShape().dims()));
        put(h, "layers", model.specText());
        put(h, "seed", Long.toString(model.seed()));
        put(h, "parameters", Integer.toString(params.size()));
        for (int i = 0; i < params.size(); i++) {
            put(h, "parameter." + i, model.parameterNames().get(i) + " " + join(params.get(i).shape()));
        }
        List<Dropout> dropouts = dropouts(model);
        if (!dropouts.isEmpty()) {
            long[] states = new long[dropouts.size()];
            for (int i = 0; i < states.length; i++) states[i] = dropouts.get(i).rng().state();
            put(h, "dropout_rng", join(states));
        }
        if (trainer != null) {
            Optimizer optimizer = trainer.optimizer();
            optimizer.initState(params);   // a checkpoint before the first step still carries its (zero) buffers
            buffers = optimizer.stateBuffers();
            Trainer.State state = trainer.state();
            TrainingConfig config = trainer.config();
            put(h, "train.epochs_done", Integer.toString(state.epochsDone()));
            put(h, "train.shuffle_rng", Long.toString(state.shuffleRngState()));
            put(h, "train.threads", Integer.toString(Parallel.threads()));
            put(h, "train.config.epochs", Integer.toString(config.epochs()));
            put(h, "train.config.batch", Integer.toString(config.batchSize()));
            put(h, "train.config.seed", Long.toString(config.seed()));
            put(h, "train.config.shuffle", Boolean.toString(config.shuffle()));
            put(h, "train.config.schedule", config.schedule().describe());
            put(h, "train.optimizer", kind(optimizer));
            put(h, "train.optimizer.description", optimizer.describe());
            put(h, "train.optimizer.steps", Long.toString(state.optimizerSteps()));
            put(h, "train.optimizer.buffers", Integer.toString(buffers.size()));
            for (int i = 0; i < buffers.size(); i++) put(h, "train.optimizer.buffer." + i, Integer.toString(buffers.get(i).length));
            for (EpochResult r : state.history()) {
                put(h, "train.history." + r.epoch(), r.seconds() + "," + r.trainLoss() + "," + r.trainAccuracy() + ","
                        + r.testLoss() + "," + r.testAccuracy() + "," + r.learningRate());
            }
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey();
            if (key.isEmpty() || key.contains("=") || key.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("setting key must be non-empty, without '=' or spaces: '" + key + "'");
            }
            put(h, "setting." + key, e.getValue());
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        List<float[]> data = new ArrayList<>();
        for (Parameter p : params) data.add(p.value());
        data.addAll(buffers);
        writeAtomically(file, out -> {
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            prefix.put(MAGIC).putInt(VERSION).putInt(header.length);
            out.write(prefix.array());
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] a : data) writeFloats(out, a, chunk);
        });
    }

    /** Writes {@code body} and then the CRC32 of everything it wrote. */
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes a file atomically: body and checksum go to a temporary file in the target's directory,
     * which is forced to the disk and then renamed over the target. If anything fails (or the process
     * dies) before the rename, the target is untouched; the temporary file is removed on failure.
     */
    static void writeAtomically(Path target, Body body) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = dir.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                CRC32 crc = new CRC32();
                OutputStream raw = Channels.newOutputStream(channel);
                CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc);
                body.write(checked);
                ByteBuffer trailer = ByteBuffer.allocate(CRC_BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
                checked.write(trailer.array());
                checked.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically in " + dir, e);
            }
            forceDirectory(dir);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is hidden and named *.tmp; nothing reads it
            }
            if (e instanceof RuntimeException r && !(e instanceof java.io.UncheckedIOException)) throw r;
            throw new ModelFileException(target + ": cannot write (" + describe(e) + "); the previous file, if any, is unchanged; "
                    + "check that the directory is writable and the disk has space", e);
        }
    }

    /** Makes the rename itself durable (POSIX); best effort, as not every platform can open a directory. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open directories; the rename is still atomic there
        }
    }

    private static void writeFloats(OutputStream out, float[] a, ByteBuffer chunk) throws IOException {
        int perChunk = chunk.capacity() / Float.BYTES;
        for (int i = 0; i < a.length; i += perChunk) {
            int n = Math.min(perChunk, a.length - i);
            chunk.clear();
            chunk.asFloatBuffer().put(a, i, n);
            out.write(chunk.array(), 0, n * Float.BYTES);
        }
    }

    private static String kind(Optimizer optimizer) {
        return switch (optimizer) {
            case Sgd s -> "sgd";
            case Adam a -> a.decoupled() ? "adamw" : "adam";
        };
    }

    private static List<Dropout> dropouts(Model model) {
        List<Dropout> list = new ArrayList<>();
        for (Layer l : model.layers()) if (l instanceof Dropout d) list.add(d);
        return list;
    }

    private static void put(StringBuilder h, String key, String value) {
        h.append(key).append('=').append(escape(value)).append('\n');
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String v) {
        if (v.indexOf('\\') < 0) return v;
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String join(int[] a) {
        StringBuilder b = new StringBuilder();
        for (int v : a) b.append(b.isEmpty() ? "" : ",").append(v);
        return b.toString();
    }

    private static String join(long[] a) {
        StringBuilder b = new StringBuilder();
        for (long v : a) b.append(b.isEmpty() ? "" : ",").append(v);
        return b.toString();
    }

    // ---------------------------------------------------------------- reading

    /** Loads the model (architecture and parameters) of a model file or checkpoint. */
    public static Model load(Path file) { return read(file).model(); }

    /**
     * Reads and validates a whole model file: magic, version, lengths, checksum, header, and that
     * the parameters fit the layer spec.
     *
     * @throws ModelFileException with a one-line message naming the file, the problem and the fix
     */
    public static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file + ": no such file; check the path (a model file is written by train --save or --checkpoint)", e);
        } catch (AccessDeniedException e) {
            throw new ModelFileException(file + ": permission denied; check the file's permissions", e);
        } catch (IOException e) {
            throw new ModelFileException(file + ": cannot read (" + describe(e) + "); check that it is a readable file", e);
        } catch (OutOfMemoryError e) {
            throw new ModelFileException(file + ": too large to read into memory; give the JVM more heap (-Xmx)", e);
        }
        return parse(file, bytes);
    }

    static Contents parse(Path file, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magicSeen = 0;
        while (magicSeen < Math.min(MAGIC.length, bytes.length) && bytes[magicSeen] == MAGIC[magicSeen]) magicSeen++;
        if (magicSeen < MAGIC.length) {
            if (magicSeen == bytes.length) {
                throw new ModelFileException(file + ": truncated (" + bytes.length + " bytes, shorter than the " + PREFIX_BYTES + "-byte start of a model file); " + DAMAGED);
            }
            throw new ModelFileException(file + ": not a relunet model file (it does not start with \"RELUNET\"); "
                    + "give a file written by relunet train --save or --checkpoint");
        }
        if (bytes.length < PREFIX_BYTES) {
            throw new ModelFileException(file + ": truncated (" + bytes.length + " bytes, shorter than the " + PREFIX_BYTES + "-byte start of a model file); " + DAMAGED);
        }
        int version = in.getInt(8);
        if (version > VERSION) {
            throw new ModelFileException(file + ": written in model file format " + Integer.toUnsignedString(version)
                    + ", but this relunet reads formats 1 to " + VERSION + "; upgrade relunet to read it");
        }
        if (version < 1) {
            throw new ModelFileException(file + ": unknown model file format " + version + "; " + CORRUPTED);
        }
        long headerLength = Integer.toUnsignedLong(in.getInt(12));
        long afterHeader = PREFIX_BYTES + headerLength;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new ModelFileException(file + ": header length " + headerLength + " is implausible; " + CORRUPTED);
        }
        if (afterHeader > bytes.length) {
            throw new ModelFileException(file + ": truncated (expected a header of " + group(headerLength) + " bytes, found "
                    + group(bytes.length - PREFIX_BYTES) + "); " + DAMAGED);
        }
        String headerText = new String(bytes, PREFIX_BYTES, (int) headerLength, StandardCharsets.UTF_8);
        String headerProblem = null;
        Layout layout = null;
        try {
            layout = layout(parseHeader(headerText));
        } catch (IllegalArgumentException e) {
            headerProblem = e.getMessage();
        }
        // Truncation is the likeliest damage (a copy or download cut short); say so with the numbers.
        if (layout != null) {
            long payloadBytes = 4L * (layout.parameterFloats + layout.bufferFloats);
            long expected = afterHeader + payloadBytes + CRC_BYTES;
            if (bytes.length < expected) {
                long found = Math.max(0, bytes.length - afterHeader);
                throw new ModelFileException(file + ": truncated (expected " + group(payloadBytes) + " bytes of "
                        + (layout.bufferFloats > 0 ? "parameters and optimiser state" : "parameters") + ", found " + group(found) + "); " + DAMAGED);
            }
            if (bytes.length > expected) {
                throw new ModelFileException(file + ": " + group(bytes.length - expected) + " unexpected bytes after the data (expected "
                        + group(expected) + " bytes in all, found " + group(bytes.length) + "); " + CORRUPTED);
            }
        }
        if (bytes.length < afterHeader + CRC_BYTES) {
            throw new ModelFileException(file + ": truncated (no checksum after the header); " + DAMAGED);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - CRC_BYTES);
        int stored = in.getInt(bytes.length - CRC_BYTES);
        if (stored != (int) crc.getValue()) {
            throw new ModelFileException(file + ": corrupted (checksum " + hex(stored) + " stored, " + hex((int) crc.getValue())
                    + " computed); " + CORRUPTED);
        }
        if (headerProblem != null) {
            throw new ModelFileException(file + ": malformed header: " + headerProblem + "; the file was not written by this relunet or is damaged");
        }
        return build(file, version, in, afterHeader, layout, bytes.length);
    }

    /** Where the data is: the parsed header and the float counts it promises. */
    private record Layout(Map<String, String> header, Shape inputShape, String layers, long seed, List<String> names,
                          List<int[]> shapes, long parameterFloats, List<Integer> buffers, long bufferFloats) {}

    private static Map<String, String> parseHeader(String text) {
        Map<String, String> header = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("line " + lineNo + " is not key=value");
            String key = line.substring(0, eq);
            if (header.put(key, unescape(line.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("key '" + key + "' appears twice");
            }
        }
        return header;
    }

    private static Layout layout(Map<String, String> h) {
        Shape input;
        try {
            String[] parts = required(h, "input_shape").split(",");
            int[] dims = new int[parts.length];
            for (int i = 0; i < parts.length; i++) dims[i] = Integer.parseInt(parts[i].trim());
            input = Shape.of(dims);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input_shape '" + h.get("input_shape") + "' is not a list of integers");
        }
        String layers = required(h, "layers");
        long seed = longValue(h, "seed");
        int count = intValue(h, "parameters");
        List<String> names = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        long floats = 0;
        for (int i = 0; i < count; i++) {
            String v = required(h, "parameter." + i);
            int space = v.lastIndexOf(' ');
            if (space <= 0) throw new IllegalArgumentException("parameter." + i + " '" + v + "' is not 'name shape'");
            String[] parts = v.substring(space + 1).split(",");
            int[] shape = new int[parts.length];
            long size = 1;
            try {
                for (int j = 0; j < parts.length; j++) {
                    shape[j] = Integer.parseInt(parts[j]);
                    if (shape[j] < 0) throw new NumberFormatException();
                    size *= shape[j];
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("parameter." + i + " has a bad shape '" + v.substring(space + 1) + "'");
            }
            if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("parameter." + i + " is too large");
            names.add(v.substring(0, space));
            shapes.add(shape);
            floats += size;
        }
        List<Integer> buffers = new ArrayList<>();
        long bufferFloats = 0;
        if (h.containsKey("train.epochs_done")) {
            int n = intValue(h, "train.optimizer.buffers");
            for (int i = 0; i < n; i++) {
                int len = intValue(h, "train.optimizer.buffer." + i);
                if (len < 0) throw new IllegalArgumentException("train.optimizer.buffer." + i + " is negative");
                buffers.add(len);
                bufferFloats += len;
            }
        }
        return new Layout(h, input, layers, seed, names, shapes, floats, buffers, bufferFloats);
    }

    private static Contents build(Path file, int version, ByteBuffer in, long afterHeader, Layout layout, long size) {
        Map<String, String> h = layout.header();
        Model model;
        try {
            model = Model.of(layout.inputShape(), LayerSpecParser.parse(layout.layers()), layout.seed());
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": its layer spec cannot be built by this relunet (" + e.getMessage()
                    + "); the file was written by another version of relunet or is damaged", e);
        }
        List<Parameter> params = model.parameters();
        if (params.size() != layout.names().size()) {
            throw new ModelFileException(file + ": holds " + layout.names().size() + " parameter tensors but its layers '" + layout.layers()
                    + "' have " + params.size() + "; the file was written by another version of relunet or is damaged");
        }
        for (int i = 0; i < params.size(); i++) {
            if (!Arrays.equals(params.get(i).shape(), layout.shapes().get(i))) {
                throw new ModelFileException(file + ": parameter " + layout.names().get(i) + " has shape " + Arrays.toString(layout.shapes().get(i))
                        + " but layer spec gives " + model.parameterNames().get(i) + " " + Arrays.toString(params.get(i).shape())
                        + "; the file was written by another version of relunet or is damaged");
            }
        }
        in.position((int) afterHeader);
        for (Parameter p : params) readFloats(in, p.value());
        List<Dropout> dropouts = dropouts(model);
        String rngText = h.get("dropout_rng");
        if (!dropouts.isEmpty() || rngText != null) {
            long[] states = longs(file, "dropout_rng", rngText == null ? "" : rngText);
            if (states.length != dropouts.size()) {
                throw new ModelFileException(file + ": holds " + states.length + " dropout generator states for "
                        + dropouts.size() + " dropout layers; the file is damaged");
            }
            for (int i = 0; i < states.length; i++) dropouts.get(i).rng().setState(states[i]);
        }
        Optional<Training> training = Optional.empty();
        if (h.containsKey("train.epochs_done")) {
            List<float[]> buffers = new ArrayList<>();
            for (int len : layout.buffers()) {
                float[] b = new float[len];
                readFloats(in, b);
                buffers.add(b);
            }
            training = Optional.of(training(file, h, buffers));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : h.entrySet()) {
            if (e.getKey().startsWith("setting.")) settings.put(e.getKey().substring("setting.".length()), e.getValue());
        }
        return new Contents(file, version, model, Collections.unmodifiableMap(settings), training, size);
    }

    private static Training training(Path file, Map<String, String> h, List<float[]> buffers) {
        try {
            TrainingConfig config = new TrainingConfig(intValue(h, "train.config.epochs"), intValue(h, "train.config.batch"),
                    longValue(h, "train.config.seed"), Boolean.parseBoolean(required(h, "train.config.shuffle")),
                    Schedule.parse(required(h, "train.config.schedule")));
            int done = intValue(h, "train.epochs_done");
            List<EpochResult> history = new ArrayList<>();
            for (int epoch = 1; h.containsKey("train.history." + epoch); epoch++) {
                String[] v = h.get("train.history." + epoch).split(",");
                if (v.length != 6) throw new IllegalArgumentException("train.history." + epoch + " needs 6 numbers");
                history.add(new EpochResult(epoch, Double.parseDouble(v[0]), Double.parseDouble(v[1]), Double.parseDouble(v[2]),
                        Double.parseDouble(v[3]), Double.parseDouble(v[4]), Double.parseDouble(v[5])));
            }
            Trainer.State state = new Trainer.State(done, longValue(h, "train.shuffle_rng"), longValue(h, "train.optimizer.steps"),
                    List.copyOf(history));
            return new Training(config, state, required(h, "train.optimizer"), h.getOrDefault("train.optimizer.description", ""),
                    List.copyOf(buffers), h.containsKey("train.threads") ? intValue(h, "train.threads") : 0);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": malformed training state: " + e.getMessage() + "; the file is damaged", e);
        }
    }

    private static void readFloats(ByteBuffer in, float[] dst) {
        in.asFloatBuffer().get(dst);
        in.position(in.position() + dst.length * Float.BYTES);
    }

    private static String required(Map<String, String> h, String key) {
        String v = h.get(key);
        if (v == null) throw new IllegalArgumentException("missing '" + key + "'");
        return v;
    }

    private static int intValue(Map<String, String> h, String key) {
        String v = required(h, key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not an integer: '" + v + "'");
        }
    }

    private static long longValue(Map<String, String> h, String key) {
        String v = required(h, key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not an integer: '" + v + "'");
        }
    }

    private static long[] longs(Path file, String key, String text) {
        if (text.isBlank()) return new long[0];
        String[] parts = text.split(",");
        long[] out = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) out[i] = Long.parseLong(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new ModelFileException(file + ": malformed header: '" + key + "' is not a list of integers; the file is damaged");
        }
        return out;
    }

    // ---------------------------------------------------------------- resuming

    /**
     * Restores a checkpoint into a freshly built trainer: the model's parameters and dropout
     * generators, the optimiser's buffers and step count, and the trainer's epoch count, shuffling
     * generator and history. The trainer must have been built like the saved one (same layers and
     * input shape, same optimiser kind and settings, same batch size, seeds, shuffling and schedule;
     * the number of epochs may grow); then {@link Trainer#fit} continues exactly as the interrupted
     * run would have, given the same kernel thread count.
     *
     * @return what the file held
     * @throws ModelFileException when the file is bad or does not match the trainer, naming the difference
     */
    public static Contents loadCheckpoint(Path file, Trainer trainer) {
        Contents c = read(file);
        Training t = c.training().orElseThrow(() -> new ModelFileException(file + ": holds a model but no training state "
                + "(it was saved with --save, not as a checkpoint); resume from a --checkpoint directory or start a new run"));
        Model model = trainer.model();
        if (!model.inputShape().equals(c.model().inputShape()) || !model.specText().equals(c.model().specText())) {
            throw new ModelFileException(file + ": checkpoint is of '" + c.model().specText() + "' on input " + c.model().inputShape()
                    + " but this run builds '" + model.specText() + "' on input " + model.inputShape() + "; resume with the same layers and data");
        }
        TrainingConfig have = trainer.config(), saved = t.config();
        mismatch(file, "batch size", saved.batchSize(), have.batchSize());
        mismatch(file, "shuffling seed", saved.seed(), have.seed());
        mismatch(file, "shuffling", saved.shuffle(), have.shuffle());
        mismatch(file, "learning-rate schedule", saved.schedule().describe(), have.schedule().describe());
        Optimizer optimizer = trainer.optimizer();
        mismatch(file, "optimiser", t.optimizerKind(), kind(optimizer));
        // The rate in describe() is the scheduled one of the moment; every other setting must agree.
        mismatch(file, "optimiser settings", withoutRate(t.optimizerDescription()), withoutRate(optimizer.describe()));
        optimizer.initState(model.parameters());
        List<float[]> buffers = optimizer.stateBuffers();
        if (buffers.size() != t.optimizerBuffers().size()) {
            throw new ModelFileException(file + ": holds " + t.optimizerBuffers().size() + " optimiser buffers but " + optimizer.describe()
                    + " has " + buffers.size() + "; resume with the same optimiser settings");
        }
        for (int i = 0; i < buffers.size(); i++) {
            if (buffers.get(i).length != t.optimizerBuffers().get(i).length) {
                throw new ModelFileException(file + ": optimiser buffer " + i + " has " + t.optimizerBuffers().get(i).length
                        + " values but this run needs " + buffers.get(i).length + "; resume with the same layers");
            }
        }
        try {
            trainer.restore(t.state());
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": " + e.getMessage() + "; give at least " + t.state().epochsDone() + " epochs", e);
        }
        model.copyParametersFrom(c.model());
        List<Dropout> to = dropouts(model), from = dropouts(c.model());
        for (int i = 0; i < to.size(); i++) to.get(i).rng().setState(from.get(i).rng().state());
        for (int i = 0; i < buffers.size(); i++) {
            System.arraycopy(t.optimizerBuffers().get(i), 0, buffers.get(i), 0, buffers.get(i).length);
        }
        return c;
    }

    private static String withoutRate(String description) { return description.replaceAll("lr=[^,)]*", "lr=*"); }

    private static void mismatch(Path file, String what, Object saved, Object now) {
        if (!saved.equals(now)) {
            throw new ModelFileException(file + ": checkpoint was trained with " + what + " " + saved + " but this run uses " + now
                    + "; resume with the same settings, or start a new run");
        }
    }

    // ---------------------------------------------------------------- formatting

    private static String group(long n) { return String.format(Locale.ROOT, "%,d", n); }

    private static String hex(int v) { return String.format(Locale.ROOT, "0x%08x", v); }

    private static String describe(Exception e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof NoSuchFileException) return "no such directory or file " + m;
        if (e instanceof AccessDeniedException) return "permission denied: " + m;
        return m == null ? kind : kind + ": " + m;
    }
}
