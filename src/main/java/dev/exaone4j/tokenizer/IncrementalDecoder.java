package dev.exaone4j.tokenizer;

import java.util.Arrays;

/**
 * A {@link StreamingDecoder} for any tokenizer that can decode a range of ids: it decodes the previous emission's
 * ids (the context) plus the ids still pending, and emits the text beyond the context's own text: all of it once it
 * no longer ends in U+FFFD (an incomplete UTF-8 character), before that only the complete characters (a token may
 * finish one character and start the next, as byte-level BPE splits Korean). The stream is treated as a
 * continuation, so decoders keep a leading space on its first token.
 */
final class IncrementalDecoder implements StreamingDecoder {
    /** Decodes {@code ids[from, to)}; {@code sequenceStart} as in {@link Decoder}. */
    interface RangeDecoder {
        String decode(int[] ids, int from, int to, boolean skipSpecial, boolean sequenceStart);
    }

    /**
     * Most tokens a window may hold while its text still ends in an incomplete character. A character has at most 4
     * bytes, but a run of tokens that each finish one character and start the next keeps the end incomplete; beyond
     * this many (never seen in real text) the replacement characters are taken as final, bounding the work per token.
     */
    private static final int MAX_PENDING = 64;

    private final RangeDecoder decoder;
    private final boolean skipSpecial;
    private int[] ids = new int[64];
    private int size;
    private int contextStart;
    private int pendingStart;
    private String contextText = "";
    /** Characters of the pending tokens' text already emitted (complete characters before an incomplete one). */
    private int pendingEmitted;

    IncrementalDecoder(RangeDecoder decoder, boolean skipSpecial) {
        this.decoder = decoder;
        this.skipSpecial = skipSpecial;
    }

    @Override
    public String accept(int id) {
        if (size == ids.length) compact();
        ids[size++] = id;
        String full = decoder.decode(ids, contextStart, size, skipSpecial, false);
        if (!full.startsWith(contextText)) return advance(decoder.decode(ids, pendingStart, size, skipSpecial, false));
        String tail = full.substring(contextText.length());
        int stable = tail.length();
        while (stable > 0 && tail.charAt(stable - 1) == '\uFFFD') stable--;
        if (stable == tail.length() || size - pendingStart > MAX_PENDING) return advance(tail);
        // the text ends inside a character: release the complete characters before it, hold the rest
        if (stable <= pendingEmitted) return "";
        String out = tail.substring(pendingEmitted, stable);
        pendingEmitted = stable;
        return out;
    }

    @Override
    public String flush() {
        if (pendingStart == size) return "";
        String full = decoder.decode(ids, contextStart, size, skipSpecial, false);
        return advance(full.startsWith(contextText) ? full.substring(contextText.length()) : decoder.decode(ids, pendingStart, size, skipSpecial, false));
    }

    /** Emits the pending tokens' text (less what was already emitted) and makes them the next context. */
    private String advance(String pendingText) {
        String out = pendingEmitted < pendingText.length() ? pendingText.substring(pendingEmitted) : "";
        contextStart = pendingStart;
        pendingStart = size;
        pendingEmitted = 0;
        contextText = decoder.decode(ids, contextStart, size, skipSpecial, false);
        return out;
    }

    private void compact() {
        if (contextStart > 0) {
            System.arraycopy(ids, contextStart, ids, 0, size - contextStart);
            size -= contextStart;
            pendingStart -= contextStart;
            contextStart = 0;
        }
        if (size == ids.length) ids = Arrays.copyOf(ids, ids.length * 2);
    }
}
