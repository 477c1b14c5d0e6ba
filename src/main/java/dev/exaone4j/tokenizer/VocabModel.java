package dev.exaone4j.tokenizer;

import java.util.Map;

/** What every {@link TokenModel} shares: the vocabulary both ways (text to id, id to text). */
abstract class VocabModel implements TokenModel {
    /** Token text to id (a text listed twice maps to one of its ids). */
    protected final Map<String, Integer> vocab;
    private final String[] idToToken;

    /** Takes ownership of both (they must not be changed afterwards). */
    protected VocabModel(String[] idToToken, Map<String, Integer> vocab) {
        this.idToToken = idToToken;
        this.vocab = vocab;
    }

    /** The entry of every id of a text-to-id vocabulary; kind names the model in the error for a negative id. */
    static String[] tokensById(Map<String, Integer> vocab, String kind) {
        int max = -1;
        for (int id : vocab.values()) {
            if (id < 0) throw new IllegalArgumentException("negative token id " + id + " in the " + kind + " vocabulary");
            if (id >= Tokenizer.MAX_VOCAB) {
                throw new IllegalArgumentException("token id " + id + " in the " + kind + " vocabulary is too large (ids must be below " + Tokenizer.MAX_VOCAB + ")");
            }
            max = Math.max(max, id);
        }
        String[] t = new String[max + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) t[e.getValue()] = e.getKey();
        return t;
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
