package dev.exaone4j.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Streaming GGUF v3 writer. Collect metadata (every GGUF value type, arrays and nested arrays included) and the
 * tensor directory first, then {@link #write} streams the file: header, then each tensor's bytes pulled from its
 * {@link TensorData} callback one tensor at a time (so a model never has to sit in memory), each padded to the
 * alignment ({@code general.alignment}, default 32). The file is written to a temporary file in the target
 * directory, forced to disk and atomically renamed, so the final name never holds a partial file.
 * Metadata keeps insertion order; setting an existing key removes it and appends it at the end (as ggml's
 * {@code gguf_set_val_*} does). A writer is single-use and not thread-safe.
 */
public final class GgufWriter {
    /** GGUF metadata value type ids. */
    public static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

    /** A metadata value with its GGUF type: Long for integers, Float, Double, Boolean, String or {@link GgufMetadata.Array}. */
    public record Value(int type, Object value) {
        public Value {
            checkValue(type, value);
        }
    }

    /** Produces one tensor's bytes; must write exactly the tensor's byte size to the sink. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(Sink sink) throws IOException;
    }

    /** Receives tensor bytes in order. */
    public interface Sink {
        void write(MemorySegment bytes) throws IOException;

        void write(byte[] bytes, int off, int len) throws IOException;

        default void write(byte[] bytes) throws IOException {
            write(bytes, 0, bytes.length);
        }
    }

    /** Progress of {@link #write}: bytes written so far out of the final file size; called often, from the writing thread. */
    @FunctionalInterface
    public interface Progress {
        void update(long bytesWritten, long totalBytes);
    }

    /** A tensor of the directory: name, ggml-order dims, type and where its bytes come from. */
    public record Tensor(String name, long[] ne, GgmlType type, TensorData data) {
        public Tensor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(data, "data");
            ne = ne.clone();
            if (ne.length < 1 || ne.length > 4) throw new IllegalArgumentException("tensor '" + name + "': " + ne.length + " dimensions (1..4 allowed)");
            for (long d : ne) if (d <= 0) throw new IllegalArgumentException("tensor '" + name + "': dimension " + d + " is not positive");
            if (ne[0] % type.blockSize != 0) {
                throw new IllegalArgumentException("tensor '" + name + "': row length " + ne[0] + " is not a multiple of the " + type + " block size " + type.blockSize);
            }
        }

        public long elementCount() {
            long n = 1;
            for (long d : ne) n = Math.multiplyExact(n, d);
            return n;
        }

        public long byteSize() {
            return type.bytesFor(elementCount());
        }
    }

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private boolean written;

    // ------------------------------------------------------------------ metadata

    /** Sets {@code key} to a typed value (moving an existing key to the end). */
    public GgufWriter put(String key, int type, Object value) {
        Objects.requireNonNull(key, "key");
        Value v = new Value(type, value);
        metadata.remove(key);
        metadata.put(key, v);
        return this;
    }

    public GgufWriter putString(String key, String v) { return put(key, STRING, v); }
    public GgufWriter putBool(String key, boolean v) { return put(key, BOOL, v); }
    public GgufWriter putU8(String key, long v) { return put(key, UINT8, v); }
    public GgufWriter putI8(String key, long v) { return put(key, INT8, v); }
    public GgufWriter putU16(String key, long v) { return put(key, UINT16, v); }
    public GgufWriter putI16(String key, long v) { return put(key, INT16, v); }
    public GgufWriter putU32(String key, long v) { return put(key, UINT32, v); }
    public GgufWriter putI32(String key, long v) { return put(key, INT32, v); }
    public GgufWriter putU64(String key, long v) { return put(key, UINT64, v); }
    public GgufWriter putI64(String key, long v) { return put(key, INT64, v); }
    public GgufWriter putF32(String key, float v) { return put(key, FLOAT32, v); }
    public GgufWriter putF64(String key, double v) { return put(key, FLOAT64, v); }
    public GgufWriter putArray(String key, GgufMetadata.Array v) { return put(key, ARRAY, v); }

    public GgufWriter putStrings(String key, String... v) { return putArray(key, new GgufMetadata.Array(STRING, v.clone())); }
    public GgufWriter putBools(String key, boolean... v) { return putArray(key, new GgufMetadata.Array(BOOL, v.clone())); }
    public GgufWriter putFloats(String key, float... v) { return putArray(key, new GgufMetadata.Array(FLOAT32, v.clone())); }

    /** An array of integers of GGUF element type {@code elementType} (one of the integer type ids). */
    public GgufWriter putInts(String key, int elementType, long... v) { return putArray(key, new GgufMetadata.Array(elementType, v.clone())); }

    /** Removes a key if present. */
    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public Value get(String key) {
        return metadata.get(key);
    }

    /** The metadata in file order. */
    public Map<String, Value> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }

    /** Copies every key of {@code src} in file order with its original value type (scalars included). */
    public GgufWriter copyMetadata(GgufFile src) {
        Map<String, Integer> types = valueTypes(src);
        for (Map.Entry<String, Object> e : src.metadata().asMap().entrySet()) {
            Object v = e.getValue();
            int type = v instanceof GgufMetadata.Array ? ARRAY : types.getOrDefault(e.getKey(), defaultType(v));
            put(e.getKey(), type, v);
        }
        return this;
    }

    private static int defaultType(Object v) {
        if (v instanceof String) return STRING;
        if (v instanceof Boolean) return BOOL;
        if (v instanceof Float) return FLOAT32;
        if (v instanceof Double) return FLOAT64;
        if (v instanceof GgufMetadata.Array) return ARRAY;
        return INT64;
    }

    /** The GGUF value type of every metadata key of an open file, in file order. */
    public static Map<String, Integer> valueTypes(GgufFile file) {
        HeaderWalker r = new HeaderWalker(file.segment());
        r.pos = 16;
        long nKv = r.u64();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = r.string();
            int type = r.i32();
            r.skipValue(type);
            out.put(key, type);
        }
        return out;
    }

    /** Minimal cursor over a GGUF header that skips values, used to recover scalar value types. */
    private static final class HeaderWalker {
        private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private final MemorySegment seg;
        long pos;

        HeaderWalker(MemorySegment seg) {
            this.seg = seg;
        }

        int i32() { int v = seg.get(I32, pos); pos += 4; return v; }
        long u64() { long v = seg.get(I64, pos); pos += 8; return v; }

        String string() {
            int n = Math.toIntExact(u64());
            byte[] b = seg.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
            pos += n;
            return new String(b, StandardCharsets.UTF_8);
        }

        void skipValue(int type) {
            switch (type) {
                case UINT8, INT8, BOOL -> pos += 1;
                case UINT16, INT16 -> pos += 2;
                case UINT32, INT32, FLOAT32 -> pos += 4;
                case UINT64, INT64, FLOAT64 -> pos += 8;
                case STRING -> {
                    long len = u64();
                    pos += len;
                }
                case ARRAY -> {
                    int et = i32();
                    long n = u64();
                    for (long i = 0; i < n; i++) skipValue(et);
                }
                default -> throw new GgufFormatException("unknown GGUF value type " + type);
            }
        }
    }

    // ------------------------------------------------------------------ tensors

    /** Adds a tensor to the directory; its bytes are pulled from {@code data} during {@link #write}. */
    public GgufWriter addTensor(String name, long[] ne, GgmlType type, TensorData data) {
        Tensor t = new Tensor(name, ne, type, data);
        if (tensors.putIfAbsent(name, t) != null) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        return this;
    }

    public List<Tensor> tensors() {
        return List.copyOf(tensors.values());
    }

    /** The alignment the file will use: {@code general.alignment} if set, else 32. */
    public int alignment() {
        Value v = metadata.get("general.alignment");
        if (v == null) return GgufFile.DEFAULT_ALIGNMENT;
        long a = (Long) v.value();
        if (a <= 0 || a > 1 << 20 || Long.bitCount(a) != 1) throw new IllegalArgumentException("general.alignment = " + a + " is not a power of two");
        return (int) a;
    }

    /** Size in bytes of the file {@link #write} will produce. */
    public long fileSize() {
        int align = alignment();
        long size = align(header().length, align);
        for (Tensor t : tensors.values()) size += align(t.byteSize(), align);
        return size;
    }

    // ------------------------------------------------------------------ writing

    /** Writes the file atomically (temp file in the same directory, then rename). {@code progress} may be null. */
    public void write(Path path, Progress progress) throws IOException {
        if (written) throw new IllegalStateException("this GgufWriter has already written its file");
        written = true;
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean ok = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeTo(ch, progress);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            ok = true;
        } finally {
            if (!ok) Files.deleteIfExists(tmp);
        }
    }

    private void writeTo(FileChannel ch, Progress progress) throws IOException {
        int align = alignment();
        long total = fileSize();
        Out out = new Out(ch, progress, total);
        byte[] header = header();
        out.write(header, 0, header.length);
        out.pad(align);
        for (Tensor t : tensors.values()) {
            long start = out.position();
            t.data().writeTo(out);
            long wrote = out.position() - start;
            if (wrote != t.byteSize()) {
                throw new IOException("tensor '" + t.name() + "': its data source wrote " + wrote + " bytes, expected " + t.byteSize()
                        + " (" + t.type() + ", " + java.util.Arrays.toString(t.ne()) + ")");
            }
            out.pad(align);
        }
        out.flush();
        if (out.position() != total) throw new IOException("wrote " + out.position() + " bytes, expected " + total);
        if (progress != null) progress.update(total, total);
    }

    static long align(long x, int alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    /** Header bytes: magic, version 3, counts, metadata, tensor infos (without the padding that follows). */
    byte[] header() {
        Bytes b = new Bytes();
        b.i32(GgufFile.MAGIC);
        b.i32(3);
        b.i64(tensors.size());
        b.i64(metadata.size());
        for (Map.Entry<String, Value> e : metadata.entrySet()) {
            b.string(e.getKey());
            b.i32(e.getValue().type());
            writeValue(b, e.getValue().type(), e.getValue().value());
        }
        int align = alignment();
        long offset = 0;
        for (Tensor t : tensors.values()) {
            b.string(t.name());
            b.i32(t.ne().length);
            for (long d : t.ne()) b.i64(d);
            b.i32(t.type().id);
            b.i64(offset);
            offset += align(t.byteSize(), align);
        }
        return b.toArray();
    }

    private static void writeValue(Bytes b, int type, Object v) {
        switch (type) {
            case UINT8, INT8 -> b.u8((int) (long) (Long) v);
            case UINT16, INT16 -> b.i16((int) (long) (Long) v);
            case UINT32, INT32 -> b.i32((int) (long) (Long) v);
            case UINT64, INT64 -> b.i64((Long) v);
            case FLOAT32 -> b.i32(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> b.i64(Double.doubleToRawLongBits((Double) v));
            case BOOL -> b.u8((Boolean) v ? 1 : 0);
            case STRING -> b.string((String) v);
            case ARRAY -> {
                GgufMetadata.Array a = (GgufMetadata.Array) v;
                b.i32(a.valueType());
                b.i64(a.length());
                switch (a.values()) {
                    case long[] l -> { for (long x : l) writeValue(b, a.valueType(), x); }
                    case float[] f -> { for (float x : f) b.i32(Float.floatToRawIntBits(x)); }
                    case double[] d -> { for (double x : d) b.i64(Double.doubleToRawLongBits(x)); }
                    case boolean[] z -> { for (boolean x : z) b.u8(x ? 1 : 0); }
                    case String[] s -> { for (String x : s) b.string(x); }
                    case GgufMetadata.Array[] n -> { for (GgufMetadata.Array x : n) writeValue(b, ARRAY, x); }
                    default -> throw new IllegalArgumentException("unsupported array storage " + a.values().getClass());
                }
            }
            default -> throw new IllegalArgumentException("unknown GGUF value type " + type);
        }
    }

    private static void checkValue(int type, Object v) {
        Objects.requireNonNull(v, "value");
        switch (type) {
            case UINT8 -> checkRange(v, 0, 0xff, "uint8");
            case INT8 -> checkRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "int8");
            case UINT16 -> checkRange(v, 0, 0xffff, "uint16");
            case INT16 -> checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE, "int16");
            case UINT32 -> checkRange(v, 0, 0xffffffffL, "uint32");
            case INT32 -> checkRange(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int32");
            case UINT64, INT64 -> requireClass(v, Long.class, type);
            case FLOAT32 -> requireClass(v, Float.class, type);
            case FLOAT64 -> requireClass(v, Double.class, type);
            case BOOL -> requireClass(v, Boolean.class, type);
            case STRING -> requireClass(v, String.class, type);
            case ARRAY -> checkArray((GgufMetadata.Array) requireClass(v, GgufMetadata.Array.class, type), 0);
            default -> throw new IllegalArgumentException("unknown GGUF value type " + type);
        }
    }

    private static Object requireClass(Object v, Class<?> c, int type) {
        if (!c.isInstance(v)) {
            throw new IllegalArgumentException("GGUF value type " + type + " needs a " + c.getSimpleName() + ", got " + v.getClass().getSimpleName());
        }
        return v;
    }

    private static void checkRange(Object v, long min, long max, String what) {
        if (!(v instanceof Long)) throw new IllegalArgumentException("a GGUF " + what + " value needs a Long, got " + v.getClass().getSimpleName());
        long l = (Long) v;
        if (l < min || l > max) throw new IllegalArgumentException(l + " does not fit in " + what);
    }

    private static void checkArray(GgufMetadata.Array a, int depth) {
        if (depth > 8) throw new IllegalArgumentException("arrays nested deeper than 8");
        Object vals = a.values();
        int t = a.valueType();
        boolean ok = switch (t) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> vals instanceof long[];
            case FLOAT32 -> vals instanceof float[];
            case FLOAT64 -> vals instanceof double[];
            case BOOL -> vals instanceof boolean[];
            case STRING -> vals instanceof String[] s && java.util.Arrays.stream(s).allMatch(Objects::nonNull);
            case ARRAY -> vals instanceof GgufMetadata.Array[];
            default -> false;
        };
        if (!ok) throw new IllegalArgumentException("array of element type " + t + " cannot hold " + vals.getClass().getSimpleName());
        if (vals instanceof long[] l) for (long x : l) checkValue(t, x);
        if (vals instanceof GgufMetadata.Array[] n) for (GgufMetadata.Array x : n) checkArray(x, depth + 1);
    }

    /** Growable little-endian byte buffer for the header. */
    private static final class Bytes {
        private byte[] buf = new byte[1 << 16];
        private int len;

        private void ensure(int n) {
            if (len + n > buf.length) {
                long want = Math.max((long) buf.length * 2, (long) len + n);
                if (want > Integer.MAX_VALUE - 16) throw new IllegalStateException("GGUF header larger than 2 GiB");
                buf = java.util.Arrays.copyOf(buf, (int) want);
            }
        }

        void u8(int v) { ensure(1); buf[len++] = (byte) v; }
        void i16(int v) { ensure(2); buf[len++] = (byte) v; buf[len++] = (byte) (v >> 8); }
        void i32(int v) { ensure(4); for (int i = 0; i < 4; i++) buf[len++] = (byte) (v >> (8 * i)); }
        void i64(long v) { ensure(8); for (int i = 0; i < 8; i++) buf[len++] = (byte) (v >> (8 * i)); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        byte[] toArray() { return java.util.Arrays.copyOf(buf, len); }
    }

    /** Buffered channel output that counts bytes and reports progress. */
    private static final class Out implements Sink {
        private static final int BUF = 4 << 20;
        private final FileChannel ch;
        private final Progress progress;
        private final long total;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(BUF).order(ByteOrder.LITTLE_ENDIAN);
        private final MemorySegment bufSeg = MemorySegment.ofBuffer(buf);
        private long flushed;

        Out(FileChannel ch, Progress progress, long total) {
            this.ch = ch;
            this.progress = progress;
            this.total = total;
        }

        long position() {
            return flushed + buf.position();
        }

        @Override
        public void write(MemorySegment bytes) throws IOException {
            long off = 0, n = bytes.byteSize();
            while (off < n) {
                if (!buf.hasRemaining()) flush();
                int len = (int) Math.min(buf.remaining(), n - off);
                MemorySegment.copy(bytes, off, bufSeg, buf.position(), len);
                buf.position(buf.position() + len);
                off += len;
            }
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, bytes.length);
            while (len > 0) {
                if (!buf.hasRemaining()) flush();
                int n = Math.min(buf.remaining(), len);
                buf.put(bytes, off, n);
                off += n;
                len -= n;
            }
        }

        void pad(int align) throws IOException {
            long pad = align(position(), align) - position();
            write(new byte[(int) pad], 0, (int) pad);
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) flushed += ch.write(buf);
            buf.clear();
            if (progress != null) progress.update(flushed, total);
        }
    }

    /** Copies a tensor's stored bytes unchanged: a {@link TensorData} for re-writing tensors of an open file. */
    public static TensorData copyOf(GgufTensorInfo t) {
        return sink -> sink.write(t.data());
    }

    /** Raw bytes of a segment as a {@link TensorData}. */
    public static TensorData bytes(MemorySegment data) {
        return sink -> sink.write(data);
    }

    /** Raw bytes of an array as a {@link TensorData}. */
    public static TensorData bytes(byte[] data) {
        return sink -> sink.write(data, 0, data.length);
    }
}
