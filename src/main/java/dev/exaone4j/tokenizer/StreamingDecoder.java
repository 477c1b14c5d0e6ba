package dev.exaone4j.tokenizer;

/**
 * Incremental detokenizer: feed generated ids one at a time, get back the text that is complete so far.
 * Bytes of a UTF-8 character split across tokens are held back until the character is complete.
 */
public interface StreamingDecoder {
    /** Adds one id; returns the newly completed text (possibly empty, never half a character). */
    String accept(int id);

    /** Flushes whatever is still held back (incomplete bytes become U+FFFD). */
    String flush();
}
