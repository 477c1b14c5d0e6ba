package dev.exaone4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.chat.ChatMessage;
import dev.exaone4j.chat.ToolCall;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed and validated {@code POST /v1/chat/completions} body: the conversation (system / developer, user,
 * assistant with tool_calls and reasoning_content, tool), the tools and tool_choice, response_format, template
 * switches ({@code chat_template_kwargs}, e.g. {@code enable_thinking}) and the generation settings.
 */
final class ChatCompletionRequest {
    /** How tools may be used: {@code auto}, {@code none}, {@code required}, or {@code function} with a name. */
    record ToolChoice(String mode, String name) {
        boolean forced() {
            return mode.equals("required") || mode.equals("function");
        }
    }

    static final int MAX_MESSAGES = 4096;
    static final int MAX_TOOLS = 128;
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    final List<ChatMessage> messages;
    final List<Object> tools;          // OpenAI-shaped tool objects, null when none given
    final List<String> toolNames;
    final ToolChoice toolChoice;
    final boolean parallelToolCalls;
    final boolean jsonObject;
    final Map<String, Object> templateKwargs;
    final GenerationParams params;

    private ChatCompletionRequest(List<ChatMessage> messages, List<Object> tools, List<String> toolNames, ToolChoice toolChoice,
                                  boolean parallelToolCalls, boolean jsonObject, Map<String, Object> templateKwargs,
                                  GenerationParams params) {
        this.messages = messages;
        this.tools = tools;
        this.toolNames = toolNames;
        this.toolChoice = toolChoice;
        this.parallelToolCalls = parallelToolCalls;
        this.jsonObject = jsonObject;
        this.templateKwargs = templateKwargs;
        this.params = params;
    }

    static ChatCompletionRequest parse(JsonNode body, LoadedModel m) {
        checkModel(body, m);
        List<ChatMessage> messages = parseMessages(body);
        List<Object> tools = null;
        List<String> names = new ArrayList<>();
        JsonNode t = Params.array(body, "tools", "tools");
        if (t != null) {
            if (t.size() > MAX_TOOLS) throw ApiError.invalid("tools", "'tools' may hold at most " + MAX_TOOLS + " tools, got " + t.size());
            tools = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < t.size(); i++) {
                String path = "tools[" + i + "]";
                JsonNode tool = t.get(i);
                if (!tool.isObject()) throw ApiError.invalid(path, "'" + path + "' must be an object");
                String type = Params.string(tool, "type", path + ".type", "function");
                if (!type.equals("function")) throw ApiError.invalid(path + ".type", "'" + path + ".type' must be 'function', got '" + type + "'");
                JsonNode fn = Params.object(tool, "function", path + ".function");
                if (fn == null) throw ApiError.invalid(path + ".function", "'" + path + ".function' is required");
                String name = Params.requiredString(fn, "name", path + ".function.name");
                if (!TOOL_NAME.matcher(name).matches()) {
                    throw ApiError.invalid(path + ".function.name", "'" + path + ".function.name' must be 1-64 characters of a-z, A-Z, 0-9, _, . or -");
                }
                if (!seen.add(name)) throw ApiError.invalid(path + ".function.name", "duplicate tool name '" + name + "'");
                Params.string(fn, "description", path + ".function.description", null);
                Params.object(fn, "parameters", path + ".function.parameters");
                names.add(name);
                tools.add(HttpIo.JSON.convertValue(tool, Map.class));
            }
        }
        ToolChoice choice = parseToolChoice(body, names, tools != null);
        boolean parallel = Params.bool(body, "parallel_tool_calls", "parallel_tool_calls", true);

        boolean jsonObject = false;
        JsonNode rf = Params.object(body, "response_format", "response_format");
        if (rf != null) {
            String type = Params.requiredString(rf, "type", "response_format.type");
            switch (type) {
                case "text" -> { }
                case "json_object" -> jsonObject = true;
                case "json_schema" -> throw ApiError.invalid("response_format.type", "response_format 'json_schema' is not supported; use 'json_object'");
                default -> throw ApiError.invalid("response_format.type", "'response_format.type' must be 'text' or 'json_object', got '" + type + "'");
            }
            if (jsonObject && choice.forced()) {
                throw ApiError.invalid("response_format", "response_format 'json_object' cannot be combined with a forced tool_choice");
            }
        }

        Map<String, Object> kwargs = new LinkedHashMap<>();
        JsonNode kw = Params.object(body, "chat_template_kwargs", "chat_template_kwargs");
        if (kw != null) {
            for (var e : kw.properties()) {
                String k = e.getKey();
                if (Set.of("messages", "tools", "documents", "add_generation_prompt").contains(k)) {
                    throw ApiError.invalid("chat_template_kwargs", "'chat_template_kwargs' may not set '" + k + "'");
                }
                kwargs.put(k, HttpIo.JSON.convertValue(e.getValue(), Object.class));
            }
        }
        GenerationParams params = GenerationParams.parse(body, m, true, null);
        return new ChatCompletionRequest(messages, tools, names, choice, parallel, jsonObject, kwargs, params);
    }

    /** 404 when the body names a model this server does not serve. */
    static void checkModel(JsonNode body, LoadedModel m) {
        String model = Params.string(body, "model", "model", null);
        if (model != null && !model.isEmpty() && !model.equals(m.id)) throw ApiError.modelNotFound(model);
    }

    private static List<ChatMessage> parseMessages(JsonNode body) {
        JsonNode arr = Params.array(body, "messages", "messages");
        if (arr == null) throw ApiError.invalid("messages", "'messages' is required");
        if (arr.isEmpty()) throw ApiError.invalid("messages", "'messages' must not be empty");
        if (arr.size() > MAX_MESSAGES) throw ApiError.invalid("messages", "'messages' may hold at most " + MAX_MESSAGES + " messages");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode msg = arr.get(i);
            if (!msg.isObject()) throw ApiError.invalid(path, "'" + path + "' must be an object");
            String role = Params.requiredString(msg, "role", path + ".role");
            if (!ROLES.contains(role)) {
                throw ApiError.invalid(path + ".role", "'" + path + ".role' must be one of system, developer, user, assistant, tool; got '" + role + "'");
            }
            if (role.equals("developer")) role = "system";
            String content = content(msg, path, role);
            String name = Params.string(msg, "name", path + ".name", null);
            switch (role) {
                case "assistant" -> {
                    String reasoning = Params.string(msg, "reasoning_content", path + ".reasoning_content", null);
                    List<ToolCall> calls = toolCalls(msg, path);
                    if (content == null && calls.isEmpty()) {
                        throw ApiError.invalid(path + ".content", "'" + path + ".content' is required unless the message has tool_calls");
                    }
                    out.add(new ChatMessage("assistant", content, reasoning, calls, null, name));
                }
                case "tool" -> {
                    String id = Params.string(msg, "tool_call_id", path + ".tool_call_id", null);
                    if (content == null) throw ApiError.invalid(path + ".content", "'" + path + ".content' is required");
                    out.add(new ChatMessage("tool", content, null, List.of(), id, name));
                }
                default -> {
                    if (content == null) throw ApiError.invalid(path + ".content", "'" + path + ".content' is required");
                    out.add(new ChatMessage(role, content, null, List.of(), null, name));
                }
            }
        }
        return out;
    }

    /** A message's text: a string, or the text parts of an array joined; null when absent. */
    private static String content(JsonNode msg, String path, String role) {
        JsonNode c = Params.get(msg, "content");
        if (c == null) return null;
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw ApiError.invalid(path + ".content", "'" + path + ".content' must be a string or an array of parts, got " + Params.kind(c));
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < c.size(); j++) {
            String p = path + ".content[" + j + "]";
            JsonNode part = c.get(j);
            if (!part.isObject()) throw ApiError.invalid(p, "'" + p + "' must be an object");
            String type = Params.requiredString(part, "type", p + ".type");
            if (!type.equals("text")) {
                throw ApiError.invalid(p + ".type", "'" + p + ".type' is '" + type + "': only text content parts are supported by this model");
            }
            sb.append(Params.requiredString(part, "text", p + ".text"));
        }
        return sb.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode msg, String path) {
        JsonNode arr = Params.array(msg, "tool_calls", path + ".tool_calls");
        List<ToolCall> calls = new ArrayList<>();
        if (arr == null) return calls;
        for (int k = 0; k < arr.size(); k++) {
            String p = path + ".tool_calls[" + k + "]";
            JsonNode call = arr.get(k);
            if (!call.isObject()) throw ApiError.invalid(p, "'" + p + "' must be an object");
            String id = Params.string(call, "id", p + ".id", null);
            JsonNode fn = Params.object(call, "function", p + ".function");
            if (fn == null) throw ApiError.invalid(p + ".function", "'" + p + ".function' is required");
            String name = Params.requiredString(fn, "name", p + ".function.name");
            JsonNode args = Params.get(fn, "arguments");
            String arguments;
            if (args == null) {
                arguments = "{}";
            } else if (args.isTextual()) {
                arguments = args.textValue();
            } else if (args.isObject()) {
                try {
                    arguments = HttpIo.JSON.writeValueAsString(args);
                } catch (JsonProcessingException e) {
                    throw ApiError.invalid(p + ".function.arguments", "unreadable arguments");
                }
            } else {
                throw ApiError.invalid(p + ".function.arguments", "'" + p + ".function.arguments' must be a JSON string, got " + Params.kind(args));
            }
            calls.add(new ToolCall(id, name, arguments));
        }
        return calls;
    }

    private static ToolChoice parseToolChoice(JsonNode body, List<String> names, boolean haveTools) {
        JsonNode tc = Params.get(body, "tool_choice");
        ToolChoice choice;
        if (tc == null) {
            choice = new ToolChoice(haveTools ? "auto" : "none", null);
        } else if (tc.isTextual()) {
            String mode = tc.textValue();
            if (!Set.of("auto", "none", "required").contains(mode)) {
                throw ApiError.invalid("tool_choice", "'tool_choice' must be 'auto', 'none', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}, got '" + mode + "'");
            }
            choice = new ToolChoice(mode, null);
        } else if (tc.isObject()) {
            String type = Params.string(tc, "type", "tool_choice.type", "function");
            if (!type.equals("function")) throw ApiError.invalid("tool_choice.type", "'tool_choice.type' must be 'function'");
            JsonNode fn = Params.object(tc, "function", "tool_choice.function");
            if (fn == null) throw ApiError.invalid("tool_choice.function", "'tool_choice.function' is required");
            String name = Params.requiredString(fn, "name", "tool_choice.function.name");
            if (!names.contains(name)) throw ApiError.invalid("tool_choice.function.name", "'tool_choice.function.name' is '" + name + "', which is not among 'tools'");
            choice = new ToolChoice("function", name);
        } else {
            throw ApiError.invalid("tool_choice", "'tool_choice' must be a string or an object, got " + Params.kind(tc));
        }
        if (choice.forced() && !haveTools) throw ApiError.invalid("tool_choice", "'tool_choice' " + choice.mode() + " needs 'tools'");
        return choice;
    }
}
