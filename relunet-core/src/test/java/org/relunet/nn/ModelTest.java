package org.relunet.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.relunet.init.Initializer;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

class ModelTest {

    @Test void cnnPresetHasTheSeedsForwardPassAndWorkloadShapes() {
        Model cnn = Presets.cnn(0);
        List<Layer> l = cnn.layers();
        assertInstanceOf(Conv2d.class, l.get(0));
        assertInstanceOf(Activation.class, l.get(1));
        assertInstanceOf(MaxPool2d.class, l.get(2));
        assertInstanceOf(Conv2d.class, l.get(3));
        assertEquals(Shape.image(32, 28, 28), l.get(0).outputShape());
        assertEquals(Shape.image(64, 7, 7), l.get(5).outputShape());
        assertEquals(Shape.vector(3136), l.get(6).outputShape());
        assertEquals(Shape.vector(10), cnn.outputShape());
        // 1*25*32+32 + 32*25*64+64 + 3136*10+10
        assertEquals(832 + 51264 + 31370, cnn.parameterCount());
        assertEquals(Initializer.HE_NORMAL, ((Conv2d) l.get(0)).initializer());
        String summary = cnn.summary();
        assertTrue(summary.contains("conv(32,5,pad=2)") && summary.contains("(64, 7, 7)") && summary.contains("83,466"), summary);
    }

    @Test void mlpPresetMatchesW1() {
        Model mlp = Presets.mlp(0);
        assertEquals(784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10, mlp.parameterCount());
        assertEquals(2L * (784 * 256 + 256 * 256 + 256 * 10) + 512, mlp.flopsPerSample());
    }

    @Test void onlyLayersAfterTheFirstParametrisedOneComputeAnInputGradient() {
        // MLP: flatten first; its dense(256) needs no dIn (a 128x784x256 GEMM a step), the next dense does
        List<Layer> mlp = Presets.mlp(0).layers();
        assertTrue(!((Dense) mlp.get(1)).inputGradient && ((Dense) mlp.get(3)).inputGradient);
        List<Layer> cnn = Presets.cnn(0).layers();
        assertTrue(!((Conv2d) cnn.get(0)).inputGradient && ((Conv2d) cnn.get(3)).inputGradient);
        Model m = Model.builder(Shape.vector(8)).dense(4).relu().dense(2).seed(1).build();
        Tensor x = Tensor.zeros(3, 8);
        m.forward(x, true);
        assertEquals(null, m.layers().get(0).backward(Tensor.zeros(3, 4)));
    }

    @Test void chunkedInferenceGivesTheSameBitsAsOnePassOverTheBatch() {
        // 37 images: chunks of 13, 13 and 11 (padded to 13); one pass through the layers as reference
        for (Model m : new Model[] {Presets.cnn(0), Presets.mlp(0)}) {
            int n = 2 * Model.INFERENCE_CHUNK + 5;
            Tensor x = Tensor.zeros(n, m.inputShape());
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
            for (int i = 0; i < x.size(); i++) x.data[i] = (float) rnd.nextDouble();
            Tensor t = x;
            for (Layer layer : m.layers()) t = layer.forward(t, false);
            float[] expected = t.data.clone();
            float[] chunked = m.infer(x).data;
            assertEquals(n * 10, chunked.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(chunked[i]), "logit " + i);
            }
        }
    }

    @Test void heInitHasTheRightSpread() {
        Model m = Model.builder(Shape.vector(1000)).dense(500).relu().dense(10).seed(3).build();
        float[] w = m.parameters().get(0).value();
        double s = 0, s2 = 0;
        for (float v : w) { s += v; s2 += v * v; }
        double mean = s / w.length, std = Math.sqrt(s2 / w.length - mean * mean);
        assertEquals(Math.sqrt(2.0 / 1000), std, 0.002);
        assertEquals(0, mean, 0.002);
        for (float b : m.parameters().get(1).value()) assertEquals(0f, b);
    }

    @Test void xavierBeforeTanhAndSigmoidByDefault() {
        Model m = Model.builder(Shape.vector(4)).dense(4).tanh().dense(4).relu().dense(2).build();
        assertEquals(Initializer.XAVIER_NORMAL, ((Dense) m.layers().get(0)).initializer());
        assertEquals(Initializer.HE_NORMAL, ((Dense) m.layers().get(2)).initializer());
    }

    @Test void sameSeedSameWeightsOtherSeedOtherWeights() {
        assertArrayEquals(Presets.mlp(5).parameters().get(0).value(), Presets.mlp(5).parameters().get(0).value());
        assertNotEquals(Presets.mlp(5).parameters().get(0).value()[0], Presets.mlp(6).parameters().get(0).value()[0]);
    }

    @Test void shapeMismatchNamesTheLayerAndBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Model.of(Shape.image(1, 28, 28), LayerSpecParser.parse("conv(8,3) relu dense(10)"), 0));
        assertTrue(e.getMessage().contains("layer 2") && e.getMessage().contains("(8, 26, 26)") && e.getMessage().contains("flatten"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Model.of(Shape.vector(10), LayerSpecParser.parse("conv(8,3)"), 0));
        assertTrue(e.getMessage().contains("(10)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Model.of(Shape.image(1, 4, 4), LayerSpecParser.parse("conv(8,7)"), 0));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Presets.mlp(0).forward(Tensor.zeros(2, 784), false));
        assertTrue(e.getMessage().contains("(N, 1, 28, 28)") && e.getMessage().contains("(2, 784)"), e.getMessage());
    }

    @Test void specTextRoundTrips() {
        String spec = "conv(32,5,pad=2) relu maxpool(2) conv(8,3,stride=2,init=xavier_uniform) prelu maxpool(3,stride=2) "
                + "flatten dropout(0.25) dense(64,init=lecun_normal) leaky_relu(0.1) dense(32) elu(0.5) dense(16) gelu "
                + "dense(10) silu softplus sigmoid tanh identity prelu(0.1) softmax";
        List<LayerSpec> parsed = LayerSpecParser.parse(spec);
        assertEquals(spec, LayerSpecParser.format(parsed));
        assertEquals(parsed, LayerSpecParser.parse(LayerSpecParser.format(parsed)));
    }

    @Test void badSpecTokensPointAtTheTokenAndListWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerSpecParser.parse("flatten dense(10) rleu"));
        assertTrue(e.getMessage().contains("token 3 'rleu'") && e.getMessage().contains("unknown layer") && e.getMessage().contains("leaky_relu"), e.getMessage());
        for (String bad : new String[] {"dense(x)", "dense()", "conv(3)", "conv(3,3,foo=1)", "dense(10", "dropout(1.5)", "dense(0)",
                "conv(3,3,pad=-1)", "leaky_relu(nan)", "dense(10,init=magic)", "maxpool(2,3,4)", "dense(10,units=5)"}) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> LayerSpecParser.parse(bad), bad);
            assertTrue(x.getMessage().contains("'" + bad + "'"), x.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> LayerSpecParser.parse("  "));
    }

    @Test void predictGivesProbabilities() {
        Model m = Presets.mlp(1);
        Tensor x = Tensor.zeros(3, 1, 28, 28);
        for (int i = 0; i < x.size(); i++) x.data[i] = (i % 17) / 17f;
        Tensor p = m.predict(x);
        for (int r = 0; r < 3; r++) {
            double s = 0;
            for (int j = 0; j < 10; j++) {
                assertTrue(p.data[r * 10 + j] >= 0);
                s += p.data[r * 10 + j];
            }
            assertEquals(1.0, s, 1e-5);
        }
    }
}
