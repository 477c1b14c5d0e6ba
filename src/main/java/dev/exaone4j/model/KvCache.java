package dev.exaone4j.model;

import java.util.Arrays;

/**
 * Keys and values of one attention layer. A global layer keeps every position (storage grows by doubling up
 * to the context limit); a sliding-window layer of window W keeps a ring of W + maxBatch slots, enough for a
 * batch of up to maxBatch new positions to be written while each of them still sees its W most recent
 * positions, so its memory never grows with the context. Rolling back (speculative decoding) only moves the
 * position: slots of positions at or after the new end are simply overwritten later.
 */
public final class KvCache {
    private final int kvDim;
    private final int window;   // 0 = global
    private final int maxPositions;
    private int capacity;       // slots
    private float[] keys;
    private float[] values;

    public KvCache(int kvDim, int window, int maxBatch, int maxPositions) {
        this.kvDim = kvDim;
        this.window = window;
        this.maxPositions = maxPositions;
        this.capacity = window > 0 ? Math.min(window + maxBatch, maxPositions) : Math.min(maxPositions, 256);
        this.keys = new float[capacity * kvDim];
        this.values = new float[capacity * kvDim];
    }

    public boolean isSliding() { return window > 0; }
    public int window() { return window; }
    public int kvDim() { return kvDim; }
    public int capacity() { return capacity; }

    /** Makes room for positions [0, end): grows a global cache, checks the context limit. */
    public void ensure(int end) {
        if (end > maxPositions) throw new IllegalStateException("context is full: position " + (end - 1) + " exceeds the limit of " + maxPositions + " tokens");
        if (window > 0 || end <= capacity) return;
        int c = capacity;
        while (c < end) c = (int) Math.min(maxPositions, Math.max(c * 2L, 16));
        keys = Arrays.copyOf(keys, c * kvDim);
        values = Arrays.copyOf(values, c * kvDim);
        capacity = c;
    }

    /** Array offset of position pos. */
    public int offset(int pos) {
        return (window > 0 ? pos % capacity : pos) * kvDim;
    }

    /** First position a query at pos may attend to (the W most recent positions including itself). */
    public int firstVisible(int pos) {
        return window > 0 ? Math.max(0, pos - window + 1) : 0;
    }

    public float[] keys() { return keys; }
    public float[] values() { return values; }

    /** Bytes held. */
    public long bytes() {
        return 2L * capacity * kvDim * Float.BYTES;
    }

    /** A deep copy (used to fork a sequence, e.g. for a prefix cache). */
    public KvCache copy() {
        KvCache c = new KvCache(kvDim, window, 0, maxPositions);
        c.capacity = capacity;
        c.keys = keys.clone();
        c.values = values.clone();
        return c;
    }
}
