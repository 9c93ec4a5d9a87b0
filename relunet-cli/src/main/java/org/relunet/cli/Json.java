package org.relunet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for metrics files: maps (written in their iteration order), lists, arrays of
 * numbers, strings, numbers, booleans and null. Non-finite numbers become {@code null}, since JSON
 * has no NaN. Files are written atomically (temporary file, then rename).
 */
final class Json {
    private Json() {}

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    /** Writes the value to {@code file} atomically; an I/O problem is a user error naming the file. */
    static void writeFile(Path file, Object value, String flag) {
        Path absolute = file.toAbsolutePath();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Path parent = absolute.getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(tmp, write(value), StandardCharsets.UTF_8);
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw new UserError(flag + " " + file + ": cannot write (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); choose a writable path", e);
        }
    }

    private static void write(StringBuilder b, Object v, int indent) {
        switch (v) {
            case null -> b.append("null");
            case String s -> string(b, s);
            case Boolean bool -> b.append(bool);
            case Double d -> number(b, d);
            case Float f -> number(b, f.doubleValue());
            case Number n -> b.append(n.longValue());
            case double[] a -> {
                b.append('[');
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) b.append(", ");
                    number(b, a[i]);
                }
                b.append(']');
            }
            case int[] a -> {
                b.append('[');
                for (int i = 0; i < a.length; i++) b.append(i > 0 ? ", " : "").append(a[i]);
                b.append(']');
            }
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    b.append("{}");
                    return;
                }
                b.append("{\n");
                Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<?, ?> e = it.next();
                    pad(b, indent + 1);
                    string(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue(), indent + 1);
                    b.append(it.hasNext() ? ",\n" : "\n");
                }
                pad(b, indent);
                b.append('}');
            }
            case List<?> list -> {
                if (list.isEmpty()) {
                    b.append("[]");
                    return;
                }
                boolean flat = list.stream().allMatch(x -> !(x instanceof Map) && !(x instanceof List) && !(x instanceof int[]));
                if (flat) {
                    b.append('[');
                    for (int i = 0; i < list.size(); i++) {
                        if (i > 0) b.append(", ");
                        write(b, list.get(i), indent);
                    }
                    b.append(']');
                    return;
                }
                b.append("[\n");
                for (int i = 0; i < list.size(); i++) {
                    pad(b, indent + 1);
                    write(b, list.get(i), indent + 1);
                    b.append(i + 1 < list.size() ? ",\n" : "\n");
                }
                pad(b, indent);
                b.append(']');
            }
            default -> string(b, v.toString());
        }
    }

    private static void number(StringBuilder b, double d) {
        if (Double.isFinite(d)) b.append(d);
        else b.append("null");
    }

    private static void pad(StringBuilder b, int indent) {
        b.append("  ".repeat(indent));
    }

    private static void string(StringBuilder b, String s) {
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
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
