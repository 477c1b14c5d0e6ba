package dev.exaone4j.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Lossy UTF-8 decoding replaces maximal subparts, as Python's errors="replace" (the expected strings come from it). */
class Utf8Test {
    static String decode(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        return Utf8.decode(b, 0, b.length);
    }

    @Test
    void invalidSequencesAsPythonAndHuggingFaceReplaceThem() {
        assertThat(decode("24edb17f61")).isEqualTo("$\uFFFD\uFFFD\u007Fa");
        assertThat(decode("6d6feda1bd7374")).isEqualTo("mo\uFFFD\uFFFD\uFFFDst");
        assertThat(decode("e08080")).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(decode("f09080")).isEqualTo("\uFFFD");
        assertThat(decode("f4908080")).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD");
        assertThat(decode("c0af")).isEqualTo("\uFFFD\uFFFD");
        assertThat(decode("e282")).isEqualTo("\uFFFD");
        assertThat(decode("e282acff")).isEqualTo("\u20AC\uFFFD");
        assertThat(decode("618062")).isEqualTo("a\uFFFDb");
        assertThat(decode("ee8080f1")).isEqualTo("\uE000\uFFFD");
    }

    @Test
    void validTextIsUnchanged() {
        assertThat(decode("f09f9880")).isEqualTo("\uD83D\uDE00");
        assertThat(decode("ed9fbf")).isEqualTo("\uD7FF");
        String s = "héllo 한국어 😀 \u0000 \u007F \uFFFD";
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Utf8.decode(b, 0, b.length)).isEqualTo(s);
    }
}
