package dev.exaone4j.chat.jinja;

import java.time.Duration;

/**
 * Sandbox bounds for one render. A template that exceeds one fails with a {@link TemplateError.Kind#LIMIT} error.
 *
 * @param maxOutputChars largest output (and largest string a template may build), in UTF-16 chars
 * @param maxSteps       most evaluation steps (statements, expressions, loop iterations)
 * @param maxCallDepth   deepest nesting of macro, caller and recursive-loop calls
 * @param maxTime        wall-clock budget for one render
 */
public record RenderLimits(long maxOutputChars, long maxSteps, int maxCallDepth, Duration maxTime) {
    /** 16 Mi chars, 20 M steps, depth 100, 10 s. A long chat renders in well under 1% of these. */
    public static final RenderLimits DEFAULT = new RenderLimits(16L << 20, 20_000_000L, 100, Duration.ofSeconds(10));

    public RenderLimits {
        if (maxOutputChars <= 0 || maxSteps <= 0 || maxCallDepth <= 0 || maxTime == null || maxTime.isNegative()) {
            throw new IllegalArgumentException("render limits must be positive");
        }
    }
}
