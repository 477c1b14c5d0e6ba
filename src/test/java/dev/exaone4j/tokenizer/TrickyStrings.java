package dev.exaone4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Strings where regex engines, Unicode tables and whitespace rules tend to disagree. */
final class TrickyStrings {
    private TrickyStrings() {}

    static final List<String> FIXED = List.of(
            "", " ", "  ", "\n", "\r\n", " \r\n ", "a", " a", "a ", "a  b", "a   b  ", "\t\ta", "a\t\t", "\n\n\nx\n\n",
            "line1\r\nline2\rline3\n", "  \n  ", "x \n y", " \t\n\u000B\f\r ", "\u00A0nbsp\u00A0 \u00A0x", "ideo\u3000space",
            "nel\u0085x", "ls\u2028ps\u2029end", "thin\u2009space\u202Fnarrow\u205Fmath", "ogham\u1680x", "mongol\u180Ex",
            "zero\u200Bwidth\u200Cnon\u200Djoiner", "\uFEFFbom", "ctrl\u0000\u0001\u001F\u007F", "\u001C\u001D\u001E\u001F sep",
            "don't DON'T I'M you'RE they've WE'LL she'd it'S 'tis", "'s's 'S 'ſ 'll'LL 'Ll 're're", "’s curly’ll ‘quoted’",
            "it's 'quoted' ''double''", "'", "''", "' s", "'\n", "rock'n'roll", "l'été d'accord aujourd'hui",
            "😀", "😀😀 😀", "a😀b", " 😀x", "👨‍👩‍👧‍👦 family", "🇰🇷🇺🇸 flags", "❤️ variation", "x\uFE0Fy",
            "𝐀𝐁𝐂 math bold", "𝑥+𝑦", "𠀀𠀁 ext-b", "𐍈 gothic", "\uD800 lone", "lone \uDFFF",
            "e\u0301 combining", "a\u0308\u0304 stacked", " \u0301 mark after space", "\u0301start", "क्षि देवनागरी",
            "ภาษาไทย ไม่มี", "עברית שלום", "العربية ١٢٣", "ελληνικά ΣΑΣ σς", "Ǆǅǆ titlecase", "ﬁﬂ ligatures", "Å Å angstrom",
            "K Kelvin", "İstanbul ı", "Straße STRASSE",
            "한국어 텍스트", "한국의 수도는", "\u1100\u1161\u11A8 jamo", "ㄱㄴㄷ compat", "\u1100\u1161 \u1102\u1161", "가\u11A8",
            "日本語のテキスト、カタカナ。", "中文文本，标点！", "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３",
            "0", "12", "123", "1234", "12345678901234567890", "3.14e-10", "$100,000.00", "-42", "1st 2nd 3rd",
            "٣٤٥ arabic-indic", "①②③ circled", "ⅫⅦ roman", "½ ¾ fractions", "²³ superscript", "x2y3z", "v1.2.3-rc4",
            "...", "!!!\r\n", "?!\n\n", "x /\n", "a//b", "path/to/file.txt", "http://example.com/a?b=c&d=e#f",
            "--opt=val", "$HOME ${VAR} %s %d %1$s", "<tag attr=\"v\">", "```code```", "C:\\dir\\file", "\\n\\t escaped",
            "foo  bar   baz", "foo \tbar", "the cat sat on the mat", "a b c d e f", "I am here", "A B", "x y\nz w",
            "word, word. word! word?", "(parens) [brackets] {braces}", "<|im_end|>", "<|endoftext|>x", "[|endofturn|]",
            "[BOS]text[PAD]", "<think>\nhmm\n</think>\n\n", "   leading", "trailing   ", " \u00A0 \u3000 mixed ");

    /** The fixed strings plus deterministic random mixtures of their characters. */
    static final List<String> ALL = build();

    /**
     * {@link #ALL} without unpaired surrogates: DJL hands strings to Rust as modified UTF-8, which turns one unpaired
     * surrogate into three U+FFFD (our tokenizers encode it as one U+FFFD).
     */
    static final List<String> VALID = ALL.stream().filter(s -> CharClasses.replaceLoneSurrogates(s).equals(s)).toList();

    private static List<String> build() {
        List<String> all = new ArrayList<>(FIXED);
        StringBuilder pool = new StringBuilder();
        for (String s : FIXED) pool.append(s);
        int[] cps = pool.codePoints().toArray();
        Random r = new Random(20240607);
        for (int i = 0; i < 400; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(24);
            for (int k = 0; k < n; k++) {
                int pick = r.nextInt(10);
                if (pick < 2) sb.append(' ');
                else if (pick == 2) sb.append("'\n\r/ \t".charAt(r.nextInt(6)));
                else sb.appendCodePoint(cps[r.nextInt(cps.length)]);
            }
            all.add(sb.toString());
        }
        return List.copyOf(all);
    }
}
