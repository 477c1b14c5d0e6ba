package dev.exaone4j.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The Hugging Face tokenization pipeline: added tokens are split off the raw text, the rest is normalized, split
 * again on normalized added tokens, pre-tokenized into pieces and each piece encoded by the model; prompts get the
 * post-processor's special tokens. Decoding maps ids to token strings (added-token content or vocabulary entry) and
 * runs the decoder chain. Used for tokenizer.json and for GGUF byte-level BPE vocabularies.
 */
final class PipelineTokenizer implements Tokenizer {
    /** Everything a pipeline consists of; null normalizer/preTokenizer/decoder mean none. */
    record Parts(AddedVocabulary added, Normalizer normalizer, PreTokenizer preTokenizer, TokenModel model,
                 PostProcessor postProcessor, Decoder decoder, int bosId, int eosId, int[] endOfGeneration,
                 boolean ensureBos, boolean ensureEos, String description) {}

    private final Parts p;
    private final int vocabSize;

    PipelineTokenizer(Parts parts) {
        this.p = parts;
        this.vocabSize = Math.max(parts.model().vocabSize(), parts.added().maxId() + 1);
    }

    @Override
    public int[] encode(String text) {
        text = CharClasses.replaceLoneSurrogates(text);
        IntList out = new IntList(Math.max(16, text.length() / 3));
        p.added().splitRaw(text, true, new AddedVocabulary.Sink() {
            @Override
            public void text(String segment, boolean atStart) {
                encodeSegment(segment, atStart, out);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
        return out.toArray();
    }

    private void encodeSegment(String segment, boolean atStart, IntList out) {
        String normalized = p.normalizer() == null ? segment : p.normalizer().normalize(segment);
        if (!p.added().hasNormalizedTokens()) {
            encodePieces(normalized, atStart, out);
            return;
        }
        p.added().splitNormalized(normalized, atStart, new AddedVocabulary.Sink() {
            @Override
            public void text(String t, boolean first) {
                encodePieces(t, first, out);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
    }

    private void encodePieces(String text, boolean atStart, IntList out) {
        if (text.isEmpty()) return;
        Piece piece = new Piece(text, false, atStart);
        if (p.preTokenizer() == null) {
            p.model().tokenize(piece, out);
            return;
        }
        List<Piece> pieces = new ArrayList<>();
        p.preTokenizer().split(piece, pieces);
        for (Piece q : pieces) p.model().tokenize(q, out);
    }

    @Override
    public int[] encodePrompt(String text) {
        int[] ids = p.postProcessor().process(encode(text));
        if (p.ensureBos() && p.bosId() >= 0 && (ids.length == 0 || ids[0] != p.bosId())) {
            ids = new PostProcessor.Surround(new int[] {p.bosId()}, new int[0]).process(ids);
        }
        if (p.ensureEos() && p.eosId() >= 0 && (ids.length == 0 || ids[ids.length - 1] != p.eosId())) {
            ids = new PostProcessor.Surround(new int[0], new int[] {p.eosId()}).process(ids);
        }
        return ids;
    }

    @Override
    public String decode(int[] ids, boolean skipSpecial) {
        return decodeRange(ids, 0, ids.length, skipSpecial, true);
    }

    private String decodeRange(int[] ids, int from, int to, boolean skipSpecial, boolean sequenceStart) {
        List<String> tokens = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            int id = ids[i];
            AddedVocabulary.AddedToken a = p.added().get(id);
            if (a != null) {
                if (!(skipSpecial && a.special())) tokens.add(a.content());
                continue;
            }
            String t = p.model().tokenText(id);
            if (t != null) tokens.add(t);
        }
        if (p.decoder() == null) return String.join(" ", tokens);
        return p.decoder().decode(tokens, sequenceStart);
    }

    @Override
    public StreamingDecoder streamingDecoder(boolean skipSpecial) {
        return new IncrementalDecoder(this::decodeRange, skipSpecial);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public String tokenText(int id) {
        AddedVocabulary.AddedToken a = p.added().get(id);
        return a != null ? a.content() : p.model().tokenText(id);
    }

    @Override
    public int tokenId(String text) {
        int id = p.added().id(text);
        return id >= 0 ? id : p.model().tokenId(text);
    }

    @Override
    public boolean isSpecial(int id) {
        AddedVocabulary.AddedToken a = p.added().get(id);
        return a != null && a.special();
    }

    @Override
    public int bosId() {
        return p.bosId();
    }

    @Override
    public int eosId() {
        return p.eosId();
    }

    @Override
    public int[] endOfGenerationIds() {
        return p.endOfGeneration().clone();
    }

    @Override
    public String toString() {
        return p.description();
    }
}
