package org.relunet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.relunet.data.Dataset;
import org.relunet.data.FashionMnist;
import org.relunet.data.Synthetic;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Parameter;
import org.relunet.optim.Adam;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;

/** End-to-end learning on fixed seeds: these fail if any piece of the training step is wrong. */
class TrainerTest {

    private static Model spiralNet(long seed) {
        return Model.of(Shape.vector(2), LayerSpecParser.parse("dense(64) relu dense(64) relu dense(3)"), seed);
    }

    @Test void spiralsReach95PercentTrainAccuracyInAFixedNumberOfSteps() {
        Dataset spirals = Synthetic.spirals(600, 3, 0.05, 1);
        Model m = spiralNet(2);
        Trainer t = new Trainer(m, Adam.adam(0.01), new TrainingConfig(150, 32, 3));   // 150 * 19 = 2850 steps
        List<EpochResult> h = t.fit(spirals, null);
        double acc = Evaluation.of(m, spirals, 256).accuracy();
        assertTrue(acc >= 0.95, "spirals train accuracy " + acc);
        assertTrue(h.get(h.size() - 1).trainLoss() < h.get(0).trainLoss() / 4, "loss must fall: " + h.get(0) + " -> " + h.get(h.size() - 1));
    }

    @Test void aSmallCnnLearnsASliceOfFashionMnist() {
        FashionMnist fm = FashionMnist.embedded();
        Dataset train = fm.loadTrain().stratifiedSubset(100, 1);   // 1000 images
        Dataset test = fm.loadTest().stratifiedSubset(50, 2);      // 500 images
        Model m = Model.of(Shape.image(1, 28, 28),
                LayerSpecParser.parse("conv(8,5,pad=2) relu maxpool(2) conv(16,5,pad=2) relu maxpool(2) flatten dense(10)"), 4);
        double before = Evaluation.of(m, test, 250).accuracy();
        new Trainer(m, new Sgd(0.02, 0.9), new TrainingConfig(3, 32, 5)).fit(train, test);
        double after = Evaluation.of(m, test, 250).accuracy();   // chance is 0.10; 0.646 measured on this seed
        assertTrue(after >= 0.60, "small CNN on 1000 Fashion-MNIST images: test accuracy " + after + " (before " + before + ")");
    }

    @Test void sameSeedsGiveTheSameBits() {
        Dataset blobs = Synthetic.blobs(300, 4, 0.3, 7);
        float[][] a = train(blobs, 11), b = train(blobs, 11), c = train(blobs, 12);
        for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i]);
        boolean differs = false;
        for (int i = 0; i < a.length; i++) differs |= !java.util.Arrays.equals(a[i], c[i]);
        assertTrue(differs, "another shuffling seed must give other parameters");
    }

    private static float[][] train(Dataset d, long shuffleSeed) {
        Model m = Model.of(Shape.vector(2), LayerSpecParser.parse("dense(16) relu dropout(0.2) dense(4)"), 3);
        new Trainer(m, new Sgd(0.05, 0.9, true, 1e-4), new TrainingConfig(3, 20, shuffleSeed)).fit(d, d);
        List<float[]> out = new ArrayList<>();
        for (Parameter p : m.parameters()) out.add(p.value().clone());
        return out.toArray(new float[0][]);
    }

    @Test void divergenceStopsWithTheStepAndTheLayer() {
        Dataset blobs = Synthetic.blobs(200, 2, 0.1, 1);
        for (int i = 0; i < 10; i++) blobs.inputs().data[i] *= 1e30f;   // absurd inputs make the logits overflow
        Model m = Model.of(Shape.vector(2), LayerSpecParser.parse("dense(8) relu dense(8) relu dense(2)"), 1);
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> new Trainer(m, new Sgd(10.0, 0.9), new TrainingConfig(5, 50, 1)).fit(blobs, null));
        assertTrue(e.getMessage().contains("epoch") && e.getMessage().contains("step " + e.step()) && e.getMessage().contains("learning rate"), e.getMessage());
        assertTrue(e.getMessage().contains("layer") || e.getMessage().contains("parameter") || e.getMessage().contains("input"), e.getMessage());
    }

    @Test void listenersSeeEveryBatchAndEpoch() {
        Dataset blobs = Synthetic.blobs(105, 3, 0.2, 1);
        int[] counts = new int[3];
        Trainer t = new Trainer(spiralNet(1), new Sgd(0.1, 0.0), new TrainingConfig(2, 50, 1));
        t.addListener(new TrainingListener() {
            @Override public void onBatchEnd(Trainer tr, int epoch, int batch, int batches, double loss, int correct, int count) {
                counts[0]++;
                counts[1] += count;
                assertEquals(3, batches);
            }
            @Override public void onEpochEnd(Trainer tr, EpochResult r) { counts[2]++; }
        });
        t.fit(blobs, blobs);
        assertEquals(6, counts[0]);
        assertEquals(210, counts[1], "the last, smaller batch is kept");
        assertEquals(2, counts[2]);
        assertEquals(2, t.history().size());
        assertTrue(t.history().get(1).testAccuracy() >= 0);
    }

    @Test void wrongDataShapeOrClassCountIsAClearError() {
        Dataset blobs = Synthetic.blobs(30, 3, 0.2, 1);
        Model m = Model.of(Shape.vector(2), LayerSpecParser.parse("dense(4) relu dense(5)"), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(m, new Sgd(0.1, 0), new TrainingConfig(1, 10, 1)).fit(blobs, null));
        assertTrue(e.getMessage().contains("5 outputs") && e.getMessage().contains("3 classes"), e.getMessage());
        Model img = Model.of(Shape.image(1, 4, 4), LayerSpecParser.parse("flatten dense(3)"), 1);
        e = assertThrows(IllegalArgumentException.class, () -> new Trainer(img, new Sgd(0.1, 0), new TrainingConfig(1, 10, 1)).fit(blobs, null));
        assertTrue(e.getMessage().contains("(2)") && e.getMessage().contains("(1, 4, 4)"), e.getMessage());
    }
}
