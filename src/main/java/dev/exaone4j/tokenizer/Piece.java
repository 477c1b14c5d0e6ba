package dev.exaone4j.tokenizer;

/**
 * A piece of text between pre-tokenization steps.
 *
 * @param text       the text
 * @param byteMapped true when the piece logically is {@code ByteLevel.encode(text)} (set by the ByteLevel
 *                   pre-tokenizer; the BPE model then reads the UTF-8 bytes directly instead of the stand-ins)
 * @param atStart    whether the piece starts at offset 0 of the original input (Metaspace's "first" scheme)
 */
record Piece(String text, boolean byteMapped, boolean atStart) {
    /** The logical text: the stand-in characters when byte-mapped. */
    String logicalText() {
        return byteMapped ? ByteLevel.encode(text) : text;
    }

    /** This piece with its logical text spelled out (byteMapped false). */
    Piece materialized() {
        return byteMapped ? new Piece(ByteLevel.encode(text), false, atStart) : this;
    }
}
