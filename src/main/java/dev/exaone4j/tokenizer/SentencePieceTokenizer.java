package dev.exaone4j.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A SentencePiece-style vocabulary from GGUF ({@code tokenizer.ggml.model = "llama"}), tokenized like llama.cpp:
 * control, unknown and user-defined tokens written in the text are matched whole; every other span gets a leading
 * space when it starts the text or follows such a token (SentencePiece's dummy prefix), spaces become U+2581 and
 * {@link SpmModel} merges by score. Decoding turns U+2581 back into spaces and {@code <0xNN>} tokens into bytes, and
 * drops the dummy-prefix space of the token that starts the sequence or follows BOS (as llama2.c's {@code run.c} does).
 */
final class SentencePieceTokenizer implements Tokenizer {
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;
    private static final String SPACE = "\u2581";

    private final SpmModel model;
    private final int[] types;
    private final AddedVocabulary added;
    private final int bos;
    private final int eos;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;
    private final int[] endOfGeneration;
    private final String description;

    SentencePieceTokenizer(SpmModel model, int[] types, AddedVocabulary added, int bos, int eos, boolean addBos,
                           boolean addEos, boolean addSpacePrefix, int[] endOfGeneration, String description) {
        this.model = model;
        this.types = types.clone();
        this.added = added;
        this.bos = bos;
        this.eos = eos;
        this.addBos = addBos;
        this.addEos = addEos;
        this.addSpacePrefix = addSpacePrefix;
        this.endOfGeneration = endOfGeneration.clone();
        this.description = description;
    }

    @Override
    public int[] encode(String text) {
        text = CharClasses.replaceLoneSurrogates(text);
        IntList out = new IntList(Math.max(16, text.length() / 2));
        boolean[] afterSpecial = {true};
        added.splitRaw(text, true, new AddedVocabulary.Sink() {
            @Override
            public void text(String segment, boolean atStart) {
                String s = addSpacePrefix && afterSpecial[0] ? " " + segment : segment;
                model.tokenize(new Piece(s.replace(" ", SPACE), false, atStart), out);
                afterSpecial[0] = false;
            }

            @Override
            public void token(int id) {
                out.add(id);
                afterSpecial[0] = true;
            }
        });
        return out.toArray();
    }

    @Override
    public int[] encodePrompt(String text) {
        int[] body = encode(text);
        int extra = (addBos && bos >= 0 ? 1 : 0) + (addEos && eos >= 0 ? 1 : 0);
        if (extra == 0) return body;
        IntList out = new IntList(body.length + extra);
        if (addBos && bos >= 0) out.add(bos);
        out.addAll(body);
        if (addEos && eos >= 0) out.add(eos);
        return out.toArray();
    }

    @Override
    public String decode(int[] ids, boolean skipSpecial) {
        return decodeRange(ids, 0, ids.length, skipSpecial, true);
    }

    private String decodeRange(int[] ids, int from, int to, boolean skipSpecial, boolean sequenceStart) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean stripSpace = sequenceStart;
        for (int i = from; i < to; i++) {
            int id = ids[i];
            String text = model.tokenText(id);
            if (text == null) continue;
            int type = id < types.length ? types[id] : NORMAL;
            if (id == bos || type == CONTROL || type == UNKNOWN) {
                if (!skipSpecial) bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
                stripSpace = id == bos;
                continue;
            }
            if (type == BYTE) {
                int b = Decoder.ByteFallback.byteToken(text);
                if (b >= 0) {
                    if (!(stripSpace && b == ' ')) bytes.write(b);
                    stripSpace = false;
                    continue;
                }
            }
            String piece = text.replace(SPACE, " ");
            if (stripSpace && piece.startsWith(" ")) piece = piece.substring(1);
            stripSpace = false;
            bytes.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public StreamingDecoder streamingDecoder(boolean skipSpecial) {
        return new IncrementalDecoder(this::decodeRange, skipSpecial);
    }

    @Override
    public int vocabSize() {
        return model.vocabSize();
    }

    @Override
    public String tokenText(int id) {
        return model.tokenText(id);
    }

    @Override
    public int tokenId(String text) {
        return model.tokenId(text);
    }

    @Override
    public boolean isSpecial(int id) {
        if (id == bos || id == eos) return id >= 0;
        return id >= 0 && id < types.length && (types[id] == CONTROL || types[id] == UNKNOWN);
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int[] endOfGenerationIds() {
        return endOfGeneration.clone();
    }

    @Override
    public String toString() {
        return description;
    }
}
