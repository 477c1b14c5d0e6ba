package dev.exaone4j.tokenizer;

/**
 * An open-addressing hash map from a pair of token ids to a merge (its rank and the id it produces), the BPE merge
 * table. Built once, then read concurrently.
 */
final class PairMap {
    static final long ABSENT = -1L;
    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    PairMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        java.util.Arrays.fill(keys, -1L);
        mask = cap - 1;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int slot(long k, int mask) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** Adds or replaces the merge of {@code (left, right)}. */
    void put(int left, int right, int rank, int newId) {
        if (size * 2 >= keys.length) throw new IllegalStateException("PairMap is full");
        long k = key(left, right);
        int i = slot(k, mask);
        while (keys[i] != -1L && keys[i] != k) i = (i + 1) & mask;
        if (keys[i] == -1L) size++;
        keys[i] = k;
        values[i] = ((long) rank << 32) | (newId & 0xFFFFFFFFL);
    }

    /** {@code rank << 32 | newId}, or {@link #ABSENT}. */
    long get(int left, int right) {
        long k = key(left, right);
        int i = slot(k, mask);
        while (true) {
            long kk = keys[i];
            if (kk == k) return values[i];
            if (kk == -1L) return ABSENT;
            i = (i + 1) & mask;
        }
    }

    int size() {
        return size;
    }
}
