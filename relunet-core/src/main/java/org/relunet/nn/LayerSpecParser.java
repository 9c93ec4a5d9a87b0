package org.relunet.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.relunet.init.Initializer;
import org.relunet.nn.activation.ELU;
import org.relunet.nn.activation.GELU;
import org.relunet.nn.activation.Identity;
import org.relunet.nn.activation.LeakyReLU;
import org.relunet.nn.activation.ReLU;
import org.relunet.nn.activation.SiLU;
import org.relunet.nn.activation.Sigmoid;
import org.relunet.nn.activation.Softplus;
import org.relunet.nn.activation.Tanh;

/**
 * Reads and writes the layer spec text: layers separated by spaces, each a name with optional
 * arguments in parentheses, positional first, then {@code key=value}.
 * <pre>
 *   conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(10)
 *   flatten dense(256) relu dense(256) relu dense(10)
 * </pre>
 * A bad token is an {@link IllegalArgumentException} naming the token, its position and what is allowed.
 */
public final class LayerSpecParser {

    /** Every token the parser accepts, for error messages and the README. */
    public static final String ALLOWED = "dense(units[,init=NAME]), conv(filters,kernel[,stride=1][,pad=0][,init=NAME]), "
            + "maxpool(window[,stride=window]), flatten, dropout(rate), relu, leaky_relu[(slope=0.01)], prelu[(slope=0.25)], "
            + "elu[(alpha=1)], gelu, silu, softplus, sigmoid, tanh, identity, softmax, "
            + "hadamard[(norm=true)], signs[(seed=1)], diag, switch_diag[(pos=1,neg=0)], circulant[(init=NAME)], "
            + "fastfood[(width=0,seed=1)], switchnet[(depth=1,width=0,seed=1)]; "
            + "init NAME: he_normal, he_uniform, xavier_normal, xavier_uniform, lecun_normal, lecun_uniform";

    private LayerSpecParser() {}

    /** The text form of a list of specs, the inverse of {@link #parse}. */
    public static String format(List<LayerSpec> specs) {
        StringBuilder b = new StringBuilder();
        for (LayerSpec s : specs) {
            if (!b.isEmpty()) b.append(' ');
            b.append(s.text());
        }
        return b.toString();
    }

    /** Parses a whole spec such as {@code "flatten dense(256) relu dense(10)"}. */
    public static List<LayerSpec> parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty layer spec; allowed layers: " + ALLOWED);
        List<LayerSpec> specs = new ArrayList<>();
        int i = 0, n = text.length(), index = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) i++;
            if (i >= n) break;
            int start = i, depth = 0;
            while (i < n && (depth > 0 || !Character.isWhitespace(text.charAt(i)))) {
                char c = text.charAt(i);
                if (c == '(') depth++;
                if (c == ')') depth--;
                i++;
            }
            String token = text.substring(start, i);
            index++;
            try {
                specs.add(parseToken(token));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer spec token " + index + " '" + token + "' (column " + (start + 1)
                        + "): " + e.getMessage() + "; allowed: " + ALLOWED, e);
            }
        }
        return specs;
    }

    /** Parses one token such as {@code conv(32,5,pad=2)}. */
    public static LayerSpec parseToken(String token) {
        String t = token.trim();
        String name;
        List<String> positional = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        int open = t.indexOf('(');
        if (open < 0) {
            name = t;
        } else {
            if (!t.endsWith(")")) throw new IllegalArgumentException("missing ')'");
            name = t.substring(0, open);
            String inner = t.substring(open + 1, t.length() - 1).trim();
            if (!inner.isEmpty()) {
                for (String part : inner.split(",")) {
                    String p = part.trim();
                    if (p.isEmpty()) throw new IllegalArgumentException("empty argument");
                    int eq = p.indexOf('=');
                    if (eq >= 0) {
                        String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                        if (named.put(key, p.substring(eq + 1).trim()) != null) throw new IllegalArgumentException("argument '" + key + "' given twice");
                    } else {
                        if (!named.isEmpty()) throw new IllegalArgumentException("positional argument '" + p + "' after a named one");
                        positional.add(p);
                    }
                }
            }
        }
        Args a = new Args(name.toLowerCase(Locale.ROOT), positional, named);
        LayerSpec spec = switch (a.name) {
            case "dense", "linear", "fc" -> new LayerSpec.DenseSpec(a.integer(0, "units", null), a.init());
            case "conv", "conv2d" -> new LayerSpec.Conv2dSpec(a.integer(0, "filters", null), a.integer(1, "kernel", null),
                    a.integer(2, "stride", 1), a.integer(3, "pad", 0), a.init());
            case "maxpool", "maxpool2d", "pool" -> {
                int window = a.integer(0, "window", null);
                yield new LayerSpec.MaxPool2dSpec(window, a.integer(1, "stride", window));
            }
            case "flatten" -> new LayerSpec.FlattenSpec();
            case "dropout" -> new LayerSpec.DropoutSpec(a.real(0, "rate", null));
            case "relu" -> new LayerSpec.ActivationSpec(new ReLU());
            case "leaky_relu", "leakyrelu", "lrelu" -> new LayerSpec.ActivationSpec(new LeakyReLU(a.real(0, "slope", LeakyReLU.DEFAULT_SLOPE)));
            case "prelu" -> new LayerSpec.PReLUSpec(a.real(0, "slope", LayerSpec.PReLUSpec.DEFAULT_SLOPE));
            case "elu" -> new LayerSpec.ActivationSpec(new ELU(a.real(0, "alpha", 1f)));
            case "gelu" -> new LayerSpec.ActivationSpec(new GELU());
            case "silu", "swish" -> new LayerSpec.ActivationSpec(new SiLU());
            case "softplus" -> new LayerSpec.ActivationSpec(new Softplus());
            case "sigmoid", "logistic" -> new LayerSpec.ActivationSpec(new Sigmoid());
            case "tanh" -> new LayerSpec.ActivationSpec(new Tanh());
            case "identity", "linear_act" -> new LayerSpec.ActivationSpec(new Identity());
            case "softmax" -> new LayerSpec.SoftmaxSpec();
            case "hadamard", "wht" -> new LayerSpec.HadamardSpec(a.bool(0, "norm", true));
            case "signs", "random_signs" -> new LayerSpec.RandomSignsSpec(a.longInteger(0, "seed", 1L));
            case "diag", "diagonal" -> new LayerSpec.DiagonalSpec();
            case "switch_diag", "switched_diagonal" -> new LayerSpec.SwitchedDiagonalSpec(
                    a.real(0, "pos", LayerSpec.SwitchedDiagonalSpec.DEFAULT_POSITIVE),
                    a.real(1, "neg", LayerSpec.SwitchedDiagonalSpec.DEFAULT_NEGATIVE));
            case "circulant" -> new LayerSpec.CirculantSpec(a.init());
            case "fastfood" -> new LayerSpec.FastfoodSpec(a.integer(0, "width", 0), a.longInteger(1, "seed", 1L));
            case "switchnet", "switch_net" -> new LayerSpec.SwitchNetSpec(a.integer(0, "depth", 1), a.integer(1, "width", 0),
                    a.longInteger(2, "seed", 1L));
            default -> throw new IllegalArgumentException("unknown layer '" + name + "'");
        };
        a.checkAllUsed();
        return spec;
    }

    /** Arguments of one token, consumed by position or by name. */
    private static final class Args {
        final String name;
        final List<String> positional;
        final Map<String, String> named;
        int positionalUsed = 0;
        final java.util.Set<String> namedUsed = new java.util.HashSet<>();

        Args(String name, List<String> positional, Map<String, String> named) {
            this.name = name;
            this.positional = positional;
            this.named = named;
        }

        private String raw(int position, String key) {
            if (named.containsKey(key)) {
                namedUsed.add(key);
                if (position < positional.size()) throw new IllegalArgumentException("'" + key + "' given both by position and by name");
                return named.get(key);
            }
            if (position < positional.size()) {
                positionalUsed = Math.max(positionalUsed, position + 1);
                return positional.get(position);
            }
            return null;
        }

        int integer(int position, String key, Integer fallback) {
            String v = raw(position, key);
            if (v == null) {
                if (fallback == null) throw new IllegalArgumentException(name + " needs '" + key + "'");
                return fallback;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' must be an integer, got '" + v + "'");
            }
        }

        float real(int position, String key, Float fallback) {
            String v = raw(position, key);
            if (v == null) {
                if (fallback == null) throw new IllegalArgumentException(name + " needs '" + key + "'");
                return fallback;
            }
            try {
                float f = Float.parseFloat(v);
                if (!Float.isFinite(f)) throw new NumberFormatException();
                return f;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' must be a finite number, got '" + v + "'");
            }
        }

        long longInteger(int position, String key, Long fallback) {
            String v = raw(position, key);
            if (v == null) {
                if (fallback == null) throw new IllegalArgumentException(name + " needs '" + key + "'");
                return fallback;
            }
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' must be an integer, got '" + v + "'");
            }
        }

        boolean bool(int position, String key, boolean fallback) {
            String v = raw(position, key);
            if (v == null) return fallback;
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new IllegalArgumentException("'" + key + "' must be true or false, got '" + v + "'");
            };
        }

        Initializer init() {
            String v = named.get("init");
            if (v == null) return null;
            namedUsed.add("init");
            return Initializer.parse(v);
        }

        void checkAllUsed() {
            if (positionalUsed < positional.size()) {
                throw new IllegalArgumentException(name + " takes fewer arguments; unexpected '" + positional.get(positionalUsed) + "'");
            }
            for (String k : named.keySet()) {
                if (!namedUsed.contains(k)) throw new IllegalArgumentException(name + " has no argument '" + k + "'");
            }
        }
    }
}
