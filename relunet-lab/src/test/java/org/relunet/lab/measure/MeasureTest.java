package org.relunet.lab.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.relunet.data.Dataset;
import org.relunet.data.Synthetic;
import org.relunet.nn.Dense;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.optim.Adam;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

class MeasureTest {

    private static Model net(String spec, long seed) { return Model.of(Shape.vector(2), LayerSpecParser.parse(spec), seed); }

    @Test void trainLoopFindsTheThresholdCrossingAndStopsSoonAfter() {
        Dataset blobs = Synthetic.blobs(600, 3, 0.3, 1);
        TrainLoop.Config c = new TrainLoop.Config(32, 20, 100, 0.1, 0.2, 1.25, Double.NaN, 1, 7);
        TrainLoop.Result r = TrainLoop.run(net("dense(32) relu dense(3)", 2), Adam.adam(0.01), blobs, c);
        assertEquals(TrainLoop.Status.REACHED, r.status());
        assertTrue(r.epochsToThreshold() > 0 && r.epochsToThreshold() <= r.epochs(), r.toString());
        assertTrue(r.epochs() <= 1.25 * r.epochsToThreshold() + 32.0 / 600 + 1e-9, "overran: " + r);   // one batch past 1.25x
        assertTrue(r.secondsToThreshold() <= r.seconds());
        double[] epochs = r.curve().stream().mapToDouble(TrainLoop.Point::epochs).toArray();
        for (int i = 1; i < epochs.length; i++) assertTrue(epochs[i] > epochs[i - 1]);
    }

    @Test void trainLoopReportsDivergenceAndStalls() {
        Dataset blobs = Synthetic.blobs(300, 3, 0.3, 1);
        TrainLoop.Result diverged = TrainLoop.run(net("dense(32) relu dense(3)", 2), new Sgd(1e6, 0.9), blobs,
                TrainLoop.Config.epochs(32, 3, 0.5, 1));
        assertEquals(TrainLoop.Status.DIVERGED, diverged.status());
        // a learning rate too small to move: still far from the threshold after one epoch of two
        TrainLoop.Result stalled = TrainLoop.run(net("dense(32) relu dense(3)", 2), new Sgd(1e-9, 0), blobs,
                new TrainLoop.Config(32, 2, 100, 0.25, 0.05, 1, 1.0, 0.2, 1));
        assertEquals(TrainLoop.Status.STALLED, stalled.status());
        assertTrue(stalled.epochs() < 1.5, stalled.toString());
    }

    @Test void trainLoopHooksRunAtTheStartAndEveryCheckpoint() {
        Dataset blobs = Synthetic.blobs(200, 2, 0.3, 1);
        int[] calls = {0};
        TrainLoop.run(net("dense(8) relu dense(2)", 2), new Sgd(0.01, 0.9), blobs, TrainLoop.Config.epochs(20, 2, 0.5, 1), (e, m) -> calls[0]++);
        assertEquals(1 + 4, calls[0]);
    }

    @Test void unitActivityCountsDeadUnitsAndExactZeros() {
        Model m = net("dense(3) relu dense(2)", 1);
        Dense first = (Dense) m.layers().get(0);
        Arrays.fill(first.weight().value(), 0f);
        Arrays.fill(first.bias().value(), -1f);
        first.bias().value()[2] = 1f;   // unit 2 always fires
        Tensor x = new Tensor(new float[] {1, 2, -3, 4, 0.5f, -0.5f}, 3, 2);
        UnitActivity.Snapshot s = UnitActivity.measure(m, x, 2);
        assertEquals(2, s.dead());
        assertEquals(2.0 / 3, s.deadFraction(), 1e-12);
        assertEquals(2.0 / 3, s.exactZeroFraction(), 1e-12);
        first.bias().value()[0] = 1f;
        UnitActivity.Snapshot later = UnitActivity.measure(m, x, 3);
        assertEquals(0.5, s.recoveredIn(later), 1e-12);
    }

    @Test void layerProbeMeasuresEveryDenseLayer() {
        Model m = net("dense(16) tanh dense(16) tanh dense(3)", 3);
        Dataset blobs = Synthetic.blobs(64, 3, 0.3, 1);
        LayerProbe.Stats s = LayerProbe.measure(m, blobs.inputs(), blobs.labels());
        assertEquals(3, s.layers());
        for (int l = 0; l < 3; l++) assertTrue(s.deltaNorm()[l] > 0 && s.weightGradNorm()[l] > 0 && s.activationStd()[l] > 0);
        // the weight gradient it leaves behind is the one of the mean loss over the batch
        assertEquals(Stats.norm(((Dense) m.layers().get(4)).weight().grad()), s.weightGradNorm()[2], 1e-12);
        assertTrue(s.loss() > 0);
    }

    @Test void statsFitALine() {
        Stats.Line l = Stats.fit(new double[] {1, 2, 3, 4}, new double[] {3, 5, 7, 9});
        assertEquals(2, l.slope(), 1e-12);
        assertEquals(1, l.intercept(), 1e-12);
        assertEquals(1, l.r2(), 1e-12);
        assertEquals(Math.sqrt(2.0 / 3), Stats.sd(new double[] {1, 2, 2, 3}) , 1e-12);
        assertEquals("1.50 ± 0.71", Stats.pm(new double[] {1, 2}, 2));
    }
}
