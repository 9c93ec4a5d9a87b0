package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, tanh and log1p on float vectors, built only from +, *, compares and bit operations.
 * Why not {@code lanewise(EXP)}: it gave different bits for the same input before and after C2
 * compiled the caller (KernelParityTest#smoothActivationsGiveTheSameBitsColdAndWarm catches it),
 * breaking "same bits for the same thread count". These polynomials are those of Cephes' expf,
 * tanhf and logf (S. Moshier), within 4 float ulp (VectorMathTest).
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorMath() {}

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, held in the low bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** Above EXP_MAX exp overflows to +inf; below EXP_MIN it is flushed to 0 (true value < 1.2e-38). */
    private static final float EXP_MAX = 88.72283f, EXP_MIN = -87.33654f;

    /** e^x per lane: x = n ln2 + r, |r| <= ln2/2, e^r by Cephes' degree-7 polynomial, times 2^n. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);                 // n in [-126, 128]
        FloatVector t = xc.mul(LOG2E).add(ROUND);
        FloatVector n = t.sub(ROUND);                                  // round(x / ln2)
        FloatVector r = n.mul(-LN2_HI).add(xc);                       // exact: LN2_HI has 9 bits
        r = n.mul(-LN2_LO).add(r);
        FloatVector p = r.mul(1.9875691500E-4f).add(1.3981999507E-3f);
        p = p.mul(r).add(8.3334519073E-3f);
        p = p.mul(r).add(4.1665795894E-2f);
        p = p.mul(r).add(1.6666665459E-1f);
        p = p.mul(r).add(5.0000001201E-1f);
        p = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n as two factors 2^h 2^(n-h), h = n >> 1, so n = 128 (x near EXP_MAX) needs no special case
        IntVector ni = t.reinterpretAsInts().sub(ROUND_BITS);
        IntVector h = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector scaleH = h.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scaleRest = ni.sub(h).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(scaleH).mul(scaleRest);
        y = y.blend(FloatVector.zero(S), x.compare(VectorOperators.LT, EXP_MIN));
        y = y.blend(FloatVector.broadcast(S, Float.POSITIVE_INFINITY), x.compare(VectorOperators.GT, EXP_MAX));
        return y.blend(x, x.compare(VectorOperators.NE, x));           // NaN stays NaN
    }

    /**
     * tanh per lane: x + x^3 P(x^2) for |x| < 0.625, else sign(x) (1 - 2 / (e^{2|x|} + 1)),
     * which tends to +-1 without overflow trouble (e^{2|x|} = inf gives exactly 1).
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector large = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(ax.add(ax)).add(1f)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        FloatVector z = x.mul(x);
        FloatVector p = z.mul(-5.70498872745E-3f).add(2.06390887954E-2f);
        p = p.mul(z).add(-5.37397155531E-2f);
        p = p.mul(z).add(1.33314422036E-1f);
        p = p.mul(z).add(-3.33332819422E-1f);
        FloatVector small = p.mul(z).mul(x).add(x);
        VectorMask<Float> isSmall = ax.compare(VectorOperators.LT, 0.625f);
        return large.blend(small, isSmall).blend(x, x.compare(VectorOperators.NE, x));
    }

    /**
     * log(1 + e) per lane for e in [0, 1] (all softplus needs): with u = 1 + e rounded,
     * log1p(e) = log(u) * e / (u - 1) corrects the rounding of u (Goldberg), and is e when u == 1.
     * log(u) for u in [1, 2]: u = m 2^k with m in [sqrt(1/2), sqrt(2)), Cephes' logf polynomial.
     */
    static FloatVector log1pUnit(FloatVector e) {
        FloatVector u = e.add(1f);
        IntVector ub = u.reinterpretAsInts();
        FloatVector m = ub.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();          // [1, 2)
        // k = exponent of u: 0 below 2, 1 at 2
        FloatVector k = FloatVector.zero(S).blend(FloatVector.broadcast(S, 1f), u.compare(VectorOperators.GE, 2f));
        VectorMask<Float> big = m.compare(VectorOperators.GT, 1.41421356f);
        m = m.blend(m.mul(0.5f), big);
        k = k.blend(k.add(1f), big);
        FloatVector f = m.sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = f.mul(7.0376836292E-2f).add(-1.1514610310E-1f);
        p = p.mul(f).add(1.1676998740E-1f);
        p = p.mul(f).add(-1.2420140846E-1f);
        p = p.mul(f).add(1.4249322787E-1f);
        p = p.mul(f).add(-1.6668057665E-1f);
        p = p.mul(f).add(2.0000714765E-1f);
        p = p.mul(f).add(-2.4999993993E-1f);
        p = p.mul(f).add(3.3333331174E-1f);
        FloatVector y = p.mul(f).mul(z);
        y = k.mul(LN2_LO).add(y);
        y = z.mul(-0.5f).add(y);
        FloatVector logU = f.add(y).add(k.mul(LN2_HI));
        FloatVector uMinus1 = u.sub(1f);
        FloatVector corrected = logU.mul(e).div(uMinus1);
        return corrected.blend(e, uMinus1.compare(VectorOperators.EQ, 0f));
    }
}
