package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A weight matrix of {@code rows x cols} in a ggml type, row-major (a row is {@code cols} contiguous
 * elements, as both GGUF and safetensors store {@code [out, in]} weights), backed by mapped file memory.
 * {@code y = W x} means y[r] = dot(row r, x).
 */
public final class WeightMatrix {
    private final String name;
    private final GgmlType type;
    private final int rows;
    private final int cols;
    private final MemorySegment data;
    private final long rowBytes;
    private final ActivationPrecision activations;
    private volatile byte[] kScales;
    /** Q4_0 / Q6_K: the rows interleaved for Q8 products, made on first use. */
    private volatile RowGroups groups;
    /**
     * Set when the interleaved copy did not fit the heap: Q8 products of a Q4_0 matrix then use the per-row kernel,
     * a Q6_K matrix computes with f32 activations, for good.
     */
    private volatile boolean repackFailed;
    /** Set when, besides, a Q4_K / Q5_K matrix's unpacked scales for the per-row kernel did not fit: f32 for good. */
    private volatile boolean kScalesFailed;

    public WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        this(name, type, rows, cols, data, ActivationPrecision.F32);
    }

    /** A matrix whose products use the given activation precision (it only matters for Q8_0 / Q4_0 / Q4_K / Q5_K / Q6_K). */
    public WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data, ActivationPrecision activations) {
        if (!isSupported(type)) throw new IllegalArgumentException("tensor '" + name + "': weight type " + type + " is not supported by this engine");
        if (cols % type.blockSize != 0) throw new IllegalArgumentException("tensor '" + name + "': " + cols + " columns is not a multiple of the " + type + " block size");
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.data = data;
        this.rowBytes = type.bytesFor(cols);
        this.activations = activations;
        if (data.byteSize() < rowBytes * rows) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.byteSize() + " bytes is too small for " + rows + "x" + cols + " " + type);
        }
    }

    /** Types the engine can compute on. */
    public static boolean isSupported(GgmlType t) {
        return switch (t) {
            case F32, F16, BF16, Q8_0, Q4_0 -> true;
            default -> QuantSupport.supports(t);
        };
    }

    public String name() { return name; }
    public GgmlType type() { return type; }
    public int rows() { return rows; }
    public int cols() { return cols; }
    public MemorySegment data() { return data; }
    public long byteSize() { return rowBytes * rows; }

    /** True when products quantize the activations to 8 bits (Q8 precision, a Q8_0 / Q4_0 / Q4_K / Q5_K / Q6_K matrix, 256-bit vectors). */
    public boolean quantizesActivations() {
        return activations == ActivationPrecision.Q8 && Q8Kernels.SUPPORTED && Q8Kernels.handles(type) && cols % 32 == 0
                && !(repackFailed && (type == GgmlType.Q6_K || kScalesFailed));
    }

    /** A view of rows [first, first + count) (used for one expert of a stacked expert tensor). */
    public WeightMatrix rowSlice(String sliceName, int first, int count) {
        return new WeightMatrix(sliceName, type, count, cols, data.asSlice(rowBytes * first, rowBytes * count), activations);
    }

    /** dot(row r, x[xo..xo+cols)). */
    public float dotRow(int r, float[] x, int xo) {
        long off = rowBytes * r;
        return switch (type) {
            case F32 -> Kernels.dotF32(data, off, x, xo, cols);
            case Q8_0 -> Kernels.dotQ8_0(data, off, x, xo, cols);
            case Q4_0 -> Kernels.dotQ4_0(data, off, x, xo, cols);
            case BF16 -> Kernels.dotBF16(data, off, x, xo, cols);
            case F16 -> Kernels.dotF16(data, off, x, xo, cols);
            case Q4_K -> KQuantKernels.dotQ4_K(data, off, x, xo, cols);
            case Q6_K -> KQuantKernels.dotQ6_K(data, off, x, xo, cols);
            case Q5_K -> KQuantKernels.dotQ5_K(data, off, x, xo, cols);
            case Q4_1 -> KQuantKernels.dotQ4_1(data, off, x, xo, cols);
            case Q5_0 -> KQuantKernels.dotQ5_0(data, off, x, xo, cols);
            case Q5_1 -> KQuantKernels.dotQ5_1(data, off, x, xo, cols);
            case Q2_K -> KQuantKernels.dotQ2_K(data, off, x, xo, cols);
            case Q3_K -> KQuantKernels.dotQ3_K(data, off, x, xo, cols);
            case Q8_K -> KQuantKernels.dotQ8_K(data, off, x, xo, cols);
            default -> QuantSupport.dot(type, data, off, x, xo, cols);
        };
    }

    /** dot(row r, quantized activation row t of x): the {@link ActivationPrecision#Q8} product (Q8_0 / Q4_0 / Q4_K / Q5_K / Q6_K only). */
    public float dotRow(int r, Q8Activations x, int t) {
        RowGroups g = rowGroups();
        if (g != null) {
            float[] y = new float[RowGroups.ROWS];
            g.dot8(r / RowGroups.ROWS, x, t, y, 0);
            return y[r % RowGroups.ROWS];
        }
        if (type == GgmlType.Q4_K || type == GgmlType.Q5_K) return Q8Kernels.dotK(type, data, rowBytes * r, kScales(), r * (cols / 16), x, t);
        return Q8Kernels.dot(type, data, rowBytes * r, x, t);
    }

    /**
     * y[r] = dot(row r, quantized activation row t of x) for every row, on the calling thread: the Q8 product of
     * one activation row, by groups of eight rows where the matrix has its interleaved copy (for benchmarks).
     */
    public void dotRowsQ8(Q8Activations x, int t, float[] y) {
        RowGroups g = rowGroups();
        if (g == null) {
            for (int r = 0; r < rows; r++) y[r] = dotRow(r, x, t);
            return;
        }
        float[] tail = new float[RowGroups.ROWS];
        for (int k = 0, n = g.groups(); k < n; k++) {
            int r0 = k * RowGroups.ROWS;
            if (r0 + RowGroups.ROWS <= rows) {
                g.dot8(k, x, t, y, r0);
            } else {
                g.dot8(k, x, t, tail, 0);
                System.arraycopy(tail, 0, y, r0, rows - r0);
            }
        }
    }

    /** Q4_K / Q5_K: the 6-bit scale and min of every block of 32, unpacked once (2 bytes per block, on the heap). */
    private byte[] kScales() {
        byte[] p = kScales;
        if (p == null) {
            synchronized (this) {
                p = kScales;
                if (p == null) {
                    long n = (long) rows * (cols / 16);
                    if (n > Integer.MAX_VALUE - 16) throw new OutOfMemoryError("more than 2^31 " + type + " scales");
                    kScales = p = Q8Kernels.unpackKScales(data, rowBytes, type == GgmlType.Q5_K ? 176 : 144, rows, cols);
                }
            }
        }
        return p;
    }

    /**
     * A Q4_0 / Q6_K matrix's rows interleaved by eight for Q8 products ({@link RowGroups}), made on first use; null for
     * other types, or when the heap had no room for it (with one warning).
     */
    RowGroups rowGroups() {
        if (!Q8Kernels.handles(type)) return null;
        RowGroups p = groups;
        if (p == null && !repackFailed) {
            synchronized (this) {
                p = groups;
                if (p == null && !repackFailed) {
                    long bytes = RowGroups.bytesFor(type, rows, cols);
                    if (!RowGroups.reserve(bytes)) {
                        repackFailed = true;
                        RowGroups.warnBudgetSpent(type);
                        return null;
                    }
                    try {
                        groups = p = switch (type) {
                            case Q4_0, Q8_0 -> BlockInterleaved.of(type, data, rowBytes, rows, cols);
                            case Q4_K, Q5_K -> QKInterleaved.of(type, data, rowBytes, rows, cols);
                            default -> Q6Interleaved.of(data, rowBytes, rows, cols);
                        };
                        RowGroups.releaseWhenUnreachable(this, bytes);
                    } catch (OutOfMemoryError | ArithmeticException e) {
                        RowGroups.release(bytes);
                        repackFailed = true;
                        System.err.println("exaone4j: warning: tensor '" + name + "': no heap for the interleaved copy of this " + type
                                + " matrix (" + (bytes >> 20) + " MiB); " + (type == GgmlType.Q6_K ? "it computes with f32 activations"
                                : "its 8-bit products use the slower per-row kernel") + " (raise -Xmx to avoid this)");
                    }
                }
            }
        }
        return p;
    }

    /**
     * Prepares what Q8 products need before a parallel loop uses it (the Q6_K repacking, the Q4_K / Q5_K scales); false
     * when it cannot (the heap is too small for it: the matrix falls back to f32 activations, with one warning).
     */
    boolean prepareQ8() {
        if (rowGroups() != null || type == GgmlType.Q4_0 || type == GgmlType.Q8_0) return true;
        if (type != GgmlType.Q4_K && type != GgmlType.Q5_K) return false;
        try {
            kScales();
            return true;
        } catch (OutOfMemoryError e) {
            kScalesFailed = true;
            System.err.println("exaone4j: warning: tensor '" + name + "': no heap for the unpacked scales of this " + type
                    + " matrix (" + ((long) rows * cols / 16 >> 20) + " MiB); it computes with f32 activations (raise -Xmx to avoid this)");
            return false;
        }
    }

    /** Row r's integer values as floats in the lane order of the Q8 kernels, and its block scales (Q8_0 / Q4_0 / Q4_K / Q5_K). */
    void rowToLanes(int r, float[] dst, int dstOff, float[] scales, int scalesOff) {
        Q8Kernels.rowToLanes(type, data, rowBytes * r, dst, dstOff, scales, scalesOff, cols);
    }

    /** The per-block offsets of row r for Q8 products (Q4_K / Q5_K; see {@link Q8Kernels#offsets}). */
    void rowOffsets(int r, float[] mins, int minsOff) {
        Q8Kernels.rowOffsets(data, rowBytes * r, type == GgmlType.Q5_K ? 176 : 144, mins, minsOff, cols);
    }

    /** Dequantizes row r into dst[dstOff..dstOff+cols). */
    public void rowToFloat(int r, float[] dst, int dstOff) {
        long off = rowBytes * r;
        switch (type) {
            case F32 -> MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), off, dst, dstOff, cols);
            case F16 -> Kernels.deqF16(data, off, dst, dstOff, cols);
            case BF16 -> Kernels.deqBF16(data, off, dst, dstOff, cols);
            case Q8_0 -> Kernels.deqQ8_0(data, off, dst, dstOff, cols);
            case Q4_0 -> Kernels.deqQ4_0(data, off, dst, dstOff, cols);
            case Q4_K -> KQuantKernels.deqQ4_K(data, off, dst, dstOff, cols);
            case Q6_K -> KQuantKernels.deqQ6_K(data, off, dst, dstOff, cols);
            case Q5_K -> KQuantKernels.deqQ5_K(data, off, dst, dstOff, cols);
            case Q4_1 -> KQuantKernels.deqQ4_1(data, off, dst, dstOff, cols);
            case Q5_0 -> KQuantKernels.deqQ5_0(data, off, dst, dstOff, cols);
            case Q5_1 -> KQuantKernels.deqQ5_1(data, off, dst, dstOff, cols);
            case Q2_K -> KQuantKernels.deqQ2_K(data, off, dst, dstOff, cols);
            case Q3_K -> KQuantKernels.deqQ3_K(data, off, dst, dstOff, cols);
            case Q8_K -> KQuantKernels.deqQ8_K(data, off, dst, dstOff, cols);
            default -> QuantSupport.dequantize(type, data, off, dst, dstOff, cols);
        }
    }

    /** The whole matrix dequantized to a new float array (for small tensors: norms, biases, frequency factors). */
    public float[] rowToFloatArray() {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) rowToFloat(r, out, r * cols);
        return out;
    }

    /** y[t*rows + r] = dot(row r, x[t*cols ..]) for t in [0, T): the matrix product used by every layer. */
    public void matmul(float[] x, int T, float[] y) {
        MatMul.matmul(this, x, T, y);
    }

    @Override
    public String toString() {
        return name + " " + type + " [" + rows + " x " + cols + "]";
    }
}
