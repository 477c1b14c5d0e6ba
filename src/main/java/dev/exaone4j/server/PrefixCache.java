package dev.exaone4j.server;

import dev.exaone4j.model.InferenceState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reuse of computed prompts across requests: whole per-sequence KV states (deep copies, or the final state of a
 * finished sequence) keyed by the tokens they hold. A new prompt forks the entry sharing its longest usable prefix and
 * only computes the rest.
 *
 * <p><b>Correctness with hybrid attention.</b> Global layers keep every position, so an entry can be cut back
 * ({@link InferenceState#truncate}) to any shorter prefix. A sliding-window layer only keeps a ring of its last
 * {@code capacity} positions; cutting back to L is exact only while the W − 1 positions before L are still in the ring,
 * i.e. {@code position − L ≤ capacity − W + 1} ({@link InferenceState#minTruncate}). Each entry records the smallest
 * length it can serve, so a fork always restores the complete window. The scheduler snapshots states where prefixes are likely to be shared: at the end of
 * every prompt, at the end of every finished generation, and (for models with sliding layers, whose entries cannot be
 * cut back far) right after the first and the last special token of the prompt (the end of the system turn and of the
 * conversation so far).
 *
 * <p>Entries are evicted least recently used first, to stay under the cap or when the scheduler needs the memory for
 * running sequences. Scheduler thread only.
 */
final class PrefixCache {
    /** One cached state: tokens[0, length) are in its caches. */
    static final class Entry {
        final int[] tokens;
        final InferenceState state;
        final int minUsable;
        final long bytes;
        long lastUsed;

        Entry(int[] tokens, InferenceState state) {
            this.tokens = tokens;
            this.state = state;
            this.minUsable = state.minTruncate();
            this.bytes = state.kvBytes();
        }

        int length() {
            return tokens.length;
        }

        /** Whether cutting back to len restores exact caches. */
        boolean canServe(int len) {
            return len >= minUsable && len <= tokens.length;
        }
    }

    /** A usable prefix: fork {@code entry} cut back to {@code length} tokens. */
    record Match(Entry entry, int length) {}

    private final long cap;
    private final List<Entry> entries = new ArrayList<>();
    private long bytes;
    private long clock;

    PrefixCache(long capBytes) {
        this.cap = capBytes;
    }

    boolean enabled() {
        return cap > 0;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }

    /** The entry that serves the longest prefix of prompt (at most prompt.length − 1, so one token is left to run), or null. */
    Match lookup(int[] prompt) {
        Entry best = null;
        int bestLen = 0;
        for (Entry e : entries) {
            int l = Math.min(commonPrefix(e.tokens, e.tokens.length, prompt, prompt.length), prompt.length - 1);
            if (l > bestLen && e.canServe(l)) {
                best = e;
                bestLen = l;
            }
        }
        if (best == null) return null;
        best.lastUsed = ++clock;
        return new Match(best, bestLen);
    }

    /** A private copy of the match's state cut back to its length. */
    static InferenceState fork(Match m) {
        InferenceState s = m.entry().state.copy();
        s.truncate(m.length());
        return s;
    }

    /** Whether some entry already serves tokens[0, len) exactly. */
    boolean covers(int[] tokens, int len) {
        for (Entry e : entries) {
            if (e.length() >= len && e.canServe(len) && commonPrefix(e.tokens, e.length(), tokens, len) == len) return true;
        }
        return false;
    }

    /**
     * Adds a state holding tokens[0, len) (taking ownership of it), drops the entries it makes redundant and evicts
     * the least recently used ones to stay under the cap. Returns false (and keeps nothing) when it does not fit or
     * is already covered.
     */
    boolean put(int[] tokens, int len, InferenceState state) {
        if (cap <= 0 || len < 1 || state.position() != len || covers(tokens, len)) return false;
        Entry n = new Entry(Arrays.copyOf(tokens, len), state);
        if (n.bytes > cap) return false;
        entries.removeIf(e -> {
            boolean redundant = e.length() <= len && n.canServe(e.length()) && commonPrefix(e.tokens, e.length(), n.tokens, len) == e.length();
            if (redundant) bytes -= e.bytes;
            return redundant;
        });
        while (bytes + n.bytes > cap && evictOldest()) {
            // evicted one
        }
        n.lastUsed = ++clock;
        entries.add(n);
        bytes += n.bytes;
        return true;
    }

    /** Drops the least recently used entry; false when empty. */
    boolean evictOldest() {
        if (entries.isEmpty()) return false;
        Entry old = entries.getFirst();
        for (Entry e : entries) if (e.lastUsed < old.lastUsed) old = e;
        entries.remove(old);
        bytes -= old.bytes;
        return true;
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }

    static int commonPrefix(int[] a, int alen, int[] b, int blen) {
        int n = Math.min(alen, blen);
        int i = Arrays.mismatch(a, 0, n, b, 0, n);
        return i < 0 ? n : i;
    }
}
