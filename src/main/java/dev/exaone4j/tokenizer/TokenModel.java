package dev.exaone4j.tokenizer;

/** The vocabulary model that turns one pre-tokenized piece into ids (BPE, SentencePiece-style BPE). */
interface TokenModel {
    /** Appends the ids of {@code piece} to {@code out}. Thread-safe. */
    void tokenize(Piece piece, IntList out);

    /** Id of an exact vocabulary entry, or -1. */
    int tokenId(String token);

    /** The vocabulary entry of {@code id}, or null when the model has none. */
    String tokenText(int id);

    /** One past the largest id. */
    int vocabSize();
}
