package dev.exaone4j.tokenizer;

/**
 * A tokenizer as the engine sees it. Implementations: GGUF vocabularies (byte-level BPE "gpt2" with the
 * pre-tokenizer named by {@code tokenizer.ggml.pre}, SentencePiece-style "llama") and Hugging Face
 * {@code tokenizer.json}. Instances are immutable and thread-safe.
 */
public interface Tokenizer {
    /** Token ids are below this (16.7M, far above any real vocabulary): a larger one in a file is an error, not an allocation. */
    int MAX_VOCAB = 1 << 24;
    /**
     * Encodes text without adding any special token (no BOS/EOS, no post-processor template). Special tokens
     * written in the text (for example {@code <|endofturn|>}) are matched as whole tokens. An unpaired surrogate
     * is encoded as U+FFFD. SentencePiece-style vocabularies still add their dummy-prefix space.
     */
    int[] encode(String text);

    /**
     * Encodes a prompt the way the model expects it at the start of a sequence: adds BOS/EOS or applies the
     * post-processor as the file declares (GGUF {@code add_bos_token}, SentencePiece BOS + leading space,
     * tokenizer.json post_processor).
     */
    int[] encodePrompt(String text);

    /** Decodes ids to text; special tokens are rendered unless {@code skipSpecial}. */
    String decode(int[] ids, boolean skipSpecial);

    default String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * A fresh incremental decoder for one stream of generated ids. The stream is decoded as a continuation of the
     * prompt: a leading space of its first token is kept (only a token right after BOS loses SentencePiece's
     * dummy-prefix space), so prompt text + streamed text equals {@code decode(prompt ids + generated ids)}.
     */
    StreamingDecoder streamingDecoder(boolean skipSpecial);

    int vocabSize();

    /** The token's text as stored in the vocabulary (not decoded), for display. */
    String tokenText(int id);

    /**
     * The bytes a token adds to decoded text: its UTF-8 text, or for a token that holds part of a UTF-8 character
     * (a byte-fallback {@code <0xNN>} token, a byte-level BPE token cut inside a character) the raw bytes it stands
     * for, which a client joins with its neighbours' to rebuild the character.
     */
    default byte[] tokenBytes(int id) {
        StreamingDecoder d = streamingDecoder(false);
        String text = d.accept(id) + d.flush();
        if (text.indexOf('\uFFFD') < 0) return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String entry = tokenText(id);
        int b = Decoder.ByteFallback.byteToken(entry);
        if (b >= 0) return new byte[] {(byte) b};
        if (ByteLevel.isStandIns(entry)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ByteLevel.appendTokenBytes(entry, out);
            return out.toByteArray();
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Id of a token given its exact vocabulary text, or -1. */
    int tokenId(String text);

    boolean isSpecial(int id);

    /** BOS id or -1. */
    int bosId();

    /** EOS id or -1. */
    int eosId();

    /** Ids that end generation (EOS and other end-of-turn tokens the vocabulary marks), never empty when EOS exists. */
    int[] endOfGenerationIds();
}
