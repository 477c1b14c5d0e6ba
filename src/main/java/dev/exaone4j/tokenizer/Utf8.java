package dev.exaone4j.tokenizer;

/**
 * UTF-8 decoding with replacement as Unicode recommends ("maximal subparts", also what Python's
 * {@code errors="replace"} and Rust's {@code from_utf8_lossy} do): each invalid or truncated sequence becomes one
 * U+FFFD per maximal prefix of a well-formed sequence, then decoding resumes at the offending byte. The JDK's decoder
 * sometimes replaces a longer run with a single U+FFFD, so detokenized garbage would differ from Hugging Face's.
 */
final class Utf8 {
    private Utf8() {}

    static String decode(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        int i = off, end = off + len;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            }
            int need, lo = 0x80, hi = 0xBF, cp;
            if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
            else if (c >= 0xE0 && c <= 0xEF) {
                need = 2; cp = c & 0x0F;
                if (c == 0xE0) lo = 0xA0;
                if (c == 0xED) hi = 0x9F;      // no surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3; cp = c & 0x07;
                if (c == 0xF0) lo = 0x90;
                if (c == 0xF4) hi = 0x8F;      // nothing above U+10FFFF
            } else {
                sb.append('\uFFFD');           // a continuation byte or C0, C1, F5..FF: never valid here
                i++;
                continue;
            }
            int j = i + 1;
            boolean ok = true;
            for (int k = 0; k < need; k++, j++) {
                int d = j < end ? b[j] & 0xff : -1;
                if (d < lo || d > hi) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (d & 0x3F);
                lo = 0x80;
                hi = 0xBF;
            }
            if (!ok) {
                sb.append('\uFFFD');           // the maximal subpart [i, j) as one replacement
                i = j;
                continue;
            }
            sb.appendCodePoint(cp);
            i = j;
        }
        return sb.toString();
    }
}
