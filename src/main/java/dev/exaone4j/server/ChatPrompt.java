package dev.exaone4j.server;

import dev.exaone4j.chat.ChatTemplateException;
import dev.exaone4j.chat.ReasoningParser;
import dev.exaone4j.chat.ToolCallParser;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A chat request turned into the model's prompt: the conversation and tools rendered through the model's chat
 * template (in the chat package's sandbox), plus, for a forced tool call, the opening of the call written into the
 * prompt ({@code <tool_call>} and, for a named function, its name) so that the model can only answer with a call.
 *
 * @param text              the full prompt text
 * @param ids               its tokens
 * @param toolPrefix        the forced call's opening (fed to the tool-call parser before the output), or ""
 * @param startsInReasoning whether the prompt leaves a {@code <think>} block open
 * @param constraint        makes a fresh JSON constraint (one per choice) for a forced call or json_object, or null
 */
record ChatPrompt(String text, int[] ids, String toolPrefix, boolean startsInReasoning, Supplier<JsonConstraint> constraint) {
    /** Text closing the reasoning block that thinking templates open, before a forced call. */
    static final String CLOSE_THINK = "\n" + ReasoningParser.THINK_CLOSE + "\n\n";
    static final String CALL_CLOSING = "}" + ToolCallParser.CLOSE;

    static ChatPrompt build(LoadedModel m, ChatCompletionRequest r) {
        List<Object> tools = r.toolChoice.mode().equals("none") ? null : r.tools;
        String text;
        try {
            text = m.chat.render(r.messages, tools, true, r.templateKwargs);
        } catch (ChatTemplateException e) {
            String why = e.raisedByTemplate() ? e.detail() : e.getMessage();
            throw ApiError.invalid("messages", "the chat template rejected the conversation: " + why);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw ApiError.invalid("messages", "the chat template could not render the conversation: " + e.getMessage());
        }
        String prefix = "";
        Supplier<JsonConstraint> constraint = null;
        boolean constrained = r.toolChoice.forced() || r.jsonObject;
        if (constrained && ReasoningParser.promptOpensReasoning(text, ReasoningParser.THINK_OPEN, ReasoningParser.THINK_CLOSE)) {
            text += CLOSE_THINK;   // constrained output skips the reasoning block
        }
        if (r.toolChoice.forced()) {
            if (r.toolChoice.mode().equals("function")) {
                prefix = ToolCallParser.OPEN + "{\"name\": \"" + r.toolChoice.name() + "\", \"arguments\": ";
                constraint = () -> new JsonConstraint(null, CALL_CLOSING);
            } else {
                prefix = ToolCallParser.OPEN + "{\"name\": \"";
                List<String> choices = new ArrayList<>();
                for (String n : r.toolNames) choices.add(n + "\", \"arguments\": ");
                constraint = () -> new JsonConstraint(choices, CALL_CLOSING);
            }
            text += prefix;
        } else if (r.jsonObject) {
            constraint = () -> new JsonConstraint(null, "");
        }
        boolean reasoning = ReasoningParser.promptOpensReasoning(text, ReasoningParser.THINK_OPEN, ReasoningParser.THINK_CLOSE);
        return new ChatPrompt(text, m.encodeChat(text), prefix, reasoning, constraint);
    }
}
