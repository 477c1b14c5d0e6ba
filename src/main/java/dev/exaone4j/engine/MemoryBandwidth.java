package dev.exaone4j.engine;

import dev.exaone4j.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Measures the machine's read bandwidth: all pool threads stream a buffer much larger than the caches with
 * vector loads, best of several passes. Decode speed on a CPU is bounded by this divided by bytes per token.
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Bytes per second read, streaming {@code bytes} (e.g. 1 GiB) {@code passes} times; the best pass counts. */
    public static double measure(long bytes, int passes) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(bytes, 64);
            buf.fill((byte) 1);
            long chunk = 1 << 20;
            int chunks = (int) (bytes / chunk);
            double best = 0;
            float[] sink = new float[chunks];
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                Parallel.forRange(chunks, 1, (s, e) -> {
                    for (int c = s; c < e; c++) {
                        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                        long base = c * chunk, step = F.vectorByteSize();
                        for (long o = 0; o < chunk; o += 4 * step) {
                            a0 = a0.add(FloatVector.fromMemorySegment(F, buf, base + o, ByteOrder.LITTLE_ENDIAN));
                            a1 = a1.add(FloatVector.fromMemorySegment(F, buf, base + o + step, ByteOrder.LITTLE_ENDIAN));
                            a2 = a2.add(FloatVector.fromMemorySegment(F, buf, base + o + 2 * step, ByteOrder.LITTLE_ENDIAN));
                            a3 = a3.add(FloatVector.fromMemorySegment(F, buf, base + o + 3 * step, ByteOrder.LITTLE_ENDIAN));
                        }
                        sink[c] = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
                    }
                });
                long t1 = System.nanoTime();
                best = Math.max(best, (double) chunks * chunk * 1e9 / (t1 - t0));
            }
            float s = 0;
            for (float x : sink) s += x;
            if (s == 42.4242f) System.out.print(""); // keep the reads alive
            return best;
        }
    }
}
