package dev.exaone4j.server;

import java.util.List;

/**
 * Finds stop strings in streamed text without ever emitting them: text that could still be the start of a stop string
 * is held back until the next piece decides it. After a match everything from the stop string on is dropped.
 */
final class StopMatcher {
    private final String[] stops;
    private final StringBuilder held = new StringBuilder();
    private boolean matched;
    private int accepted, emitted;

    StopMatcher(List<String> stops) {
        this.stops = stops.toArray(new String[0]);
    }

    /** Whether a stop string has been seen (the generation should end). */
    boolean matched() {
        return matched;
    }

    /** Characters of generated text accepted so far (where the next piece starts). */
    int accepted() {
        return accepted;
    }

    /** Characters released so far; after a match, where the stop string began (the end of the output). */
    int emitted() {
        return emitted;
    }

    /** Adds a piece of generated text; returns the text that is now safe to emit. */
    String accept(String piece) {
        if (matched) return "";
        accepted += piece.length();
        String out = hold(piece);
        emitted += out.length();
        return out;
    }

    private String hold(String piece) {
        if (stops.length == 0) return piece;
        held.append(piece);
        int first = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) {
            matched = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        int keep = 0;
        for (String s : stops) keep = Math.max(keep, partialSuffix(held, s));
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Releases held-back text at the end of a generation that did not stop on a stop string. */
    String flush() {
        if (matched) return "";
        String out = held.toString();
        held.setLength(0);
        emitted += out.length();
        return out;
    }

    /** Length of the longest suffix of text that is a proper prefix of s. */
    private static int partialSuffix(CharSequence text, String s) {
        int max = Math.min(s.length() - 1, text.length());
        for (int len = max; len > 0; len--) {
            boolean ok = true;
            int base = text.length() - len;
            for (int i = 0; i < len && ok; i++) ok = text.charAt(base + i) == s.charAt(i);
            if (ok) return len;
        }
        return 0;
    }
}
