package dev.exaone4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rewrites text before pre-tokenization (Hugging Face normalizers). Applied to each span between added tokens. */
interface Normalizer {
    String normalize(String text);

    /** Unicode normalization form (NFC, NFD, NFKC, NFKD). */
    record UnicodeForm(java.text.Normalizer.Form form) implements Normalizer {
        @Override
        public String normalize(String text) {
            return java.text.Normalizer.isNormalized(text, form) ? text : java.text.Normalizer.normalize(text, form);
        }
    }

    /**
     * Full Unicode lowercase of each character on its own (Rust's {@code char::to_lowercase}, as Hugging Face applies
     * it): unlike {@link String#toLowerCase}, a final capital sigma becomes σ, not ς.
     */
    record Lowercase() implements Normalizer {
        @Override
        public String normalize(String text) {
            return text.replace('\u03A3', '\u03C3').toLowerCase(Locale.ROOT);
        }
    }

    /** Replaces every match of a literal or regex pattern. */
    record Replace(Pattern pattern, String content) implements Normalizer {
        @Override
        public String normalize(String text) {
            return pattern.matcher(text).replaceAll(Matcher.quoteReplacement(content));
        }
    }

    /** Prepends a string to non-empty text. */
    record Prepend(String prefix) implements Normalizer {
        @Override
        public String normalize(String text) {
            return text.isEmpty() ? text : prefix + text;
        }
    }

    /** Strips whitespace (Unicode White_Space) on the left and/or right. */
    record Strip(boolean left, boolean right) implements Normalizer {
        @Override
        public String normalize(String text) {
            int start = left ? CharClasses.spaceRunForward(text, 0) : 0;
            int end = right ? CharClasses.spaceRunBackward(text, text.length()) : text.length();
            return end <= start ? "" : text.substring(start, end);
        }
    }

    /** Removes combining marks (category M: Mn, Mc, Me), as StripAccents does (usually after NFD). */
    record StripAccents() implements Normalizer {
        @Override
        public String normalize(String text) {
            StringBuilder sb = new StringBuilder(text.length());
            text.codePoints().filter(cp -> !CharClasses.isMark(cp)).forEach(sb::appendCodePoint);
            return sb.toString();
        }
    }

    /** Maps the UTF-8 bytes to GPT-2's stand-in characters. */
    record ByteLevelMap() implements Normalizer {
        @Override
        public String normalize(String text) {
            return ByteLevel.encode(text);
        }
    }

    /**
     * BERT's normalizer: optional control-character cleanup (whitespace becomes a space), spaces around CJK
     * ideographs, accent stripping (NFD then drop Mn only, unlike StripAccents) and lowercasing.
     */
    record Bert(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase) implements Normalizer {
        @Override
        public String normalize(String text) {
            StringBuilder sb = new StringBuilder(text.length());
            text.codePoints().forEach(cp -> {
                if (cleanText) {
                    if (cp == 0 || cp == 0xFFFD) return;
                    boolean control = cp != '\t' && cp != '\n' && cp != '\r' && isBertControl(cp);
                    if (control) return;
                    if (cp == '\t' || cp == '\n' || cp == '\r' || CharClasses.isSpace(cp)) {
                        sb.append(' ');
                        return;
                    }
                }
                if (handleChineseChars && isChinese(cp)) {
                    sb.append(' ').appendCodePoint(cp).append(' ');
                } else {
                    sb.appendCodePoint(cp);
                }
            });
            String s = sb.toString();
            boolean strip = stripAccents == null ? lowercase : stripAccents;
            if (strip) {
                String nfd = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
                StringBuilder kept = new StringBuilder(nfd.length());
                nfd.codePoints().filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK).forEach(kept::appendCodePoint);
                s = kept.toString();
            }
            if (lowercase) s = new Lowercase().normalize(s);
            return s;
        }

        private static boolean isBertControl(int cp) {
            int t = Character.getType(cp);
            return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE
                    || t == Character.SURROGATE || t == Character.UNASSIGNED;
        }

        private static boolean isChinese(int cp) {
            return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                    || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                    || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
        }
    }

    /** Applies normalizers in order. */
    record Sequence(List<Normalizer> steps) implements Normalizer {
        @Override
        public String normalize(String text) {
            for (Normalizer n : steps) text = n.normalize(text);
            return text;
        }
    }

    /** Builds a normalizer from its tokenizer.json object; unknown types are rejected by name. */
    static Normalizer fromJson(JsonNode node) {
        String type = Json.type(node, "normalizer");
        return switch (type) {
            case "NFC" -> new UnicodeForm(java.text.Normalizer.Form.NFC);
            case "NFD" -> new UnicodeForm(java.text.Normalizer.Form.NFD);
            case "NFKC" -> new UnicodeForm(java.text.Normalizer.Form.NFKC);
            case "NFKD" -> new UnicodeForm(java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> new Lowercase();
            case "Prepend" -> new Prepend(Json.text(node, "prepend", ""));
            case "Strip" -> new Strip(Json.bool(node, "strip_left", true), Json.bool(node, "strip_right", true));
            case "StripAccents" -> new StripAccents();
            case "ByteLevel" -> new ByteLevelMap();
            case "BertNormalizer" -> new Bert(Json.bool(node, "clean_text", true), Json.bool(node, "handle_chinese_chars", true),
                    node.hasNonNull("strip_accents") ? node.get("strip_accents").asBoolean() : null,
                    Json.bool(node, "lowercase", true));
            case "Replace" -> new Replace(replacePattern(node.get("pattern"), "Replace normalizer"), Json.text(node, "content", ""));
            case "Sequence" -> {
                List<Normalizer> steps = new ArrayList<>();
                for (JsonNode n : Json.array(node, "normalizers")) steps.add(fromJson(n));
                yield new Sequence(List.copyOf(steps));
            }
            default -> throw new IllegalArgumentException("unsupported normalizer type '" + type + "'");
        };
    }

    /** The Java pattern for a Replace normalizer/decoder pattern ({@code String} literal or Oniguruma {@code Regex}). */
    static Pattern replacePattern(JsonNode pattern, String what) {
        if (pattern != null && pattern.has("String")) return Pattern.compile(Pattern.quote(pattern.get("String").asText()));
        if (pattern != null && pattern.has("Regex")) return RegexTranslator.compile(pattern.get("Regex").asText());
        throw new IllegalArgumentException(what + ": unsupported pattern " + pattern);
    }
}
