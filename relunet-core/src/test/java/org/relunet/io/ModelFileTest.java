package org.relunet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relunet.init.Rng;
import org.relunet.nn.Dropout;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

class ModelFileTest {
    @TempDir Path dir;

    static Model smallCnn(long seed) {
        return Model.of(Shape.image(1, 8, 8),
                LayerSpecParser.parse("conv(4,3,pad=1) relu maxpool(2) conv(6,3) prelu flatten dropout(0.25) dense(12) tanh dense(5)"), seed);
    }

    static Tensor randomBatch(int n, Shape shape, long seed) {
        Tensor x = Tensor.zeros(n, shape);
        Rng rng = new Rng(seed);
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextFloat();
        return x;
    }

    @Test void roundTripIsBitIdenticalAndPredictsTheSame() throws IOException {
        Model model = smallCnn(7);
        // Make the values awkward: a negative zero, a subnormal, a large number.
        model.parameters().get(1).value()[0] = -0f;
        model.parameters().get(1).value()[1] = Float.MIN_VALUE;
        model.parameters().get(1).value()[2] = 3.4e38f;
        ((Dropout) model.layers().get(6)).rng().setState(123456789L);
        Path file = dir.resolve("m.rnm");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("data", "spirals");
        settings.put("note", "two\nlines \\ and a backslash");
        ModelFile.save(model, file, settings);

        ModelFile.Contents c = ModelFile.read(file);
        Model loaded = c.model();
        assertEquals(model.specText(), loaded.specText());
        assertEquals(model.inputShape(), loaded.inputShape());
        assertEquals(model.seed(), loaded.seed());
        assertEquals(model.parameterNames(), loaded.parameterNames());
        for (int i = 0; i < model.parameters().size(); i++) {
            assertArrayEquals(bits(model.parameters().get(i).value()), bits(loaded.parameters().get(i).value()), model.parameterNames().get(i));
        }
        assertEquals(123456789L, ((Dropout) loaded.layers().get(6)).rng().state());
        assertEquals(settings, c.settings());
        assertTrue(c.training().isEmpty());
        assertEquals(Files.size(file), c.bytes());

        Tensor x = randomBatch(3, model.inputShape(), 1);
        float[] expected = model.predict(x).data.clone();
        assertArrayEquals(bits(expected), bits(loaded.predict(x).data));
    }

    @Test void overwritingReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("m.rnm");
        ModelFile.save(smallCnn(1), file);
        ModelFile.save(smallCnn(2), file);
        assertEquals(2, ModelFile.load(file).seed());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only m.rnm should remain");
        }
    }

    @Test void truncatedFileIsRefusedWithTheNumbers() throws IOException {
        Path file = dir.resolve("model.rnm");
        ModelFile.save(smallCnn(1), file);
        byte[] all = Files.readAllBytes(file);
        int headerEnd = 16 + ByteBuffer.wrap(all, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        Files.write(file, Arrays.copyOf(all, headerEnd + 1000));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
        long paramBytes = 4L * smallCnn(1).parameterCount();
        assertEquals(file + ": truncated (expected " + String.format("%,d", paramBytes) + " bytes of parameters, found 1,000); "
                + "the file was not written completely: retrain or use the last checkpoint", e.getMessage());

        Files.write(file, Arrays.copyOf(all, 10));
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(file)).getMessage().contains("truncated"));
        Files.write(file, Arrays.copyOf(all, 100));
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(file)).getMessage().contains("truncated"));
        Files.write(file, new byte[0]);
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(file)).getMessage().contains("truncated"));
        Files.write(file, Arrays.copyOf(all, all.length - 1));
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(file)).getMessage().contains("truncated"));
    }

    @Test void flippedByteFailsTheChecksum() throws IOException {
        Path file = dir.resolve("m.rnm");
        ModelFile.save(smallCnn(1), file);
        byte[] all = Files.readAllBytes(file);
        for (int pos : new int[] {all.length - 500, all.length - 2}) {
            byte[] bad = all.clone();
            bad[pos] ^= 0x10;
            Files.write(file, bad);
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
            assertTrue(e.getMessage().startsWith(file + ": corrupted (checksum 0x"), e.getMessage());
            assertTrue(e.getMessage().contains("the file was damaged after it was written"), e.getMessage());
        }
        // A flip inside the header text is caught as well, whatever the flipped character means.
        byte[] bad = all.clone();
        bad[40] ^= 0x01;
        Files.write(file, bad);
        assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    }

    @Test void wrongMagicIsNotAModelFile() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello, this is not a model file at all");
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
        assertEquals(file + ": not a relunet model file (it does not start with \"RELUNET\"); "
                + "give a file written by relunet train --save or --checkpoint", e.getMessage());
    }

    @Test void futureVersionAsksForAnUpgrade() throws IOException {
        Path file = dir.resolve("m.rnm");
        ModelFile.save(smallCnn(1), file);
        byte[] all = Files.readAllBytes(file);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(8, ModelFile.VERSION + 1);
        Files.write(file, all);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
        assertEquals(file + ": written in model file format " + (ModelFile.VERSION + 1) + ", but this relunet reads formats 1 to "
                + ModelFile.VERSION + "; upgrade relunet to read it", e.getMessage());
    }

    @Test void missingFileSaysSo() {
        Path file = dir.resolve("nope.rnm");
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().startsWith(file + ": no such file;"), e.getMessage());
    }

    @Test void aCrashWhileSavingLeavesTheOldFileIntact() throws IOException {
        Path file = dir.resolve("m.rnm");
        ModelFile.save(smallCnn(1), file);
        byte[] before = Files.readAllBytes(file);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.writeAtomically(file, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("unchanged"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(1, ModelFile.load(file).seed());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "the temporary file must be removed");
        }
    }

    @Test void aKilledWriterLeavesOnlyAHiddenTemporaryFile() throws IOException {
        // What kill -9 in the middle of a save leaves behind: a partial temporary file beside the target.
        Path file = dir.resolve("m.rnm");
        ModelFile.save(smallCnn(1), file);
        byte[] whole = Files.readAllBytes(file);
        Path partial = dir.resolve(".m.rnm.999-1.tmp");
        Files.write(partial, Arrays.copyOf(whole, whole.length / 3));
        assertEquals(1, ModelFile.load(file).seed());
        ModelFile.save(smallCnn(2), file);
        assertEquals(2, ModelFile.load(file).seed());
        assertFalse(ModelFile.load(file).specText().isEmpty());
    }

    @Test void writeFailsClearlyInAMissingParentThatCannotBeCreated() throws IOException {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.save(smallCnn(1), blocker.resolve("m.rnm")));
        assertTrue(e.getMessage().startsWith(blocker.resolve("m.rnm") + ": cannot write"), e.getMessage());
    }

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
