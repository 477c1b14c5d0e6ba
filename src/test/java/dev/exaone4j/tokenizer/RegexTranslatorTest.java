package dev.exaone4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Oniguruma to java.util.regex translation and the hand-written scanners: character classes compared with
 * Oniguruma (through DJL) over every Unicode code point, scanners compared with the translated regexes.
 */
class RegexTranslatorTest {

    /** For each code point 1..U+10FFFF (no surrogates), whether Oniguruma matches {@code cls} on it alone. */
    private static boolean[] onigMatches(String cls) {
        String json = HuggingFaceComponentsTest.tokenizerJson(null, HuggingFaceComponentsTest.obj("type", "Split",
                        "pattern", HuggingFaceComponentsTest.regex(cls), "behavior", "Removed", "invert", false), null, null,
                HuggingFaceComponentsTest.wordLevel(List.of()), null);
        boolean[] match = new boolean[0x110000];
        try (HuggingFaceTokenizer t = Djl.fromJson(json, false)) {
            for (int base = 1; base < 0x110000; base += 0x10000) {
                StringBuilder sb = new StringBuilder();
                List<Integer> cps = new ArrayList<>();
                for (int cp = base; cp < Math.min(base + 0x10000, 0x110000); cp++) {
                    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
                    sb.appendCodePoint(cp);
                    cps.add(cp);
                }
                boolean[] kept = new boolean[cps.size()];
                for (var span : t.encode(sb.toString(), false, false).getCharTokenSpans()) {
                    for (int k = span.getStart(); k < span.getEnd(); k++) kept[k] = true;
                }
                for (int k = 0; k < cps.size(); k++) match[cps.get(k)] = !kept[k];
            }
        }
        return match;
    }

    private static void assertSameClass(String what, boolean[] onig, IntPredicate ours) {
        List<String> diffs = new ArrayList<>();
        for (int cp = 1; cp < 0x110000; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            if (onig[cp] != ours.test(cp) && diffs.size() < 20) diffs.add(String.format("U+%04X onig=%b", cp, onig[cp]));
        }
        assertThat(diffs).as(what).isEmpty();
    }

    /** For each code point, whether the Java pattern matches it alone (one reusable matcher, region per code point). */
    private static boolean[] javaMatches(Pattern p) {
        StringBuilder sb = new StringBuilder(0x220000);
        for (int cp = 0; cp < 0x110000; cp++) {
            if (cp < 0xD800 || cp > 0xDFFF) sb.appendCodePoint(cp);
        }
        String all = sb.toString();
        boolean[] match = new boolean[0x110000];
        Matcher m = p.matcher(all);
        for (int i = 0; i < all.length(); ) {
            int cp = all.codePointAt(i);
            int n = Character.charCount(cp);
            m.region(i, i + n);
            match[cp] = m.matches();
            i += n;
        }
        return match;
    }

    @Test
    void characterClassesMatchOnigurumaOnEveryCodePoint() {
        for (String cls : List.of("\\s", "\\S", "\\w", "\\W", "\\d", "\\h", "\\p{L}", "\\p{N}", "\\p{M}", "[^\\s\\p{L}\\p{N}]",
                "(?i:s)", ".")) {
            boolean[] onig = onigMatches(cls);
            boolean[] java = javaMatches(RegexTranslator.compile(cls));
            assertSameClass("translated " + cls, onig, cp -> java[cp]);
            switch (cls) {
                case "\\s" -> assertSameClass("CharClasses.isSpace", onig, CharClasses::isSpace);
                case "\\p{L}" -> assertSameClass("CharClasses.isLetter", onig, CharClasses::isLetter);
                case "\\p{N}" -> assertSameClass("CharClasses.isNumber", onig, CharClasses::isNumber);
                case "\\p{M}" -> assertSameClass("CharClasses.isMark", onig, CharClasses::isMark);
                default -> { }
            }
        }
    }

    private static List<String> scanned(MatchFinder f, String s) {
        IntList m = new IntList();
        f.findMatches(s, m);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < m.size(); i += 2) out.add(m.get(i) + ":" + s.substring(m.get(i), m.get(i + 1)));
        return out;
    }

    @Test
    void scannersEqualTheTranslatedRegexes() {
        List<String> texts = new ArrayList<>(TrickyStrings.ALL);
        texts.addAll(TestData.corpus());
        Random r = new Random(99);
        String alphabet = "aZ9 \t\n\r'sStTlLdDmM\u017F\u0301\u00A0\u3000/.,!😀한١①Ⅻ_-";
        int[] cps = alphabet.codePoints().toArray();
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(30); k > 0; k--) sb.appendCodePoint(cps[r.nextInt(cps.length)]);
            texts.add(sb.toString());
        }
        for (String pattern : List.of(SplitScanner.GPT2, SplitScanner.GPT2_NO_TAIL, SplitScanner.QWEN2, SplitScanner.LLAMA3, SplitScanner.EXAONE_MOE)) {
            MatchFinder scanner = SplitScanner.forPattern(pattern);
            assertThat(scanner).isNotNull();
            MatchFinder regex = new MatchFinder.JavaRegex(RegexTranslator.compile(pattern));
            for (String s : texts) {
                assertThat(scanned(scanner, s)).as(pattern + " on " + HuggingFaceParityTest.escape(s)).isEqualTo(scanned(regex, s));
            }
        }
    }

    @Test
    void translationDetails() {
        assertThat(RegexTranslator.translate("(?i:'s|'t)")).isEqualTo("(?iu:'s|'t)");
        assertThat(RegexTranslator.translate("(?m:.)")).isEqualTo("(?s:.)");
        assertThat(RegexTranslator.translate("\\v")).isEqualTo("\\x0B");
        assertThat(RegexTranslator.compile("\\h+").matcher("09afAF").matches()).isTrue();
        assertThat(RegexTranslator.compile("\\h").matcher(" ").matches()).isFalse();
        assertThat(RegexTranslator.compile("\\p{Han}+").matcher("漢字").matches()).isTrue();
        assertThat(RegexTranslator.compile("[]a]+").matcher("]a]").matches()).isTrue();
        assertThat(RegexTranslator.compile("^b").matcher("a\nb").find()).isTrue();
        assertThat(RegexTranslator.compile(".").matcher("\r").matches()).isTrue();
        assertThat(RegexTranslator.compile(".").matcher("\n").matches()).isFalse();
        assertThat(RegexTranslator.compile("\\s").matcher("\u0085").matches()).isTrue();
        assertThat(RegexTranslator.compile("\\s").matcher("\u001C").matches()).isFalse();
        for (String bad : List.of("a\\Kb", "[[:alpha:]]", "(?~abc)", "\\p{NoSuchProperty}", "[abc", "\\")) {
            assertThatThrownBy(() -> RegexTranslator.compile(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unsupported regex");
        }
        // an unknown pattern runs through the translation
        IntList m = new IntList();
        MatchFinder.regex("\\d+").findMatches("ab12c٣4", m);
        assertThat(m.toArray()).containsExactly(2, 4, 5, 7);
        // empty matches advance by one code point
        m = new IntList();
        MatchFinder.regex("x*").findMatches("a😀", m);
        assertThat(m.toArray()).containsExactly(0, 0, 1, 1, 3, 3);
    }
}
