package org.relunet.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal JSON writer and reader for relunet's own files (metrics, benchmarks, lab data), so the
 * core needs no library. Values: {@link Map} (string keys, order kept), {@link List}, arrays of
 * double/float/int/long, {@link Number}, {@link String}, {@link Boolean}, null. Non-finite numbers
 * are written as null, since JSON has no NaN.
 */
public final class Json {
    private Json() {}

    /** Pretty-printed JSON with two-space indentation. */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, int indent) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Boolean x -> b.append(x);
            case Double d -> number(b, d);
            case Float f -> number(b, f.doubleValue());
            case Number n -> b.append(n.longValue());
            case double[] a -> { List<Object> l = new ArrayList<>(); for (double x : a) l.add(x); write(b, l, indent); }
            case float[] a -> { List<Object> l = new ArrayList<>(); for (float x : a) l.add((double) x); write(b, l, indent); }
            case int[] a -> { List<Object> l = new ArrayList<>(); for (int x : a) l.add(x); write(b, l, indent); }
            case long[] a -> { List<Object> l = new ArrayList<>(); for (long x : a) l.add(x); write(b, l, indent); }
            case Map<?, ?> m -> {
                if (m.isEmpty()) { b.append("{}"); return; }
                b.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append("  ".repeat(indent + 1));
                    quote(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue(), indent + 1);
                    b.append(++i < m.size() ? ",\n" : "\n");
                }
                b.append("  ".repeat(indent)).append('}');
            }
            case List<?> l -> {
                boolean flat = l.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean);
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (!flat) b.append('\n').append("  ".repeat(indent + 1));
                    write(b, l.get(i), indent + 1);
                    if (i + 1 < l.size()) b.append(flat ? ", " : ",");
                }
                if (!flat && !l.isEmpty()) b.append('\n').append("  ".repeat(indent));
                b.append(']');
            }
            case int[][] a -> { List<Object> l = new ArrayList<>(); for (int[] r : a) l.add(r); write(b, l, indent); }
            case double[][] a -> { List<Object> l = new ArrayList<>(); for (double[] r : a) l.add(r); write(b, l, indent); }
            default -> quote(b, v.toString());
        }
    }

    private static void number(StringBuilder b, double d) {
        if (!Double.isFinite(d)) { b.append("null"); return; }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) b.append((long) d);
        else b.append(String.format(Locale.ROOT, "%.10g", d).replaceAll("0+(e|$)", "$1").replaceAll("\\.(e|$)", ".0$1"));
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /** Parses JSON into Map (LinkedHashMap), List, Double, String, Boolean or null. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) throw p.error("trailing characters");
        return v;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) { this.s = s; }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at character " + pos);
        }

        void skipSpace() { while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++; }

        Object value() {
            skipSpace();
            if (pos >= s.length()) throw error("unexpected end");
            char c = s.charAt(pos);
            switch (c) {
                case '{' -> {
                    pos++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    skipSpace();
                    if (peek('}')) return m;
                    do {
                        skipSpace();
                        String key = string();
                        skipSpace();
                        expect(':');
                        m.put(key, value());
                        skipSpace();
                    } while (accept(','));
                    expect('}');
                    return m;
                }
                case '[' -> {
                    pos++;
                    List<Object> l = new ArrayList<>();
                    skipSpace();
                    if (peek(']')) return l;
                    do { l.add(value()); skipSpace(); } while (accept(','));
                    expect(']');
                    return l;
                }
                case '"' -> { return string(); }
                default -> {
                    if (s.startsWith("true", pos)) { pos += 4; return Boolean.TRUE; }
                    if (s.startsWith("false", pos)) { pos += 5; return Boolean.FALSE; }
                    if (s.startsWith("null", pos)) { pos += 4; return null; }
                    int start = pos;
                    while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) pos++;
                    if (start == pos) throw error("unexpected '" + c + "'");
                    try {
                        return Double.parseDouble(s.substring(start, pos));
                    } catch (NumberFormatException e) {
                        throw error("bad number");
                    }
                }
            }
        }

        boolean peek(char c) {
            if (pos < s.length() && s.charAt(pos) == c) { pos++; return true; }
            return false;
        }

        boolean accept(char c) { skipSpace(); return peek(c); }

        void expect(char c) {
            skipSpace();
            if (!peek(c)) throw error("expected '" + c + "'");
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') return b.toString();
                if (c == '\\') {
                    if (pos >= s.length()) break;
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> { b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16)); pos += 4; }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            throw error("unterminated string");
        }
    }
}
