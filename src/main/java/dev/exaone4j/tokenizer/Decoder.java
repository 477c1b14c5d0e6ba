package dev.exaone4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns token strings back into text (Hugging Face decoders). {@code sequenceStart} says whether the first token
 * is the start of the whole sequence: decoders that drop a leading space added at encoding time (Metaspace, Strip)
 * do so only then, so a streamed continuation keeps its leading space.
 */
interface Decoder {
    /** Maps the token list to a new list (Hugging Face {@code decode_chain}). */
    List<String> decodeChain(List<String> tokens, boolean sequenceStart);

    default String decode(List<String> tokens, boolean sequenceStart) {
        return String.join("", decodeChain(tokens, sequenceStart));
    }

    /** Stand-in characters back to bytes, then UTF-8 with replacement of invalid sequences; one output string. */
    record ByteLevelDecoder() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (String t : tokens) ByteLevel.appendTokenBytes(t, bytes);
            byte[] b = bytes.toByteArray();
            return List.of(Utf8.decode(b, 0, b.length));
        }
    }

    /**
     * The replacement character back to spaces; in the sequence's first token it is dropped instead (every
     * occurrence, as Hugging Face does) unless the scheme never prepends.
     */
    record Metaspace(String replacement, PreTokenizer.PrependScheme scheme) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                boolean drop = i == 0 && sequenceStart && scheme != PreTokenizer.PrependScheme.NEVER;
                out.add(tokens.get(i).replace(replacement, drop ? "" : " "));
            }
            return out;
        }
    }

    /** Replaces a literal or regex pattern in every token. */
    record Replace(Pattern pattern, String content) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            List<String> out = new ArrayList<>(tokens.size());
            String rep = Matcher.quoteReplacement(content);
            for (String t : tokens) out.add(pattern.matcher(t).replaceAll(rep));
            return out;
        }
    }

    /** Joins all tokens into one. */
    record Fuse() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            return List.of(String.join("", tokens));
        }
    }

    /**
     * Removes up to {@code start} leading and {@code stop} trailing occurrences of a character from every token (the
     * leading ones not from the first token of a continuation).
     */
    record Strip(String content, int start, int stop) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                int b = 0;
                int e = t.length();
                if (i > 0 || sequenceStart) {
                    for (int k = 0; k < start && t.startsWith(content, b); k++) b += content.length();
                }
                for (int k = 0; k < stop && e - content.length() >= b && t.startsWith(content, e - content.length()); k++) e -= content.length();
                out.add(t.substring(b, e));
            }
            return out;
        }
    }

    /** Runs of {@code <0xNN>} tokens become the UTF-8 text they spell, or one U+FFFD per byte when invalid. */
    record ByteFallback() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            List<String> out = new ArrayList<>(tokens.size());
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            for (String t : tokens) {
                int b = byteToken(t);
                if (b >= 0) {
                    pending.write(b);
                    continue;
                }
                flush(pending, out);
                out.add(t);
            }
            flush(pending, out);
            return out;
        }

        private static void flush(ByteArrayOutputStream pending, List<String> out) {
            if (pending.size() == 0) return;
            byte[] bytes = pending.toByteArray();
            pending.reset();
            var dec = StandardCharsets.UTF_8.newDecoder();
            try {
                out.add(dec.decode(java.nio.ByteBuffer.wrap(bytes)).toString());
            } catch (java.nio.charset.CharacterCodingException e) {
                for (int i = 0; i < bytes.length; i++) out.add("\uFFFD");
            }
        }

        /** The byte of a {@code <0xNN>} token, or -1. */
        static int byteToken(String t) {
            if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
            int hi = Character.digit(t.charAt(3), 16);
            int lo = Character.digit(t.charAt(4), 16);
            return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
        }
    }

    /** WordPiece: joins with spaces, dropping the continuation prefix; optional cleanup of spaces before punctuation. */
    record WordPiece(String prefix, boolean cleanup) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                if (i != 0) t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
                if (cleanup) {
                    t = t.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                            .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                            .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
                }
                out.add(t);
            }
            return out;
        }
    }

    /** BPE end-of-word suffix: the suffix becomes a space (none after the last token). */
    record BpeSuffix(String suffix) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
            }
            return out;
        }
    }

    /** Applies decoders in order. */
    record Sequence(List<Decoder> steps) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens, boolean sequenceStart) {
            for (Decoder d : steps) tokens = d.decodeChain(tokens, sequenceStart);
            return tokens;
        }
    }

    /** Builds a decoder from its tokenizer.json object; unknown types are rejected by name. */
    static Decoder fromJson(JsonNode node) {
        String type = Json.type(node, "decoder");
        return switch (type) {
            case "ByteLevel" -> new ByteLevelDecoder();
            case "Metaspace" -> {
                PreTokenizer.PrependScheme scheme;
                if (node.hasNonNull("prepend_scheme")) {
                    scheme = switch (node.get("prepend_scheme").asText()) {
                        case "always" -> PreTokenizer.PrependScheme.ALWAYS;
                        case "first" -> PreTokenizer.PrependScheme.FIRST;
                        case "never" -> PreTokenizer.PrependScheme.NEVER;
                        default -> throw new IllegalArgumentException("unsupported Metaspace prepend_scheme '" + node.get("prepend_scheme").asText() + "'");
                    };
                } else {
                    scheme = Json.bool(node, "add_prefix_space", true) ? PreTokenizer.PrependScheme.ALWAYS : PreTokenizer.PrependScheme.NEVER;
                }
                yield new Metaspace(Json.text(node, "replacement", "\u2581"), scheme);
            }
            case "Replace" -> new Replace(Normalizer.replacePattern(node.get("pattern"), "Replace decoder"), Json.text(node, "content", ""));
            case "Fuse" -> new Fuse();
            case "Strip" -> new Strip(Json.text(node, "content", " "), Json.integer(node, "start", 0), Json.integer(node, "stop", 0));
            case "ByteFallback" -> new ByteFallback();
            case "WordPiece" -> new WordPiece(Json.text(node, "prefix", "##"), Json.bool(node, "cleanup", true));
            case "BPEDecoder" -> new BpeSuffix(Json.text(node, "suffix", "</w>"));
            case "Sequence" -> {
                List<Decoder> steps = new ArrayList<>();
                for (JsonNode n : Json.array(node, "decoders")) steps.add(fromJson(n));
                yield new Sequence(List.copyOf(steps));
            }
            default -> throw new IllegalArgumentException("unsupported decoder type '" + type + "'");
        };
    }
}
