package org.relunet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relunet.data.Dataset;
import org.relunet.init.Rng;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.optim.Adam;
import org.relunet.optim.Optimizer;
import org.relunet.optim.Schedule;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;
import org.relunet.train.EpochResult;
import org.relunet.train.NonFiniteException;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;
import org.relunet.train.TrainingListener;

/** Stopping after two epochs, saving, loading into fresh objects and training on gives the uninterrupted run's bits. */
class CheckpointResumeTest {
    @TempDir Path dir;

    static final String SPEC = "dense(16) relu dropout(0.2) dense(16) prelu dense(3)";

    /** Three interleaved noisy spirals in the plane: (N, 2) points, labels 0..2. */
    static Dataset spirals(int n, long seed) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.zeros(n, Shape.vector(2));
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            double t = rng.nextDouble() * 3, angle = t + c * 2 * Math.PI / 3;
            x.data[2 * i] = (float) (t * Math.cos(angle) / 3 + 0.05 * rng.nextGaussian());
            x.data[2 * i + 1] = (float) (t * Math.sin(angle) / 3 + 0.05 * rng.nextGaussian());
            y[i] = c;
        }
        return new Dataset("spirals", x, y, 3, new String[] {"a", "b", "c"});
    }

    static TrainingConfig config() { return new TrainingConfig(4, 32, 99, true, new Schedule.Cosine(0.1)); }

    static Model model(long seed) { return Model.of(Shape.vector(2), LayerSpecParser.parse(SPEC), seed); }

    @Test void resumeWithAdamWGivesTheSameBits() { resumeMatches(() -> Adam.adamW(0.01, 0.01)); }

    @Test void resumeWithSgdMomentumGivesTheSameBits() { resumeMatches(() -> new Sgd(0.1, 0.9, true, 1e-4)); }

    void resumeMatches(Supplier<Optimizer> optimizer) {
        Dataset train = spirals(300, 1), test = spirals(90, 2);

        Trainer whole = new Trainer(model(5), optimizer.get(), config());
        List<EpochResult> expected = whole.fit(train, test);

        Trainer first = new Trainer(model(5), optimizer.get(), config());
        Checkpointer checkpointer = new Checkpointer(dir, Map.of("data", "spirals"));
        first.addListener(checkpointer).addListener(new TrainingListener() {
            @Override public void onEpochEnd(Trainer t, EpochResult r) { if (r.epoch() == 2) t.requestStop(); }
        });
        first.fit(train, test);
        assertEquals(2, checkpointer.lastEpoch());
        Path file = Checkpointer.file(dir);
        assertTrue(Files.exists(file));

        // Fresh objects, a different initial seed: everything must come from the file.
        ModelFile.Contents saved = ModelFile.read(file);
        assertEquals(Map.of("data", "spirals"), saved.settings());
        assertEquals(2, saved.training().orElseThrow().state().epochsDone());
        Trainer second = new Trainer(model(12345), optimizer.get(), config());
        ModelFile.loadCheckpoint(file, second);
        assertEquals(2, second.epochsDone());
        List<EpochResult> resumed = second.fit(train, test);

        assertEquals(4, resumed.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i).trainLoss(), resumed.get(i).trainLoss(), "epoch " + (i + 1));
            assertEquals(expected.get(i).testAccuracy(), resumed.get(i).testAccuracy(), "epoch " + (i + 1));
            assertEquals(expected.get(i).learningRate(), resumed.get(i).learningRate(), "epoch " + (i + 1));
        }
        for (int i = 0; i < whole.model().parameters().size(); i++) {
            assertArrayEquals(ModelFileTest.bits(whole.model().parameters().get(i).value()),
                    ModelFileTest.bits(second.model().parameters().get(i).value()), whole.model().parameterNames().get(i));
        }
        assertEquals(whole.optimizer().steps(), second.optimizer().steps());
    }

    @Test void resumingWithOtherSettingsIsRefusedNamingTheDifference() {
        Dataset train = spirals(90, 1);
        Trainer first = new Trainer(model(5), new Sgd(0.1, 0.9), config());
        first.addListener(new Checkpointer(dir));
        first.fit(train, null);
        Path file = Checkpointer.file(dir);

        Trainer otherBatch = new Trainer(model(5), new Sgd(0.1, 0.9), new TrainingConfig(4, 16, 99, true, new Schedule.Cosine(0.1)));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.loadCheckpoint(file, otherBatch));
        assertTrue(e.getMessage().contains("batch size 32 but this run uses 16"), e.getMessage());

        Trainer otherOptimizer = new Trainer(model(5), Adam.adam(0.1), config());
        e = assertThrows(ModelFileException.class, () -> ModelFile.loadCheckpoint(file, otherOptimizer));
        assertTrue(e.getMessage().contains("optimiser sgd but this run uses adam"), e.getMessage());

        Trainer otherMomentum = new Trainer(model(5), new Sgd(0.1, 0.5), config());
        e = assertThrows(ModelFileException.class, () -> ModelFile.loadCheckpoint(file, otherMomentum));
        assertTrue(e.getMessage().contains("optimiser settings"), e.getMessage());

        Trainer otherModel = new Trainer(Model.of(Shape.vector(2), LayerSpecParser.parse("dense(3)"), 5), new Sgd(0.1, 0.9), config());
        e = assertThrows(ModelFileException.class, () -> ModelFile.loadCheckpoint(file, otherModel));
        assertTrue(e.getMessage().contains("resume with the same layers"), e.getMessage());

        Trainer fewerEpochs = new Trainer(model(5), new Sgd(0.1, 0.9), new TrainingConfig(2, 32, 99, true, new Schedule.Cosine(0.1)));
        e = assertThrows(ModelFileException.class, () -> ModelFile.loadCheckpoint(file, fewerEpochs));
        assertTrue(e.getMessage().contains("give at least 4 epochs"), e.getMessage());

        Path plain = dir.resolve("plain.rnm");
        ModelFile.save(model(5), plain);
        e = assertThrows(ModelFileException.class, () -> ModelFile.loadCheckpoint(plain, first));
        assertTrue(e.getMessage().contains("no training state"), e.getMessage());
    }

    @Test void divergenceKeepsTheLastGoodCheckpoint() {
        Dataset train = spirals(90, 1);
        Trainer trainer = new Trainer(model(5), new Sgd(0.1, 0.9), new TrainingConfig(6, 30, 1));
        Checkpointer checkpointer = new Checkpointer(dir);
        trainer.addListener(checkpointer).addListener(new TrainingListener() {
            @Override public void onEpochEnd(Trainer t, EpochResult r) {
                // Poison the weights after epoch 2, as an exploding step would.
                if (r.epoch() == 2) t.model().parameters().get(0).value()[0] = Float.NaN;
            }
        });
        assertThrows(NonFiniteException.class, () -> trainer.fit(train, null));
        // Epoch 2 was saved before the listener poisoned it; epoch 3 diverged and must not have been.
        ModelFile.Contents kept = ModelFile.read(Checkpointer.file(dir));
        assertEquals(2, kept.training().orElseThrow().state().epochsDone());
        for (float v : kept.model().parameters().get(0).value()) assertTrue(Float.isFinite(v));
    }
}
