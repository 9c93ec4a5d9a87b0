package org.relunet.inspect;

import java.util.List;

import org.relunet.nn.LayerSpec;
import org.relunet.nn.LayerSpec.ActivationSpec;
import org.relunet.nn.LayerSpec.Conv2dSpec;
import org.relunet.nn.LayerSpec.DenseSpec;
import org.relunet.nn.LayerSpec.DropoutSpec;
import org.relunet.nn.LayerSpec.FlattenSpec;
import org.relunet.nn.LayerSpec.PReLUSpec;
import org.relunet.nn.activation.ELU;
import org.relunet.nn.activation.Identity;
import org.relunet.nn.activation.LeakyReLU;
import org.relunet.nn.activation.ReLU;
import org.relunet.nn.activation.Sigmoid;
import org.relunet.nn.activation.Tanh;

/** What kind of operation a layer spec is, as the lint rules and the monitor see it. */
final class LayerKinds {
    private LayerKinds() {}

    /** Dense or Conv2d: a weighted sum. */
    static boolean isLinear(LayerSpec s) { return s instanceof DenseSpec || s instanceof Conv2dSpec; }

    /** Layers that are linear and parameter-free in inference: flatten, dropout, identity. */
    static boolean isTransparent(LayerSpec s) {
        return s instanceof FlattenSpec || s instanceof DropoutSpec || (s instanceof ActivationSpec a && a.function() instanceof Identity);
    }

    /** An element-wise activation other than identity, or PReLU. */
    static boolean isNonlinearActivation(LayerSpec s) {
        return s instanceof PReLUSpec || (s instanceof ActivationSpec a && !(a.function() instanceof Identity));
    }

    /** ReLU, LeakyReLU, PReLU, ELU: the rectifier family He initialisation is derived for. */
    static boolean isRectifier(LayerSpec s) {
        return s instanceof PReLUSpec || (s instanceof ActivationSpec a
                && (a.function() instanceof ReLU || a.function() instanceof LeakyReLU || a.function() instanceof ELU));
    }

    /** Sigmoid or tanh. */
    static boolean isSaturating(LayerSpec s) {
        return s instanceof ActivationSpec a && (a.function() instanceof Sigmoid || a.function() instanceof Tanh);
    }

    static boolean isIdempotent(LayerSpec s) { return s instanceof ActivationSpec a && a.function() instanceof ReLU; }

    /** The first activation after a weighted layer i, before the next weighted layer (as Model picks the default init), or null. */
    static LayerSpec nextActivation(List<LayerSpec> specs, int i) {
        for (int j = i + 1; j < specs.size(); j++) {
            LayerSpec s = specs.get(j);
            if (isNonlinearActivation(s)) return s;
            if (isLinear(s)) return null;
        }
        return null;
    }
}
