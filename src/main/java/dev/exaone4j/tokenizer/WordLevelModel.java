package dev.exaone4j.tokenizer;

import java.util.Map;

/** Hugging Face WordLevel: each piece is one vocabulary entry, or the unknown token (dropped when there is none). */
final class WordLevelModel extends VocabModel {
    private final int unkId;

    /** Takes ownership of {@code vocab}. */
    WordLevelModel(Map<String, Integer> vocab, String unkToken) {
        super(tokensById(vocab, "WordLevel"), vocab);
        Integer unk = unkToken == null ? null : vocab.get(unkToken);
        unkId = unk == null ? -1 : unk;
    }

    @Override
    public void tokenize(Piece piece, IntList out) {
        String text = piece.logicalText();
        if (text.isEmpty()) return;
        Integer id = vocab.get(text);
        if (id != null) out.add(id);
        else if (unkId >= 0) out.add(unkId);
    }
}
