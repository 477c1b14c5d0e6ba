package dev.exaone4j.chat;

import java.util.Objects;

/**
 * Splits model output into reasoning ({@code <think>...</think>}) and answer text, incrementally: feed decoded text
 * chunks as they stream and get back what can be emitted now. A tag may be split across chunks at any character; text
 * that could be the start of a tag is held back until it is decided. One instance per generation; not thread-safe.
 *
 * <p>When the prompt already opened the reasoning block (EXAONE 4.0 with {@code enable_thinking=true}, K-EXAONE by
 * default), start in reasoning mode: {@link #forPrompt(String)} decides that from the rendered prompt.
 *
 * <p>With {@code trim} (the default) whitespace at the block boundaries is dropped: right after the opening tag, right
 * before the closing tag, and the line breaks right after the closing tag (the templates put {@code \n\n} there; an
 * answer's own indentation stays). Everything else is passed through exactly. A stray closing tag in answer mode or
 * opening tag in reasoning mode is ordinary text.
 */
public final class ReasoningParser {
    /** Newly decided text of each kind; either may be empty. */
    public record Delta(String reasoning, String content) {
        public static final Delta EMPTY = new Delta("", "");

        public boolean isEmpty() {
            return reasoning.isEmpty() && content.isEmpty();
        }
    }

    public static final String THINK_OPEN = "<think>";
    public static final String THINK_CLOSE = "</think>";

    private final String openTag;
    private final String closeTag;
    private final boolean trim;
    private boolean reasoning;
    private boolean skipWhitespace;
    private final StringBuilder pending = new StringBuilder();

    /**
     * @param startInReasoning whether the prompt ended inside an open reasoning block
     * @param trim             drop whitespace at the block boundaries (see class comment)
     */
    public ReasoningParser(String openTag, String closeTag, boolean startInReasoning, boolean trim) {
        this.openTag = Objects.requireNonNull(openTag, "openTag");
        this.closeTag = Objects.requireNonNull(closeTag, "closeTag");
        if (openTag.isEmpty() || closeTag.isEmpty()) throw new IllegalArgumentException("empty tag");
        this.trim = trim;
        this.reasoning = startInReasoning;
        this.skipWhitespace = startInReasoning && trim;
    }

    /** {@code <think>}/{@code </think>} with boundary trimming. */
    public ReasoningParser(boolean startInReasoning) {
        this(THINK_OPEN, THINK_CLOSE, startInReasoning, true);
    }

    /** A parser for output that continues {@code prompt}: in reasoning mode when the prompt ends inside {@code <think>}. */
    public static ReasoningParser forPrompt(String prompt) {
        return new ReasoningParser(promptOpensReasoning(prompt, THINK_OPEN, THINK_CLOSE));
    }

    /**
     * True when the prompt ends with {@code openTag} (and whitespace): the generation prompt opened the reasoning block.
     * Only the end counts: a tag a user or tool wrote earlier in the conversation opens nothing.
     */
    public static boolean promptOpensReasoning(String prompt, String openTag, String closeTag) {
        int end = prompt.length();
        while (end > 0 && Character.isWhitespace(prompt.charAt(end - 1))) end--;
        return prompt.startsWith(openTag, end - openTag.length()) && end >= openTag.length();
    }

    /** Splits a complete text at once. */
    public static Delta parse(String text, boolean startInReasoning) {
        ReasoningParser p = new ReasoningParser(startInReasoning);
        Delta a = p.feed(text);
        Delta b = p.finish();
        return new Delta(a.reasoning() + b.reasoning(), a.content() + b.content());
    }

    /** Whether the text fed so far ends inside a reasoning block. */
    public boolean inReasoning() {
        return reasoning;
    }

    /** Consumes a chunk and returns the text that is now decided. */
    public Delta feed(String chunk) {
        pending.append(chunk);
        StringBuilder r = new StringBuilder();
        StringBuilder c = new StringBuilder();
        while (true) {
            if (skipWhitespace) {
                int k = 0;
                // entering reasoning: any whitespace; entering the answer: only line breaks
                while (k < pending.length() && (reasoning ? Character.isWhitespace(pending.charAt(k)) : isLineBreak(pending.charAt(k)))) k++;
                pending.delete(0, k);
                if (pending.isEmpty()) break;
                skipWhitespace = false;
            }
            String tag = reasoning ? closeTag : openTag;
            int idx = pending.indexOf(tag);
            if (idx >= 0) {
                String text = pending.substring(0, idx);
                if (reasoning) {
                    r.append(trim ? stripTrailing(text) : text);
                } else {
                    c.append(text);
                }
                pending.delete(0, idx + tag.length());
                reasoning = !reasoning;
                skipWhitespace = trim;
                continue;
            }
            int emit = pending.length() - partialTagLength(pending, tag);
            if (reasoning && trim) {
                while (emit > 0 && Character.isWhitespace(pending.charAt(emit - 1))) emit--;
            }
            (reasoning ? r : c).append(pending, 0, emit);
            pending.delete(0, emit);
            break;
        }
        return r.isEmpty() && c.isEmpty() ? Delta.EMPTY : new Delta(r.toString(), c.toString());
    }

    /** Flushes what is held back (an unfinished tag is text; trailing whitespace of unclosed reasoning is dropped). */
    public Delta finish() {
        String rest = pending.toString();
        pending.setLength(0);
        if (skipWhitespace && (reasoning ? rest.isBlank() : rest.chars().allMatch(ch -> isLineBreak((char) ch)))) return Delta.EMPTY;
        if (reasoning) {
            String text = trim ? stripTrailing(rest) : rest;
            return text.isEmpty() ? Delta.EMPTY : new Delta(text, "");
        }
        return rest.isEmpty() ? Delta.EMPTY : new Delta("", rest);
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r';
    }

    private static String stripTrailing(String s) {
        int j = s.length();
        while (j > 0 && Character.isWhitespace(s.charAt(j - 1))) j--;
        return s.substring(0, j);
    }

    /** Length of the longest suffix of {@code text} that is a proper prefix of {@code tag}. */
    static int partialTagLength(CharSequence text, String tag) {
        int max = Math.min(tag.length() - 1, text.length());
        for (int len = max; len > 0; len--) {
            boolean match = true;
            for (int i = 0; i < len && match; i++) match = text.charAt(text.length() - len + i) == tag.charAt(i);
            if (match) return len;
        }
        return 0;
    }
}
