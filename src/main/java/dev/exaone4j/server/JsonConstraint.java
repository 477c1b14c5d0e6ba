package dev.exaone4j.server;

import java.util.List;

/**
 * What a constrained generation may write: optionally first one of several fixed strings (a tool name followed by
 * the text leading to its arguments), then one JSON object ({@link JsonPrefix}); after it the generation ends and
 * {@code closing} is appended. Used for forced tool calls ({@code tool_choice} required or a named function) and
 * {@code response_format: json_object}. A generation cut short is completed minimally, so the result is always valid.
 */
final class JsonConstraint {
    private final List<String> choices;   // null: the JSON object starts at once
    private final String closing;
    private final StringBuilder chosen = new StringBuilder();
    private boolean inJson;
    private final JsonPrefix json = new JsonPrefix();
    // scratch state for trials
    private final StringBuilder trialChosen = new StringBuilder();
    private final JsonPrefix trialJson = new JsonPrefix();

    /**
     * @param choices strings one of which must come first (null or empty: none)
     * @param closing text appended once the object is complete
     */
    JsonConstraint(List<String> choices, String closing) {
        this.choices = choices == null || choices.isEmpty() ? null : List.copyOf(choices);
        this.closing = closing;
        this.inJson = this.choices == null;
    }

    /** Whether appending text keeps the output valid (text must be non-empty). */
    boolean allows(String text) {
        if (text.isEmpty()) return false;
        trialChosen.setLength(0);
        trialChosen.append(chosen);
        trialJson.copyFrom(json);
        return run(text, trialChosen, trialJson, inJson);
    }

    /** Appends text that {@link #allows} accepted. */
    void accept(String text) {
        if (!inJson) {
            int i = 0;
            while (i < text.length() && !isChoice(chosen)) chosen.append(text.charAt(i++));
            if (isChoice(chosen)) {
                inJson = true;
                json.accept(text.substring(i));
            }
            return;
        }
        json.accept(text);
    }

    /** Whether the object is complete: the generation ends here. */
    boolean done() {
        return inJson && json.complete();
    }

    /** The text to append now to end validly: the rest of a choice, what closes the object, then the closing text. */
    String completion() {
        if (!inJson) {
            String pick = choices.getFirst();
            for (String c : choices) {
                if (c.startsWith(chosen.toString())) {
                    pick = c;
                    break;
                }
            }
            return pick.substring(chosen.length()) + "{}" + closing;
        }
        return json.completion() + closing;
    }

    private boolean run(String text, StringBuilder pre, JsonPrefix j, boolean started) {
        int i = 0;
        if (!started) {
            while (i < text.length() && !isChoice(pre)) {
                pre.append(text.charAt(i++));
                if (!isChoicePrefix(pre)) return false;
            }
            if (!isChoice(pre)) return true;
        }
        if (j.complete()) return i == text.length();
        for (; i < text.length(); i++) {
            if (j.complete() || !j.accept(text.charAt(i))) return false;
        }
        return true;
    }

    private boolean isChoicePrefix(CharSequence s) {
        for (String c : choices) if (c.length() >= s.length() && c.startsWith(s.toString())) return true;
        return false;
    }

    private boolean isChoice(CharSequence s) {
        for (String c : choices) if (c.contentEquals(s)) return true;
        return false;
    }
}
