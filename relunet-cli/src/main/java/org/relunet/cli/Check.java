package org.relunet.cli;

import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Validation of flag values, so that {@code --lr nan}, {@code --epochs -1} or {@code --batch 0}
 * get one line naming the flag, the bad value and a value that works.
 */
final class Check {
    private Check() {}

    /** Reads any number, including {@code nan} and {@code inf}, so validation can name the problem. */
    static final class LenientDouble implements ITypeConverter<Double> {
        @Override public Double convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            switch (v) {
                case "nan", "+nan", "-nan": return Double.NaN;
                case "inf", "+inf", "infinity", "+infinity": return Double.POSITIVE_INFINITY;
                case "-inf", "-infinity": return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.valueOf(v);
                    } catch (NumberFormatException e) {
                        throw new TypeConversionException("'" + value + "' is not a number");
                    }
            }
        }
    }

    /** Reads a whole number with a plain message. */
    static final class WholeNumber implements ITypeConverter<Integer> {
        @Override public Integer convert(String value) {
            try {
                return Integer.valueOf(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
        }
    }

    /** Reads a long with a plain message. */
    static final class LongNumber implements ITypeConverter<Long> {
        @Override public Long convert(String value) {
            try {
                return Long.valueOf(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
        }
    }

    static int atLeast(String flag, int value, int min, String example) {
        if (value < min) throw new UserError(flag + " must be at least " + min + ", got " + value + "; e.g. " + flag + " " + example);
        return value;
    }

    static double positive(String flag, double value, String example) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new UserError(flag + " must be a positive finite number, got " + show(value) + "; e.g. " + flag + " " + example);
        }
        return value;
    }

    static double nonNegative(String flag, double value, String example) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new UserError(flag + " must be a finite number >= 0, got " + show(value) + "; e.g. " + flag + " " + example);
        }
        return value;
    }

    /** In [0, 1). */
    static double fraction(String flag, double value, String example) {
        if (!(value >= 0 && value < 1)) {
            throw new UserError(flag + " must be in [0, 1), got " + show(value) + "; e.g. " + flag + " " + example);
        }
        return value;
    }

    static String show(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return Double.toString(v);
    }
}
