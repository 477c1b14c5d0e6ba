package dev.exaone4j.quant;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufTensorInfo;
import dev.exaone4j.gguf.GgufWriter;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Re-encodes a GGUF model to a {@link FileType} the way {@code llama-quantize} does without an importance
 * matrix: all metadata is kept (in order, with its value types), {@code general.quantization_version} = 2 and
 * {@code general.file_type} are set (moved to the end), split keys are dropped, tensors are written in
 * llama.cpp's order with the types {@link TensorTypeRules} chooses; tensors that keep their type are copied
 * unchanged, the others are dequantized exactly and quantized with {@link Quants}. The output is streamed tensor
 * by tensor in chunks of rows (memory stays bounded by a few chunks per thread) and written atomically.
 * For an F32 input the result equals llama-quantize's file byte for byte.
 */
public final class GgufQuantizer {
    /** Elements per work unit (whole rows; at least one row). */
    private static final int CHUNK_ELEMENTS = 1 << 20;

    /** One output tensor: source tensor, chosen type, whether its bytes are copied unchanged. */
    public record Entry(GgufTensorInfo source, GgmlType type) {
        public boolean copied() {
            return source.type() == type;
        }

        public long outputBytes() {
            return type.bytesFor(source.elementCount());
        }
    }

    private GgufQuantizer() {}

    /** The output tensors in file order with their types (no data touched). */
    public static List<Entry> plan(GgufFile in, FileType type, boolean pure, Consumer<String> log) {
        TensorTypeRules rules = new TensorTypeRules(type, pure,
                TensorTypeRules.ModelInfo.of(in.metadata(), in.tensors().keySet()));
        List<String> names = new ArrayList<>(in.tensors().keySet());
        names.sort(TensorTypeRules.LLAMA_ORDER);
        List<Entry> out = new ArrayList<>();
        for (String n : names) {
            GgufTensorInfo t = in.tensor(n);
            GgmlType target = rules.typeFor(n, t.ne(), t.type());
            if (target != t.type() && !Quants.isSupported(t.type())) {
                throw new IllegalArgumentException("tensor " + n + " is stored as " + t.type() + ", which exaone4j cannot dequantize (supported: "
                        + Quants.supportedTypes() + ")");
            }
            out.add(new Entry(t, target));
        }
        if (log != null) rules.notes().forEach(log);
        return out;
    }

    /**
     * Quantizes {@code input} into {@code output} (atomically). {@code threads} workers quantize chunks in
     * parallel; {@code progress} (may be null) sees output bytes; {@code log} (may be null) gets notes.
     */
    public static void quantize(Path input, Path output, FileType type, boolean pure, int threads,
                                GgufWriter.Progress progress, Consumer<String> log) throws IOException {
        try (GgufFile in = GgufFile.open(input)) {
            List<Entry> plan = plan(in, type, pure, log);
            if (log != null) {
                for (Entry e : plan) {
                    if (!e.copied() && e.source().type().isQuantized()) {
                        log.accept("warning: requantizing " + e.source().name() + " from " + e.source().type() + " to " + e.type() + " loses quality");
                    }
                }
            }
            GgufWriter w = new GgufWriter();
            w.copyMetadata(in);
            w.putU32("general.quantization_version", 2);
            w.putU32("general.file_type", type.llamaFtype);
            w.remove("split.no").remove("split.count").remove("split.tensors.count");
            ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "quantize");
                t.setDaemon(true);
                return t;
            }) : null;
            try {
                for (Entry e : plan) {
                    GgufTensorInfo t = e.source();
                    GgufWriter.TensorData data = e.copied() ? GgufWriter.copyOf(t) : sink -> convert(t, e.type(), pool, Math.max(1, threads), sink);
                    w.addTensor(t.name(), t.ne(), e.type(), data);
                }
                w.write(output, progress);
            } finally {
                if (pool != null) pool.shutdownNow();
            }
        }
    }

    /** Streams one tensor converted to {@code to}, chunk by chunk, in order. */
    static void convert(GgufTensorInfo t, GgmlType to, ExecutorService pool, int threads, GgufWriter.Sink sink) throws IOException {
        long rowLen = t.ne()[0];
        long rows = t.elementCount() / rowLen;
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, CHUNK_ELEMENTS / rowLen));
        long nChunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        if (pool == null) {
            for (long c = 0; c < nChunks; c++) sink.write(chunk(t, to, c, rowsPerChunk, rows));
            return;
        }
        Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
        long next = 0;
        try {
            while (next < nChunks || !inFlight.isEmpty()) {
                while (next < nChunks && inFlight.size() < 2 * threads) {
                    final long c = next++;
                    inFlight.add(pool.submit(() -> chunk(t, to, c, rowsPerChunk, rows)));
                }
                sink.write(inFlight.removeFirst().get());
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while quantizing " + t.name());
        } catch (ExecutionException ee) {
            Throwable c = ee.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IOException("quantizing " + t.name() + " failed: " + c, c);
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
    }

    private static byte[] chunk(GgufTensorInfo t, GgmlType to, long chunk, int rowsPerChunk, long rows) {
        long rowLen = t.ne()[0];
        long firstRow = chunk * rowsPerChunk;
        int nRows = (int) Math.min(rowsPerChunk, rows - firstRow);
        int n = Math.toIntExact(nRows * rowLen);
        float[] x = new float[n];
        Quants.dequantize(t.type(), t.data(), t.type().bytesFor(firstRow * rowLen), x, 0, n);
        byte[] out = new byte[Math.toIntExact(to.bytesFor(n))];
        Quants.quantize(to, x, 0, n, out, 0);
        return out;
    }
}
