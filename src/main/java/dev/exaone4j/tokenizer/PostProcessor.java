package dev.exaone4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Adds the special tokens around a single encoded sequence (Hugging Face post-processors, single-sequence form). */
interface PostProcessor {
    int[] process(int[] ids);

    /** Adds nothing (ByteLevel post-processing only trims offsets). */
    record None() implements PostProcessor {
        @Override
        public int[] process(int[] ids) {
            return ids;
        }
    }

    /** Fixed ids before and after the sequence (TemplateProcessing single, Roberta, Bert). */
    record Surround(int[] before, int[] after) implements PostProcessor {
        @Override
        public int[] process(int[] ids) {
            int[] r = new int[before.length + ids.length + after.length];
            System.arraycopy(before, 0, r, 0, before.length);
            System.arraycopy(ids, 0, r, before.length, ids.length);
            System.arraycopy(after, 0, r, before.length + ids.length, after.length);
            return r;
        }
    }

    /** Applies processors in order. */
    record Sequence(List<PostProcessor> steps) implements PostProcessor {
        @Override
        public int[] process(int[] ids) {
            for (PostProcessor p : steps) ids = p.process(ids);
            return ids;
        }
    }

    /** Builds a post-processor from its tokenizer.json object; unknown types are rejected by name. */
    static PostProcessor fromJson(JsonNode node) {
        String type = Json.type(node, "post_processor");
        return switch (type) {
            case "ByteLevel" -> new None();
            case "TemplateProcessing" -> template(node);
            case "RobertaProcessing", "BertProcessing" -> {
                int cls = pairId(node.get("cls"), type + ".cls");
                int sep = pairId(node.get("sep"), type + ".sep");
                yield new Surround(new int[] {cls}, new int[] {sep});
            }
            case "Sequence" -> {
                List<PostProcessor> steps = new ArrayList<>();
                for (JsonNode n : Json.array(node, "processors")) steps.add(fromJson(n));
                yield new Sequence(List.copyOf(steps));
            }
            default -> throw new IllegalArgumentException("unsupported post_processor type '" + type + "'");
        };
    }

    private static int pairId(JsonNode pair, String what) {
        if (pair == null || !pair.isArray() || pair.size() != 2) throw new IllegalArgumentException(what + " should be [token, id]");
        return pair.get(1).asInt();
    }

    private static PostProcessor template(JsonNode node) {
        Map<String, int[]> specials = new HashMap<>();
        JsonNode st = node.get("special_tokens");
        if (st != null) {
            st.properties().forEach(e -> {
                JsonNode ids = e.getValue().get("ids");
                int[] a = new int[ids == null ? 0 : ids.size()];
                for (int i = 0; i < a.length; i++) a[i] = ids.get(i).asInt();
                specials.put(e.getKey(), a);
            });
        }
        IntList before = new IntList();
        IntList after = new IntList();
        boolean seenSequence = false;
        for (JsonNode item : Json.array(node, "single")) {
            if (item.has("Sequence")) {
                if (seenSequence) throw new IllegalArgumentException("TemplateProcessing single template uses the sequence twice");
                seenSequence = true;
            } else if (item.has("SpecialToken")) {
                String id = item.get("SpecialToken").get("id").asText();
                int[] ids = specials.get(id);
                if (ids == null) throw new IllegalArgumentException("TemplateProcessing refers to special token '" + id + "' that special_tokens does not define");
                (seenSequence ? after : before).addAll(ids);
            } else {
                throw new IllegalArgumentException("unsupported TemplateProcessing item " + item);
            }
        }
        if (!seenSequence) throw new IllegalArgumentException("TemplateProcessing single template has no sequence");
        return new Surround(before.toArray(), after.toArray());
    }
}
