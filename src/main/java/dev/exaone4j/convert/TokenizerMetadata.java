package dev.exaone4j.convert;

import dev.exaone4j.tokenizer.Tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.gguf.GgufFormatException;
import dev.exaone4j.gguf.GgufWriter;
import dev.exaone4j.model.Architecture;
import dev.exaone4j.model.ModelConfig;
import dev.exaone4j.safetensors.HfCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code tokenizer.ggml.*} keys of a byte-level BPE tokenizer.json as llama.cpp's converter writes them:
 * tokens by id (holes padded as {@code [PAD<id>]}, unused), token types (normal 1, control 3 for special added
 * tokens, user-defined 4 for other added tokens, unused 5), merges as "a b", the pre-tokenizer name of the
 * architecture, special ids, add_bos/add_eos, and the chat template.
 */
final class TokenizerMetadata {
    private TokenizerMetadata() {}

    static void write(GgufWriter gw, Path dir, ModelConfig c) throws IOException {
        Path tj = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tj)) throw new GgufFormatException(dir + ": tokenizer.json is missing (needed for the GGUF vocabulary)");
        JsonNode tok = HfCheckpoint.readJson(tj);
        JsonNode model = tok.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new GgufFormatException(tj + ": model type '" + model.path("type").asText() + "' is not supported by convert (EXAONE uses byte-level BPE)");
        }
        Map<Integer, String> byId = new HashMap<>();
        Map<String, Integer> ids = new HashMap<>();
        int maxId = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= Tokenizer.MAX_VOCAB) throw new GgufFormatException(tj + ": token '" + e.getKey() + "' has invalid id " + e.getValue());
            byId.put(id, e.getKey());
            ids.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }
        Map<Integer, Integer> types = new HashMap<>();
        for (JsonNode a : tok.path("added_tokens")) {
            int id = a.path("id").asInt(-1);
            if (id < 0 || id >= Tokenizer.MAX_VOCAB) throw new GgufFormatException(tj + ": added token " + a + " has an invalid id");
            String content = a.path("content").asText();
            byId.put(id, content);
            ids.put(content, id);
            types.put(id, a.path("special").asBoolean(false) ? 3 : 4);
            maxId = Math.max(maxId, id);
        }
        int n = Math.max(maxId + 1, c.vocabSize);
        String[] tokens = new String[n];
        long[] tt = new long[n];
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            tokens[i] = t != null ? t : "[PAD" + i + "]";
            tt[i] = t == null ? 5 : types.getOrDefault(i, 1);
        }
        JsonNode mergesNode = model.path("merges");
        String[] merges = new String[mergesNode.size()];
        for (int i = 0; i < merges.length; i++) {
            JsonNode m = mergesNode.get(i);
            merges[i] = m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
        }
        gw.putString("tokenizer.ggml.model", "gpt2");
        gw.putString("tokenizer.ggml.pre", switch (c.arch) {
            case EXAONE -> "exaone";
            case EXAONE4 -> "exaone4";
            case EXAONE_MOE -> "exaone-moe";
            default -> "default";
        });
        gw.putStrings("tokenizer.ggml.tokens", tokens);
        gw.putInts("tokenizer.ggml.token_type", GgufWriter.INT32, tt);
        gw.putStrings("tokenizer.ggml.merges", merges);

        Path tcPath = dir.resolve("tokenizer_config.json");
        JsonNode tc = Files.isRegularFile(tcPath) ? HfCheckpoint.readJson(tcPath) : null;
        putSpecial(gw, "bos", tc, ids, c.bosId);
        putSpecial(gw, "eos", tc, ids, c.eosId);
        putSpecial(gw, "unknown", tc, ids, -1);
        putSpecial(gw, "padding", tc, ids, -1);
        gw.putBool("tokenizer.ggml.add_bos_token", tc != null && tc.path("add_bos_token").asBoolean(false));
        gw.putBool("tokenizer.ggml.add_eos_token", tc != null && tc.path("add_eos_token").asBoolean(false));
        String template = chatTemplate(dir, tc);
        if (template != null) gw.putString("tokenizer.chat_template", template);
    }

    private static void putSpecial(GgufWriter gw, String kind, JsonNode tc, Map<String, Integer> ids, int fallback) {
        String field = switch (kind) {
            case "bos" -> "bos_token";
            case "eos" -> "eos_token";
            case "unknown" -> "unk_token";
            default -> "pad_token";
        };
        int id = fallback;
        if (tc != null && tc.has(field) && !tc.get(field).isNull()) {
            JsonNode v = tc.get(field);
            String content = v.isObject() ? v.path("content").asText() : v.asText();
            Integer found = ids.get(content);
            if (found != null) id = found;
        }
        if (id >= 0) gw.putU32("tokenizer.ggml." + kind + "_token_id", id);
    }

    /** tokenizer_config.json's chat_template (a string, or the "default" of a named list), else chat_template.jinja. */
    static String chatTemplate(Path dir, JsonNode tc) throws IOException {
        if (tc != null && tc.has("chat_template")) {
            JsonNode t = tc.get("chat_template");
            if (t.isTextual()) return t.asText();
            if (t.isArray()) {
                for (JsonNode e : t) if ("default".equals(e.path("name").asText())) return e.path("template").asText();
            }
        }
        Path jinja = dir.resolve("chat_template.jinja");
        return Files.isRegularFile(jinja) ? Files.readString(jinja) : null;
    }
}
