package org.relunet.kernels;

/**
 * The geometry of one batched 2-D convolution with a square kernel, for the whole-convolution
 * kernels ({@link Kernels#convForward}, {@link Kernels#convBackward}). Legend: see {@link Kernels}.
 * <pre>
 *   x (B, C, H, W)   weight (OC, C*K*K)   bias (OC)   out (B, OC, OH, OW)
 *   OH = (H + 2 pad - K) / stride + 1,  OW likewise
 * </pre>
 */
public record ConvShape(int batch, int channels, int height, int width, int filters, int kernel, int stride, int pad) {
    public ConvShape {
        if (batch < 1 || channels < 1 || height < 1 || width < 1 || filters < 1 || kernel < 1 || stride < 1 || pad < 0) {
            throw new IllegalArgumentException("bad convolution shape " + this);
        }
        if (height + 2 * pad < kernel || width + 2 * pad < kernel) {
            throw new IllegalArgumentException("kernel " + kernel + " with pad " + pad + " does not fit " + height + "x" + width);
        }
    }

    public int outH() { return (height + 2 * pad - kernel) / stride + 1; }

    public int outW() { return (width + 2 * pad - kernel) / stride + 1; }

    /** C*K*K: the length of one filter, the GEMM reduction of the forward pass. */
    public int patch() { return channels * kernel * kernel; }

    /** H*W of one input plane. */
    public int inputPlane() { return height * width; }

    /** OH*OW of one output plane. */
    public int outputPlane() { return outH() * outW(); }
}
