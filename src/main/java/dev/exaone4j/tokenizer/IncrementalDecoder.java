package dev.exaone4j.tokenizer;

import java.util.Arrays;

/**
 * A {@link StreamingDecoder} for any tokenizer that can decode a range of ids: it decodes the previous emission's
 * ids (the context) plus the ids still pending, and emits the text beyond the context's own text once it no longer
 * ends in U+FFFD (an incomplete UTF-8 character). The stream is treated as a continuation, so decoders keep a
 * leading space on its first token.
 */
final class IncrementalDecoder implements StreamingDecoder {
    /** Decodes {@code ids[from, to)}; {@code sequenceStart} as in {@link Decoder}. */
    interface RangeDecoder {
        String decode(int[] ids, int from, int to, boolean skipSpecial, boolean sequenceStart);
    }

    /** A UTF-8 character has at most 4 bytes, each token at least one: beyond that a U+FFFD is real. */
    private static final int MAX_HOLD = 4;

    private final RangeDecoder decoder;
    private final boolean skipSpecial;
    private int[] ids = new int[64];
    private int size;
    private int contextStart;
    private int pendingStart;
    private String contextText = "";

    IncrementalDecoder(RangeDecoder decoder, boolean skipSpecial) {
        this.decoder = decoder;
        this.skipSpecial = skipSpecial;
    }

    @Override
    public String accept(int id) {
        if (size == ids.length) compact();
        ids[size++] = id;
        String full = decoder.decode(ids, contextStart, size, skipSpecial, false);
        if (full.endsWith("\uFFFD") && size - pendingStart < MAX_HOLD) return "";
        return emit(full);
    }

    @Override
    public String flush() {
        if (pendingStart == size) return "";
        return emit(decoder.decode(ids, contextStart, size, skipSpecial, false));
    }

    private String emit(String full) {
        String out = full.startsWith(contextText)
                ? full.substring(contextText.length())
                : decoder.decode(ids, pendingStart, size, skipSpecial, false);
        contextStart = pendingStart;
        pendingStart = size;
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
