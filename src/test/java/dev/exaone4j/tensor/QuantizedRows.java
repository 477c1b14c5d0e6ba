package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.quant.Quants;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Test weights: rows of Gaussian values quantized to a type, back to back as a matrix's data. */
final class QuantizedRows {
    private QuantizedRows() {}

    /**
     * rows x cols Gaussian values quantized to type; mixedScales: every third row (r % 3 == 0) scaled by 0.02 and the
     * others by 1.5, so blocks of very different magnitudes meet in one matrix.
     */
    static MemorySegment gaussian(Arena arena, GgmlType type, int rows, int cols, SplittableRandom rnd, boolean mixedScales) {
        long rowBytes = type.bytesFor(cols);
        MemorySegment seg = arena.allocate(rowBytes * rows, 64);
        float[] w = new float[cols];
        for (int r = 0; r < rows; r++) {
            double scale = mixedScales ? (r % 3 == 0 ? 0.02 : 1.5) : 1;
            for (int i = 0; i < cols; i++) w[i] = (float) (rnd.nextGaussian() * scale);
            Quants.quantize(type, w, 0, cols, seg, r * rowBytes);
        }
        return seg;
    }
}
