package dev.exaone4j.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.gguf.GgufFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header mapping tensor names to
 * dtype, shape and [begin, end) data offsets, then the data. Mapped read-only; offsets are validated.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** A tensor: dtype as written ("F32", "F16", "BF16", ...), shape (outermost first), bytes in the mapped file. */
    public record Entry(String name, String dtype, long[] shape, MemorySegment data, Path file) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    static final long MAX_HEADER = 100L << 20;
    private final Path path;
    private final Arena arena;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        if (!Files.isRegularFile(path)) throw new GgufFormatException(path + ": safetensors file is missing");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new GgufFormatException(path + ": too short to be a safetensors file (" + size + " bytes)");
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen <= 1 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new GgufFormatException(path + ": safetensors header length " + Long.toUnsignedString(headerLen) + " is invalid for a file of " + size + " bytes");
            }
            byte[] hdr = seg.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(hdr);
            } catch (IOException e) {
                throw new GgufFormatException(path + ": safetensors header is not valid JSON: " + e.getMessage());
            }
            if (root == null || !root.isObject()) throw new GgufFormatException(path + ": safetensors header is not a JSON object");
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            java.util.List<long[]> spans = new java.util.ArrayList<>();
            java.util.List<String> spanNames = new java.util.ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String name = f.getKey();
                JsonNode t = f.getValue();
                if (name.equals("__metadata__")) {
                    t.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                String dtype = t.path("dtype").asText(null);
                JsonNode shapeNode = t.get("shape");
                JsonNode offs = t.get("data_offsets");
                if (dtype == null || shapeNode == null || !shapeNode.isArray() || offs == null || !offs.isArray() || offs.size() != 2) {
                    throw new GgufFormatException(path + ": tensor '" + name + "' has a malformed header entry");
                }
                if (shapeNode.size() > 8) throw new GgufFormatException(path + ": tensor '" + name + "' has " + shapeNode.size() + " dimensions");
                long[] shape = new long[shapeNode.size()];
                long elements = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = integer(shapeNode.get(i), path, name, "shape");
                    if (shape[i] < 0 || shape[i] > (1L << 40)) throw new GgufFormatException(path + ": tensor '" + name + "' has an absurd dimension " + shapeNode.get(i));
                    if (shape[i] != 0 && elements > (1L << 42) / shape[i]) {
                        throw new GgufFormatException(path + ": tensor '" + name + "' shape " + shapeNode + " has more than 2^42 elements");
                    }
                    elements *= shape[i];
                }
                long begin = integer(offs.get(0), path, name, "data_offsets"), end = integer(offs.get(1), path, name, "data_offsets");
                if (begin < 0 || end < begin || end > dataLen) {
                    throw new GgufFormatException(path + ": tensor '" + name + "' data [" + begin + ", " + end + ") points outside the file's " + dataLen + " data bytes (truncated or corrupt)");
                }
                int elemSize = elementSize(dtype);
                if (elemSize > 0 && (end - begin) != elements * elemSize) {
                    throw new GgufFormatException(path + ": tensor '" + name + "' is " + (end - begin) + " bytes but " + dtype + " " + java.util.Arrays.toString(shape) + " needs " + elements * elemSize);
                }
                entries.put(name, new Entry(name, dtype, shape, seg.asSlice(dataStart + begin, end - begin), path));
                spans.add(new long[] {begin, end});
                spanNames.add(name);
            }
            // tensors must not share bytes (a corrupt header could alias one tensor's data as another's)
            Integer[] order = new Integer[spans.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Long.compare(spans.get(a)[0], spans.get(b)[0]));
            for (int i = 1; i < order.length; i++) {
                long[] prev = spans.get(order[i - 1]), cur = spans.get(order[i]);
                if (cur[0] < prev[1]) {
                    throw new GgufFormatException(path + ": tensors '" + spanNames.get(order[i - 1]) + "' and '" + spanNames.get(order[i]) + "' overlap in the data section");
                }
            }
            return new SafetensorsFile(path, arena, entries, meta);
        } catch (IOException e) {
            arena.close();
            throw new GgufFormatException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** An integer of a header entry (not a string or a float, and within a long). */
    private static long integer(JsonNode n, Path path, String name, String field) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new GgufFormatException(path + ": tensor '" + name + "' has an invalid " + field + " entry " + n + " (expected an integer within a long)");
        }
        return n.asLong();
    }

    /** Bytes per element of a safetensors dtype, or -1 when unknown. */
    public static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    public Path path() { return path; }
    public Map<String, Entry> entries() { return entries; }
    public Map<String, String> metadata() { return metadata; }

    @Override
    public void close() {
        arena.close();
    }
}
