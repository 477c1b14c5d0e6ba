package dev.exaone4j.tokenizer;

import java.util.Map;

/** Hugging Face WordLevel: each piece is one vocabulary entry, or the unknown token (dropped when there is none). */
final class WordLevelModel implements TokenModel {
    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final int unkId;

    /** Takes ownership of {@code vocab}. */
    WordLevelModel(Map<String, Integer> vocab, String unkToken) {
        this.vocab = vocab;
        int max = -1;
        for (int id : vocab.values()) {
            if (id < 0) throw new IllegalArgumentException("negative token id " + id + " in the WordLevel vocabulary");
            max = Math.max(max, id);
        }
        idToToken = new String[max + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) idToToken[e.getValue()] = e.getKey();
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

    @Override
    public int tokenId(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public String tokenText(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    @Override
    public int vocabSize() {
        return idToToken.length;
    }
}
