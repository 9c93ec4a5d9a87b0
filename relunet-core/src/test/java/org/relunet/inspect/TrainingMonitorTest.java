package org.relunet.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relunet.data.Dataset;
import org.relunet.data.Synthetic;
import org.relunet.io.Json;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.Dense;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Parameter;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;

class TrainingMonitorTest {
    static final Dataset TRAIN = Synthetic.blobs(240, 3, 0.3, 1);
    static final Dataset PROBE = Synthetic.blobs(50, 3, 0.3, 2);

    static Model net(long seed) { return Model.of(Shape.vector(2), LayerSpecParser.parse("dense(16) relu dense(16) relu dense(3)"), seed); }

    @Test void writesCsvAndJsonWithOneRowPerEpochAndLayer(@TempDir Path dir) throws IOException {
        Model m = net(1);
        TrainingMonitor monitor = new TrainingMonitor(PROBE, dir);
        new Trainer(m, new Sgd(0.05, 0.9), new TrainingConfig(3, 32, 1)).addListener(monitor).fit(TRAIN, null);
        List<String> csv = Files.readAllLines(dir.resolve(TrainingMonitor.CSV_FILE));
        assertEquals("epoch,layer,name,units,grad_norm,update_ratio_log10,epoch_update_ratio_log10,act_mean,act_std,zero_fraction,dead_fraction", csv.get(0));
        assertEquals(1 + 3 * 5, csv.size());
        String[] dense = csv.get(1).split(",", -1), relu = csv.get(2).split(",", -1), last = csv.get(15).split(",", -1);
        assertEquals(11, dense.length);
        assertEquals(List.of("1", "0", "dense(16)", "16"), List.of(dense).subList(0, 4));
        assertTrue(Double.parseDouble(dense[4]) > 0 && !dense[5].isEmpty() && !dense[6].isEmpty(), csv.get(1));
        assertTrue(dense[10].isEmpty(), "dead fraction applies to rectifiers only: " + csv.get(1));
        assertEquals("relu", relu[2]);
        assertTrue(relu[4].isEmpty() && !relu[10].isEmpty(), csv.get(2));
        assertEquals("3", last[0]);
        assertEquals("dense(3)", last[2]);
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(dir.resolve(TrainingMonitor.JSON_FILE)));
        assertEquals(50.0, json.get("probe_samples"));
        assertEquals(List.of(), json.get("warnings"));
        List<?> rows = (List<?>) json.get("rows");
        assertEquals(15, rows.size());
        Map<?, ?> first = (Map<?, ?>) rows.get(0), second = (Map<?, ?>) rows.get(1);
        assertEquals(List.of(csv.get(0).split(",")), first.keySet().stream().map(Object::toString).toList());
        assertEquals("relu", second.get("name"));
        assertEquals(null, first.get("dead_fraction"));
        assertEquals(Double.parseDouble(dense[4]), (Double) first.get("grad_norm"), 1e-9 * Double.parseDouble(dense[4]));
        assertEquals(15, monitor.history().size());
        assertEquals(5, monitor.epoch(2).size());
        assertTrue(monitor.warnings().isEmpty(), monitor.warnings().toString());
    }

    @Test void measuresWhatTheModelComputesOnTheProbe() {
        Model m = net(2);
        TrainingMonitor monitor = new TrainingMonitor(PROBE, null);
        new Trainer(m, new Sgd(0.05, 0.0), new TrainingConfig(2, 32, 1)).addListener(monitor).fit(TRAIN, null);
        List<LayerStats> rows = monitor.epoch(2);
        // activation statistics of layer 1 (relu) from a direct forward pass over the whole probe at once
        Tensor h = m.layers().get(1).forward(m.layers().get(0).forward(PROBE.inputs(), false), false);
        double s = 0, s2 = 0;
        int zeros = 0;
        boolean[] alive = new boolean[16];
        for (int j = 0; j < h.data.length; j++) {
            s += h.data[j];
            s2 += (double) h.data[j] * h.data[j];
            if (h.data[j] == 0f) zeros++;
            if (h.data[j] > 0f) alive[j % 16] = true;
        }
        double mean = s / h.data.length;
        int dead = 0;
        for (boolean a : alive) if (!a) dead++;
        LayerStats relu = rows.get(1);
        assertEquals(mean, relu.activationMean(), 1e-6);
        assertEquals(Math.sqrt(s2 / h.data.length - mean * mean), relu.activationStd(), 1e-6);
        assertEquals((double) zeros / h.data.length, relu.zeroFraction(), 1e-12);
        assertEquals(dead / 16.0, relu.deadFraction(), 1e-12);
        // gradient norms: the monitor's chunks of 32 and 18 samples against one batch of 50
        m.zeroGrad();
        SoftmaxCrossEntropy.Result r = new SoftmaxCrossEntropy().forwardBackward(m.forward(PROBE.inputs(), false), PROBE.labels());
        m.backward(r.dLogits());
        for (int layer : new int[] {0, 2, 4}) {
            double g = 0;
            for (float v : m.layers().get(layer).parameters().get(0).grad()) g += (double) v * v;
            assertEquals(Math.sqrt(g), rows.get(layer).gradientNorm(), 1e-5 * Math.sqrt(g), "layer " + layer);
        }
        // plain SGD moves the weights a little per step and more per epoch
        for (int layer : new int[] {0, 2, 4}) {
            LayerStats d = rows.get(layer);
            assertTrue(d.updateRatio() < -1 && d.updateRatio() > -6, d.toString());
            assertTrue(d.epochUpdateRatio() > d.updateRatio(), d.toString());
        }
    }

    @Test void updateRatioIsLog10OfMeanUpdateOverMeanWeight() {
        assertEquals(-1.0, TrainingMonitor.updateRatio(new float[] {1, -1}, new float[] {0.9f, -1.1f}), 1e-6);
        assertEquals(Double.NEGATIVE_INFINITY, TrainingMonitor.updateRatio(new float[] {2}, new float[] {2}));
        assertTrue(Double.isNaN(TrainingMonitor.updateRatio(new float[] {0}, new float[] {1})));
    }

    @Test void warnsOnceWhenMostUnitsDie(@TempDir Path dir) throws IOException {
        Model m = net(3);
        Dense first = (Dense) m.layers().get(0);
        java.util.Arrays.fill(first.bias().value(), -100f);   // every pre-activation far below 0: the relu layer is dead
        List<MonitorWarning> seen = new ArrayList<>();
        TrainingMonitor monitor = new TrainingMonitor(PROBE, dir).onWarning(seen::add);
        new Trainer(m, new Sgd(0.01, 0.0), new TrainingConfig(3, 32, 1)).addListener(monitor).fit(TRAIN, null);
        assertEquals(1.0, monitor.epoch(1).get(1).deadFraction());
        assertEquals(1.0, monitor.epoch(3).get(1).deadFraction());
        List<MonitorWarning> dead = monitor.warnings().stream().filter(w -> w.rule().equals(MonitorWarning.DEAD_UNITS)).toList();
        assertEquals(2, dead.size(), "layer 1 dies, and layer 3 with it (it only sees its bias): " + dead);
        assertEquals(1, dead.get(0).epoch());
        assertEquals(1, dead.get(0).layer());
        assertTrue(dead.get(0).message().contains("100% of its 16 units"), dead.get(0).message());
        assertEquals(monitor.warnings(), seen);
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(dir.resolve(TrainingMonitor.JSON_FILE)));
        assertEquals("dead-units", ((Map<?, ?>) ((List<?>) json.get("warnings")).get(0)).get("rule"));
        // a healthy network raises nothing
        TrainingMonitor healthy = new TrainingMonitor(PROBE, null);
        new Trainer(net(3), new Sgd(0.01, 0.0), new TrainingConfig(1, 32, 1)).addListener(healthy).fit(TRAIN, null);
        assertEquals(List.of(), healthy.warnings());
    }

    @Test void warnsWhenTheFirstLayersGradientVanishes() {
        Model m = Model.of(Shape.vector(2), LayerSpecParser.parse("dense(16) relu dense(16) relu dense(3)"), 4);
        Dense middle = (Dense) m.layers().get(2);
        for (int i = 0; i < middle.weight().size(); i++) middle.weight().value()[i] *= 1e-5f;   // gradient to layer 0 shrinks 1e5-fold
        java.util.Arrays.fill(middle.bias().value(), 1f);                                    // while layer 4 still sees signal
        TrainingMonitor monitor = new TrainingMonitor(PROBE, null);
        new Trainer(m, new Sgd(1e-4, 0.0), new TrainingConfig(1, 32, 1)).addListener(monitor).fit(TRAIN, null);
        List<MonitorWarning> w = monitor.warnings();
        assertEquals(1, w.size(), w.toString());
        assertEquals(MonitorWarning.VANISHING_GRADIENT, w.get(0).rule());
        assertEquals(0, w.get(0).layer());
        TrainingMonitor strict = new TrainingMonitor(PROBE, null, new TrainingMonitor.Thresholds(0.5, 1e-9));
        new Trainer(net(4), new Sgd(1e-4, 0.0), new TrainingConfig(1, 32, 1)).addListener(strict).fit(TRAIN, null);
        assertEquals(List.of(), strict.warnings());
    }

    @Test void trainingGivesTheSameBitsWithOrWithoutTheMonitor() {
        String spec = "dense(16) relu dropout(0.3) dense(16) relu dense(3)";
        Model a = Model.of(Shape.vector(2), LayerSpecParser.parse(spec), 5), b = Model.of(Shape.vector(2), LayerSpecParser.parse(spec), 5);
        new Trainer(a, new Sgd(0.05, 0.9), new TrainingConfig(3, 32, 6)).fit(TRAIN, PROBE);
        new Trainer(b, new Sgd(0.05, 0.9), new TrainingConfig(3, 32, 6)).addListener(new TrainingMonitor(PROBE, null)).fit(TRAIN, PROBE);
        List<Parameter> pa = a.parameters(), pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) assertArrayEquals(pa.get(i).value(), pb.get(i).value(), "parameter " + i);
    }

    @Test void rejectsAnEmptyOrMisshapenProbe() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingMonitor(PROBE.head(0), null));
        TrainingMonitor m = new TrainingMonitor(Synthetic.blobs(10, 3, 0.1, 1), null);
        Model wide = Model.of(Shape.vector(3), LayerSpecParser.parse("dense(3)"), 1);
        Dataset three = new Dataset("three", Tensor.zeros(6, 3), new int[6], 3, new String[] {"a", "b", "c"});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(wide, new Sgd(0.1, 0), new TrainingConfig(1, 2, 1)).addListener(m).fit(three, null));
        assertTrue(e.getMessage().contains("probe set"), e.getMessage());
    }
}
