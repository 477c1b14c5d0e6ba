package dev.exaone4j.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a tokenizer from a Hugging Face {@code tokenizer.json}, plus {@code tokenizer_config.json} (added-token
 * flags, {@code add_bos_token}/{@code add_eos_token}, BOS/EOS names) and {@code generation_config.json} (extra
 * end-of-generation ids) when they sit next to it.
 */
final class TokenizerJson {
    private TokenizerJson() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Well-known EOS texts, in preference order, for when no tokenizer_config.json names one. */
    private static final List<String> EOS_NAMES = List.of("</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>", "[EOS]",
            "[|endofturn|]", "<|endofturn|>", "<|im_end|>");

    static Tokenizer load(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("tokenizer file " + file + ": " + dev.exaone4j.gguf.GgufFile.whyNotAFile(file));
        Path dir = file.toAbsolutePath().getParent();
        JsonNode config = dir == null ? null : readOptional(dir.resolve("tokenizer_config.json"));
        JsonNode generation = dir == null ? null : readOptional(dir.resolve("generation_config.json"));
        try (InputStream in = Files.newInputStream(file); JsonParser parser = MAPPER.createParser(in)) {
            return build(parser, config, generation, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds from tokenizer.json text (and optional tokenizer_config.json / generation_config.json text). */
    static Tokenizer parse(String tokenizerJson, String tokenizerConfig, String generationConfig) {
        try (JsonParser parser = MAPPER.createParser(tokenizerJson)) {
            return build(parser, tokenizerConfig == null ? null : MAPPER.readTree(tokenizerConfig),
                    generationConfig == null ? null : MAPPER.readTree(generationConfig), "(inline)");
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed tokenizer JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode readOptional(Path p) {
        if (!Files.isRegularFile(p)) return null;
        try (InputStream in = Files.newInputStream(p)) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** The model object with its (large) vocab and merges read by streaming. */
    private record ModelSpec(ObjectNode fields, Map<String, Integer> vocab, List<String[]> merges) {}

    private static Tokenizer build(JsonParser p, JsonNode config, JsonNode generation, String description) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("tokenizer.json is not a JSON object");
        ObjectNode root = MAPPER.createObjectNode();
        ModelSpec model = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("model")) {
                model = readModel(p);
            } else {
                root.set(field, MAPPER.readTree(p));
            }
        }
        if (model == null) throw new IllegalArgumentException("tokenizer.json has no model");
        return build(root, model, config, generation, description);
    }

    private static ModelSpec readModel(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("tokenizer.json model is not an object");
        ObjectNode fields = MAPPER.createObjectNode();
        Map<String, Integer> vocab = null;
        List<String[]> merges = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("vocab") && t == JsonToken.START_OBJECT) {
                vocab = new HashMap<>(1 << 12);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    JsonToken v = p.nextToken();
                    if (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() >= Tokenizer.MAX_VOCAB) {
                        throw new IllegalArgumentException("tokenizer.json vocab: token '" + token + "' has invalid id " + p.getText()
                                + " (ids are integers in [0, " + Tokenizer.MAX_VOCAB + "))");
                    }
                    vocab.put(token, p.getIntValue());
                }
            } else if (field.equals("merges") && t == JsonToken.START_ARRAY) {
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (e == JsonToken.VALUE_STRING) {
                        merges.add(BpeModel.splitMerge(p.getText()));
                    } else if (e == JsonToken.START_ARRAY) {
                        JsonNode pair = MAPPER.readTree(p);
                        if (pair.size() != 2) throw new IllegalArgumentException("BPE merge " + pair + " is neither \"a b\" nor [a, b]");
                        merges.add(new String[] {pair.get(0).asText(), pair.get(1).asText()});
                    } else {
                        throw new IllegalArgumentException("BPE merge " + p.getText() + " is neither \"a b\" nor [a, b]");
                    }
                }
            } else {
                fields.set(field, MAPPER.readTree(p));
            }
        }
        return new ModelSpec(fields, vocab, merges);
    }

    private static Tokenizer build(JsonNode root, ModelSpec modelSpec, JsonNode config, JsonNode generation, String description) {
        JsonNode normNode = root.get("normalizer");
        Normalizer normalizer = normNode == null || normNode.isNull() ? null : Normalizer.fromJson(normNode);
        JsonNode preNode = root.get("pre_tokenizer");
        PreTokenizer pre = preNode == null || preNode.isNull() ? null : PreTokenizer.fromJson(preNode);
        JsonNode postNode = root.get("post_processor");
        PostProcessor post = postNode == null || postNode.isNull() ? new PostProcessor.None() : PostProcessor.fromJson(postNode);
        JsonNode decNode = root.get("decoder");
        Decoder decoder = decNode == null || decNode.isNull() ? null : Decoder.fromJson(decNode);
        TokenModel model = model(modelSpec);

        Map<Integer, AddedVocabulary.AddedToken> addedById = new LinkedHashMap<>();
        JsonNode addedNode = root.get("added_tokens");
        if (addedNode != null && addedNode.isArray()) {
            for (JsonNode t : addedNode) {
                JsonNode idNode = t.get("id");
                if (idNode == null || !idNode.canConvertToInt()) throw new IllegalArgumentException("added token " + t + " has no valid integer id");
                AddedVocabulary.AddedToken a = addedToken(idNode.asInt(), t, null);
                addedById.put(a.id(), a);
            }
        }
        if (config != null && config.has("added_tokens_decoder")) {
            config.get("added_tokens_decoder").properties().forEach(e -> {
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("tokenizer_config.json added_tokens_decoder: key '" + e.getKey() + "' is not a token id");
                }
                AddedVocabulary.AddedToken a = addedToken(id, e.getValue(), addedById.get(id));
                addedById.put(id, a);
            });
        }
        AddedVocabulary added = new AddedVocabulary(new ArrayList<>(addedById.values()),
                normalizer == null ? null : normalizer::normalize);

        java.util.function.ToIntFunction<String> idOf = text -> {
            int id = added.id(text);
            return id >= 0 ? id : model.tokenId(text);
        };
        int bos = config == null ? -1 : tokenRef(config.get("bos_token"), idOf);
        if (bos < 0 && post instanceof PostProcessor.Surround s && s.before().length > 0) bos = s.before()[0];
        int eos = config == null ? -1 : tokenRef(config.get("eos_token"), idOf);
        Set<Integer> eog = new LinkedHashSet<>();
        if (generation != null && generation.has("eos_token_id")) {
            JsonNode g = generation.get("eos_token_id");
            if (g.isArray()) g.forEach(x -> eog.add(x.asInt()));
            else if (g.isNumber()) eog.add(g.asInt());
        }
        if (eos < 0 && !eog.isEmpty()) eos = eog.iterator().next();
        if (eos < 0) {
            for (String name : EOS_NAMES) {
                int id = added.id(name);
                if (id >= 0) {
                    eos = id;
                    break;
                }
            }
        }
        Set<Integer> eogAll = new LinkedHashSet<>();
        if (eos >= 0) eogAll.add(eos);
        eogAll.addAll(eog);
        for (AddedVocabulary.AddedToken a : added.tokens()) {
            if (a.special() && GgufVocab.END_OF_TURN_TEXTS.contains(a.content())) eogAll.add(a.id());
        }
        boolean ensureBos = config != null && Json.bool(config, "add_bos_token", false);
        boolean ensureEos = config != null && Json.bool(config, "add_eos_token", false);
        return new PipelineTokenizer(new PipelineTokenizer.Parts(added, normalizer, pre, model, post, decoder, bos, eos,
                eogAll.stream().mapToInt(Integer::intValue).toArray(), ensureBos, ensureEos,
                "tokenizer.json " + description));
    }

    /** A token named in tokenizer_config.json: a string or an object with {@code content}; -1 when absent. */
    private static int tokenRef(JsonNode ref, java.util.function.ToIntFunction<String> idOf) {
        if (ref == null || ref.isNull()) return -1;
        String text = ref.isTextual() ? ref.asText() : Json.text(ref, "content", null);
        return text == null ? -1 : idOf.applyAsInt(text);
    }

    private static AddedVocabulary.AddedToken addedToken(int id, JsonNode t, AddedVocabulary.AddedToken base) {
        if (id < 0 || id >= Tokenizer.MAX_VOCAB) throw new IllegalArgumentException("added token " + t + " has an invalid id " + id);
        String content = Json.text(t, "content", base == null ? null : base.content());
        if (content == null) throw new IllegalArgumentException("added token " + id + " has no content");
        boolean special = Json.bool(t, "special", base != null && base.special());
        return new AddedVocabulary.AddedToken(id, content, special,
                Json.bool(t, "single_word", base != null && base.singleWord()),
                Json.bool(t, "lstrip", base != null && base.lstrip()),
                Json.bool(t, "rstrip", base != null && base.rstrip()),
                Json.bool(t, "normalized", base == null ? !special : base.normalized()));
    }

    private static TokenModel model(ModelSpec spec) {
        JsonNode node = spec.fields();
        String type = node.hasNonNull("type") ? node.get("type").asText() : (spec.vocab() != null ? "BPE" : "?");
        if (type.equals("WordLevel")) {
            if (spec.vocab() == null) throw new IllegalArgumentException("WordLevel model has no vocab object");
            return new WordLevelModel(spec.vocab(), Json.text(node, "unk_token", null));
        }
        if (!type.equals("BPE")) throw new IllegalArgumentException("unsupported model type '" + type + "' (supported: BPE, WordLevel)");
        JsonNode dropout = node.get("dropout");
        if (dropout != null && !dropout.isNull() && dropout.asDouble() != 0.0) {
            throw new IllegalArgumentException("unsupported BPE dropout " + dropout.asDouble() + " (randomized encoding)");
        }
        if (spec.vocab() == null) throw new IllegalArgumentException("BPE model has no vocab object");
        BpeModel.Options options = new BpeModel.Options(Json.text(node, "unk_token", null),
                Json.text(node, "continuing_subword_prefix", null), Json.text(node, "end_of_word_suffix", null),
                Json.bool(node, "fuse_unk", false), Json.bool(node, "byte_fallback", false),
                Json.bool(node, "ignore_merges", false));
        return new BpeModel(spec.vocab(), spec.merges(), options);
    }
}
