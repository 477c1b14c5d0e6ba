package dev.exaone4j.chat;

import java.util.Objects;

/**
 * A function call made by the assistant, in OpenAI's shape.
 *
 * @param id        call id, or null when none was assigned (the parser leaves it null; servers assign one)
 * @param name      function name
 * @param arguments the arguments as JSON text (usually an object, {@code "{}"} when the model gave none)
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(name, "name");
        if (arguments == null) arguments = "{}";
    }

    public ToolCall withId(String newId) {
        return new ToolCall(newId, name, arguments);
    }
}
