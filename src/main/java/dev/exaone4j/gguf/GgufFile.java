package dev.exaone4j.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (v2 or v3), memory-mapped read-only. Every count and offset read from the file is checked
 * against the bytes that remain before anything is allocated from it, so a corrupt file gives a
 * {@link GgufFormatException} naming the file and the problem, never a crash or a huge allocation.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    public static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 4;
    static final int MAX_NESTING = 8;
    /** Longest metadata array: far beyond any vocabulary or merge list (a few hundred thousand entries). */
    static final int MAX_ARRAY_LENGTH = 1 << 24;
    /** Longest metadata string (a chat template or an embedded tokenizer.json is well below). */
    static final int MAX_STRING_BYTES = 64 << 20;
    /** Heap the metadata of one file may take (its values are held in memory, unlike the tensors). */
    static final long MAX_METADATA_HEAP = 768L << 20;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataOffset;
    private final int alignment;

    private GgufFile(Path path, Arena arena, MemorySegment file, int version, GgufMetadata metadata,
                     Map<String, GgufTensorInfo> tensors, long dataOffset, int alignment) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataOffset = dataOffset;
        this.alignment = alignment;
    }

    /** Why a path that should be a readable file is not: missing, a folder, or a device, pipe or socket. */
    public static String whyNotAFile(Path path) {
        if (!Files.exists(path)) return "no such file";
        if (Files.isDirectory(path)) return "is a folder, not a file";
        return "is not a regular file (a device, pipe or socket)";
    }

    public static GgufFile open(Path path) {
        if (!Files.isRegularFile(path)) throw new GgufFormatException(path + ": " + whyNotAFile(path));
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(path, arena, seg);
        } catch (IOException e) {
            arena.close();
            throw new GgufFormatException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment seg) {
        Reader r = new Reader(seg, path.toString());
        if (seg.byteSize() < 4) throw r.fail("file is too short to be GGUF (" + seg.byteSize() + " bytes)");
        int magic = r.i32();
        if (magic != MAGIC) {
            throw r.fail(String.format("wrong magic 0x%08x (expected \"GGUF\"); this is not a GGUF file", magic));
        }
        int version = r.i32();
        if (version == 1) throw r.fail("GGUF version 1 is obsolete and not supported (re-convert with a current tool)");
        if (version != 2 && version != 3) throw r.fail("unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2, 3)");
        long nTensors = r.u64();
        long nKv = r.u64();
        // every kv needs at least 8 (key length) + 4 (type) + 1 bytes; every tensor info at least 8+4+8+4+8
        if (nKv < 0 || nKv > r.remaining() / 13) throw r.fail("metadata count " + Long.toUnsignedString(nKv) + " is impossible for a file of " + seg.byteSize() + " bytes");
        if (nTensors < 0 || nTensors > r.remaining() / 32) throw r.fail("tensor count " + Long.toUnsignedString(nTensors) + " is impossible for a file of " + seg.byteSize() + " bytes");

        Map<String, Object> kv = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = r.string("metadata key #" + i);
            int type = r.i32();
            Object value = r.value(type, key, 0);
            if (kv.put(key, value) != null) throw r.fail("duplicate metadata key '" + key + "'");
        }
        GgufMetadata md = new GgufMetadata(kv, path.toString());
        int alignment = DEFAULT_ALIGNMENT;
        if (md.has("general.alignment")) {
            long a = md.getLong("general.alignment");
            if (a <= 0 || a > 1 << 20 || Long.bitCount(a) != 1) throw r.fail("general.alignment = " + a + " is not a power of two");
            alignment = (int) a;
        }

        record Raw(String name, long[] ne, GgmlType type, long offset) {}
        Raw[] raws = new Raw[(int) nTensors];
        for (int i = 0; i < nTensors; i++) {
            String name = r.string("tensor name #" + i);
            int nDims = r.i32();
            if (nDims < 1 || nDims > MAX_DIMS) throw r.fail("tensor '" + name + "': " + nDims + " dimensions (ggml allows 1.." + MAX_DIMS + ")");
            long[] ne = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                ne[d] = r.u64();
                if (ne[d] <= 0 || ne[d] > (1L << 40)) throw r.fail("tensor '" + name + "': dimension " + d + " = " + Long.toUnsignedString(ne[d]) + " is absurd");
                elements = Math.multiplyHigh(elements, ne[d]) != 0 ? Long.MAX_VALUE : elements * ne[d];
                if (elements > (1L << 42)) throw r.fail("tensor '" + name + "': element count overflows");
            }
            int typeId = r.i32();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) throw r.fail("tensor '" + name + "': unknown tensor type id " + typeId);
            if (ne[0] % type.blockSize != 0) throw r.fail("tensor '" + name + "': row length " + ne[0] + " is not a multiple of the " + type + " block size " + type.blockSize);
            long off = r.u64();
            raws[i] = new Raw(name, ne, type, off);
        }
        long dataOffset = align(r.pos, alignment);
        if (nTensors > 0 && dataOffset > seg.byteSize()) throw r.fail("file is truncated: tensor data would start at " + dataOffset + " but the file has " + seg.byteSize() + " bytes");

        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (Raw raw : raws) {
            long elements = 1;
            for (long d : raw.ne) elements *= d;
            long bytes = raw.type.bytesFor(elements);
            if (raw.offset < 0 || raw.offset % alignment != 0) throw r.fail("tensor '" + raw.name + "': data offset " + Long.toUnsignedString(raw.offset) + " is not aligned to " + alignment);
            long start = dataOffset + raw.offset;
            if (start < dataOffset || start > seg.byteSize() || bytes > seg.byteSize() - start) {
                throw r.fail("tensor '" + raw.name + "' (" + raw.type + ", " + bytes + " bytes at offset " + Long.toUnsignedString(raw.offset)
                        + ") points outside the file (" + seg.byteSize() + " bytes): the file is truncated or corrupt");
            }
            GgufTensorInfo info = new GgufTensorInfo(raw.name, raw.ne, raw.type, start, bytes, seg.asSlice(start, bytes));
            if (tensors.put(raw.name, info) != null) throw r.fail("duplicate tensor name '" + raw.name + "'");
        }
        return new GgufFile(path, arena, seg, version, md, Collections.unmodifiableMap(tensors), dataOffset, alignment);
    }

    static long align(long x, int alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    public Path path() { return path; }
    public int version() { return version; }
    public GgufMetadata metadata() { return metadata; }
    public Map<String, GgufTensorInfo> tensors() { return tensors; }
    public long dataOffset() { return dataOffset; }
    public int alignment() { return alignment; }
    public long fileSize() { return file.byteSize(); }
    public MemorySegment segment() { return file; }

    public GgufTensorInfo tensor(String name) {
        return tensors.get(name);
    }

    public List<String> tensorNames() {
        return List.copyOf(tensors.keySet());
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Bounds-checked little-endian cursor over the header. */
    static final class Reader {
        private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        final MemorySegment seg;
        final String source;
        long pos;
        /** Estimated heap taken by the values read so far ({@link #MAX_METADATA_HEAP}). */
        private long heap;

        Reader(MemorySegment seg, String source) {
            this.seg = seg;
            this.source = source;
        }

        GgufFormatException fail(String msg) {
            return new GgufFormatException(source + ": " + msg);
        }

        long remaining() {
            return seg.byteSize() - pos;
        }

        /** Counts bytes of heap for a value of what; fails before the metadata would take more than allowed. */
        private void charge(long bytes, String what) {
            heap += bytes;
            if (heap > MAX_METADATA_HEAP) {
                throw fail("metadata would need more than " + (MAX_METADATA_HEAP >> 20) + " MiB of memory (at " + what
                        + "); no model's metadata is near that: the file is corrupt");
            }
        }

        private void need(long n, String what) {
            if (n < 0 || n > remaining()) throw fail("file is truncated while reading " + what + " at byte " + pos + " (needs " + n + " more bytes, " + remaining() + " left)");
        }

        byte i8() { need(1, "a byte"); return seg.get(ValueLayout.JAVA_BYTE, pos++); }
        short i16() { need(2, "an int16"); short v = seg.get(I16, pos); pos += 2; return v; }
        int i32() { need(4, "an int32"); int v = seg.get(I32, pos); pos += 4; return v; }
        long u64() { need(8, "an int64"); long v = seg.get(I64, pos); pos += 8; return v; }
        float f32() { need(4, "a float32"); float v = seg.get(F32, pos); pos += 4; return v; }
        double f64() { need(8, "a float64"); double v = seg.get(F64, pos); pos += 8; return v; }

        String string(String what) {
            long n = u64();
            if (n < 0 || n > remaining()) throw fail("string length " + Long.toUnsignedString(n) + " for " + what + " runs past the end of the file");
            if (n > MAX_STRING_BYTES) throw fail("string for " + what + " is too long (" + n + " bytes, at most " + MAX_STRING_BYTES + ")");
            charge(48 + 2 * n, what);
            byte[] b = new byte[(int) n];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, (int) n);
            pos += n;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                // token strings of some vocabularies are not valid UTF-8 on their own; keep the bytes visible
                return new String(b, StandardCharsets.UTF_8);
            }
        }

        static int minSize(int type) {
            return switch (type) {
                case 0, 1, 7 -> 1;
                case 2, 3 -> 2;
                case 4, 5, 6 -> 4;
                case 10, 11, 12, 8 -> 8;
                case 9 -> 12;
                default -> 1;
            };
        }

        Object value(int type, String key, int depth) {
            switch (type) {
                case 0: return (long) (i8() & 0xff);
                case 1: return (long) i8();
                case 2: return (long) (i16() & 0xffff);
                case 3: return (long) i16();
                case 4: return (long) i32() & 0xffffffffL;
                case 5: return (long) i32();
                case 6: return f32();
                case 7: {
                    byte b = i8();
                    if (b != 0 && b != 1) throw fail("metadata key '" + key + "': bool value " + b + " is neither 0 nor 1");
                    return b != 0;
                }
                case 8: return string("the value of '" + key + "'");
                case 9: return array(key, depth);
                case 10: return u64();
                case 11: return u64();
                case 12: return f64();
                default: throw fail("metadata key '" + key + "': unknown value type " + type);
            }
        }

        private GgufMetadata.Array array(String key, int depth) {
            if (depth >= MAX_NESTING) throw fail("metadata key '" + key + "': arrays nested deeper than " + MAX_NESTING);
            int et = i32();
            long n = u64();
            if (et < 0 || et > 12) throw fail("metadata key '" + key + "': unknown array element type " + et);
            if (n < 0 || n > remaining() / minSize(et)) throw fail("metadata key '" + key + "': array length " + Long.toUnsignedString(n) + " runs past the end of the file");
            if (n > MAX_ARRAY_LENGTH) throw fail("metadata key '" + key + "': array length " + n + " is too large (at most " + MAX_ARRAY_LENGTH + ")");
            int len = (int) n;
            charge(16 + len * (long) switch (et) {
                case 7 -> 1;
                case 6 -> 4;
                default -> 8;   // integers are held as longs; strings and nested arrays as references (their contents charge themselves)
            }, "key '" + key + "'");
            switch (et) {
                case 0, 1, 2, 3, 4, 5, 10, 11: {
                    long[] a = new long[len];
                    for (int i = 0; i < len; i++) a[i] = (Long) value(et, key, depth + 1);
                    return new GgufMetadata.Array(et, a);
                }
                case 6: {
                    float[] a = new float[len];
                    for (int i = 0; i < len; i++) a[i] = f32();
                    return new GgufMetadata.Array(et, a);
                }
                case 12: {
                    double[] a = new double[len];
                    for (int i = 0; i < len; i++) a[i] = f64();
                    return new GgufMetadata.Array(et, a);
                }
                case 7: {
                    boolean[] a = new boolean[len];
                    for (int i = 0; i < len; i++) a[i] = (Boolean) value(7, key, depth + 1);
                    return new GgufMetadata.Array(et, a);
                }
                case 8: {
                    String[] a = new String[len];
                    for (int i = 0; i < len; i++) a[i] = string("element " + i + " of '" + key + "'");
                    return new GgufMetadata.Array(et, a);
                }
                default: { // 9: nested arrays
                    GgufMetadata.Array[] a = new GgufMetadata.Array[len];
                    for (int i = 0; i < len; i++) a[i] = array(key, depth + 1);
                    return new GgufMetadata.Array(et, a);
                }
            }
        }
    }
}
