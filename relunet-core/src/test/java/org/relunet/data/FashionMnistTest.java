package org.relunet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relunet.tensor.Tensor;

class FashionMnistTest {
    @TempDir Path root;

    /** A directory nothing is in, standing in for an absent system package. */
    private Path nowhere() { return root.resolve("not-installed"); }

    /**
     * Writes a tiny stand-in for the four files: {@code train} and {@code test} images of 3x4
     * pixels, labels {@code i % 10}; {@code .gz} names and gzip content when asked.
     */
    private Path fakeSet(String name, int train, int test, boolean gzip) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Idx.Compression compression = gzip ? Idx.Compression.GZIP : Idx.Compression.NONE;
        String suffix = gzip ? ".gz" : "";
        writePart(dir, FashionMnist.TRAIN_IMAGES + suffix, FashionMnist.TRAIN_LABELS + suffix, train, compression);
        writePart(dir, FashionMnist.TEST_IMAGES + suffix, FashionMnist.TEST_LABELS + suffix, test, compression);
        return dir;
    }

    private static void writePart(Path dir, String images, String labels, int n, Idx.Compression compression) {
        float[] pixels = new float[n * 12];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (i % 256) / 255f;
        int[] classes = new int[n];
        Arrays.setAll(classes, i -> i % 10);
        Idx.writeImages(dir.resolve(images), new Tensor(pixels, n, 1, 3, 4), compression);
        Idx.writeLabels(dir.resolve(labels), classes, compression);
    }

    @Test
    void explicitDirectoryWithGzipOrPlainNames() throws IOException {
        for (boolean gzip : new boolean[] {true, false}) {
            Path dir = fakeSet("set-" + gzip, 30, 20, gzip);
            FashionMnist source = FashionMnist.find(dir, null, nowhere());
            assertEquals(dir, source.directory().orElseThrow());
            assertFalse(source.isEmbedded());
            assertTrue(source.notice().isEmpty());
            Dataset train = source.loadTrain();
            Dataset test = source.loadTest();
            assertEquals(30, train.size());
            assertEquals(20, test.size());
            assertArrayEquals(new int[] {30, 1, 3, 4}, train.inputs().shape());
            assertEquals("fashion-mnist train", train.name());
            assertEquals(10, train.classes());
            assertEquals("T-shirt/top", train.classNames()[0]);
            assertEquals("Ankle boot", train.classNames()[9]);
        }
    }

    @Test
    void aNamedDirectoryThatIsIncompleteIsAnErrorNotAFallback() throws IOException {
        Path dir = fakeSet("incomplete", 10, 10, true);
        Files.delete(dir.resolve(FashionMnist.TEST_LABELS + ".gz"));
        Path complete = fakeSet("complete", 10, 10, true);
        DataException e = assertThrows(DataException.class, () -> FashionMnist.find(dir, complete.toString(), complete));
        assertTrue(e.getMessage().contains("none found in directory argument " + dir + " (missing t10k-labels-idx1-ubyte[.gz])"), e.getMessage());
        assertThrows(DataException.class, () -> FashionMnist.findOrEmbedded(dir, null, nowhere()));
    }

    @Test
    void environmentVariableComesBeforeTheSystemDirectory() throws IOException {
        Path env = fakeSet("env", 10, 10, false);
        Path system = fakeSet("system", 20, 10, true);
        assertEquals(env, FashionMnist.find(null, env.toString(), system).directory().orElseThrow());
        assertEquals(system, FashionMnist.find(null, null, system).directory().orElseThrow());
        assertEquals(system, FashionMnist.find(null, "  ", system).directory().orElseThrow());
    }

    @Test
    void anIncompleteEnvironmentDirectoryIsSkippedWithANotice() throws IOException {
        Path env = Files.createDirectories(root.resolve("empty-env"));
        Path system = fakeSet("system", 20, 10, true);
        FashionMnist source = FashionMnist.find(null, env.toString(), system);
        assertEquals(system, source.directory().orElseThrow());
        String notice = source.notice().orElseThrow();
        assertTrue(notice.contains("$RELUNET_DATA " + env + " (missing train-images-idx3-ubyte[.gz]"), notice);
    }

    @Test
    void nothingFoundNamesEveryPlaceAndTheFix() {
        Path env = root.resolve("typo");
        DataException e = assertThrows(DataException.class, () -> FashionMnist.find(null, env.toString(), nowhere()));
        String message = e.getMessage();
        assertTrue(message.startsWith("Fashion-MNIST: none found in $RELUNET_DATA " + env + " (no such directory), "
                + "system package directory " + nowhere() + " (no such directory); "), message);
        assertTrue(message.endsWith("install with apt-get install -y dataset-fashion-mnist or set RELUNET_DATA to a directory holding the four files"), message);
    }

    @Test
    void fallsBackToTheEmbeddedSubsetWithANotice() {
        FashionMnist source = FashionMnist.findOrEmbedded(null, null, nowhere());
        assertTrue(source.isEmbedded());
        String notice = source.notice().orElseThrow();
        assertTrue(notice.contains("embedded") && notice.contains("apt-get install -y dataset-fashion-mnist"), notice);
        assertFalse(notice.contains("\n"));
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path dir = fakeSet("mismatch", 30, 20, true);
        Idx.writeLabels(dir.resolve(FashionMnist.TRAIN_LABELS + ".gz"), new int[29], Idx.Compression.GZIP);
        FashionMnist source = FashionMnist.find(dir, null, nowhere());
        DataException e = assertThrows(DataException.class, source::loadTrain);
        assertTrue(e.getMessage().startsWith(dir.resolve(FashionMnist.TRAIN_IMAGES + ".gz") + ": holds 30 images but "
                + dir.resolve(FashionMnist.TRAIN_LABELS + ".gz") + " holds 29 labels"), e.getMessage());
        assertEquals(20, source.loadTest().size(), "the test pair is still fine");
    }

    @Test
    void labelsBeyondTheTenClassesAreRejected() throws IOException {
        Path dir = fakeSet("bad-label", 10, 10, false);
        int[] labels = new int[10];
        labels[7] = 12;
        Idx.writeLabels(dir.resolve(FashionMnist.TEST_LABELS), labels, Idx.Compression.NONE);
        DataException e = assertThrows(DataException.class, () -> FashionMnist.find(dir, null, nowhere()).loadTest());
        assertTrue(e.problem().contains("label 12 at index 7 is outside 0..9"), e.getMessage());
    }

    @Test
    void aDamagedFileSaysHowToReinstall() throws IOException {
        Path dir = fakeSet("damaged", 10, 10, false);
        Path images = dir.resolve(FashionMnist.TRAIN_IMAGES);
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(bytes, bytes.length - 5));
        DataException e = assertThrows(DataException.class, () -> FashionMnist.find(dir, null, nowhere()).loadTrain());
        assertTrue(e.getMessage().startsWith(images + ": truncated: header promises 120 pixel bytes (10 x 3 x 4), data has 115; "), e.getMessage());
        assertTrue(e.fix().contains("apt-get install --reinstall dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void searchReportSaysWhatIsWhere() throws IOException {
        Path system = fakeSet("system", 10, 10, true);
        String report = FashionMnist.describeSearch(null, null, system);
        assertTrue(report.contains("$RELUNET_DATA: not set"), report);
        assertTrue(report.contains("system package directory " + system + ": complete"), report);
        assertTrue(report.contains(FashionMnist.TRAIN_IMAGES + ".gz  " + Files.size(system.resolve(FashionMnist.TRAIN_IMAGES + ".gz")) + " bytes"), report);
        assertTrue(report.contains("embedded subset classpath:/org/relunet/data/fashion-mnist-subset/: 10000 train, 2000 test images"), report);
        assertTrue(report.endsWith("Using: Fashion-MNIST in " + system), report);
        String fallback = FashionMnist.describeSearch(null, root.resolve("typo").toString(), nowhere());
        assertTrue(fallback.contains("$RELUNET_DATA " + root.resolve("typo") + ": no such directory"), fallback);
        assertTrue(fallback.endsWith("Using: embedded Fashion-MNIST subset (10000 train, 2000 test)"), fallback);
    }

    @Test
    void embeddedSubsetHasTenThousandAndTwoThousandBalancedImages() {
        FashionMnist embedded = FashionMnist.embedded();
        Dataset train = embedded.loadTrain();
        Dataset test = embedded.loadTest();
        assertArrayEquals(new int[] {10000, 1, 28, 28}, train.inputs().shape());
        assertArrayEquals(new int[] {2000, 1, 28, 28}, test.inputs().shape());
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        int[] twoHundred = new int[10];
        Arrays.fill(twoHundred, 200);
        assertArrayEquals(thousand, train.classCounts());
        assertArrayEquals(twoHundred, test.classCounts());
        for (Dataset d : new Dataset[] {train, test}) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : d.inputs().data) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(0f, min, d.name());
            assertEquals(1f, max, d.name());
        }
        assertEquals("fashion-mnist-subset train", train.name());
        assertArrayEquals(FashionMnist.classNames(), train.classNames());
    }

    @Test
    void realTestSetHasTenThousandImages() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY), "Fashion-MNIST package not installed");
        Dataset test = FashionMnist.find(FashionMnist.SYSTEM_DIRECTORY).loadTest();
        assertArrayEquals(new int[] {10000, 1, 28, 28}, test.inputs().shape());
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, test.classCounts());
    }

    /** The committed resources are exactly what {@link EmbeddedSubsetTool} derives from the installed full set. */
    @Test
    void embeddedSubsetIsReproducibleFromTheFullSet() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY), "Fashion-MNIST package not installed");
        FashionMnist full = FashionMnist.find(FashionMnist.SYSTEM_DIRECTORY);
        FashionMnist embedded = FashionMnist.embedded();
        Dataset fullTrain = full.loadTrain();
        assertEquals(60000, fullTrain.size());
        Dataset derivedTrain = EmbeddedSubsetTool.trainSubset(fullTrain);
        Dataset embeddedTrain = embedded.loadTrain();
        assertArrayEquals(derivedTrain.labels(), embeddedTrain.labels());
        assertArrayEquals(derivedTrain.inputs().data, embeddedTrain.inputs().data);
        Dataset derivedTest = EmbeddedSubsetTool.testSubset(full.loadTest());
        Dataset embeddedTest = embedded.loadTest();
        assertArrayEquals(derivedTest.labels(), embeddedTest.labels());
        assertArrayEquals(derivedTest.inputs().data, embeddedTest.inputs().data);
    }
}
