package dev.exaone4j.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A failed request, answered in OpenAI's error shape {@code {"error": {"message", "type", "param", "code"}}} with its
 * HTTP status (and a {@code Retry-After} header when the client should simply try again later).
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final int retryAfterSeconds;

    ApiError(int status, String type, String message, String param, String code, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: a field is missing, has the wrong type or is out of range; {@code param} names it. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", message, param, "invalid_value", 0);
    }

    /** 400: the request body is not a JSON object. */
    public static ApiError badJson(String message) {
        return new ApiError(400, "invalid_request_error", message, null, "invalid_json", 0);
    }

    /** 400: the prompt (plus the requested completion) does not fit the context. */
    public static ApiError contextLength(String param, String message) {
        return new ApiError(400, "invalid_request_error", message, param, "context_length_exceeded", 0);
    }

    /** 401: no API key or a wrong one (the key itself is never echoed). */
    public static ApiError unauthorized() {
        return new ApiError(401, "invalid_request_error",
                "Missing or incorrect API key: send it as 'Authorization: Bearer KEY'.", null, "invalid_api_key", 0);
    }

    /** 404: no such model. */
    public static ApiError modelNotFound(String model) {
        return new ApiError(404, "invalid_request_error", "The model '" + model + "' does not exist.", "model", "model_not_found", 0);
    }

    /** 404: no such route. */
    public static ApiError routeNotFound(String method, String path) {
        return new ApiError(404, "invalid_request_error", "Unknown route: " + method + " " + path, null, "unknown_url", 0);
    }

    /** 405: a known route with another method. */
    public static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, "invalid_request_error", "Method " + method + " is not allowed on " + path + " (use " + allowed + ")",
                null, "method_not_allowed", 0);
    }

    /** 413: the body exceeds the server's limit. */
    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "The request body exceeds the limit of " + limit + " bytes.", null,
                "request_too_large", 0);
    }

    /** 429: every slot is busy and the waiting queue is full. */
    public static ApiError queueFull(int queue, int retryAfter) {
        return new ApiError(429, "rate_limit_error", "The server is busy: all slots are in use and the queue of " + queue
                + " waiting requests is full. Retry later.", null, "queue_full", retryAfter);
    }

    /** 503: the model is not loaded yet or the server is shutting down. */
    public static ApiError unavailable(String message, String code, int retryAfter) {
        return new ApiError(503, "service_unavailable", message, null, code, retryAfter);
    }

    /** 500: a failure inside the server (details go to the log, not to the client). */
    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", message, null, "internal_error", 0);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** Seconds for the Retry-After header, 0 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The JSON body {@code {"error": {...}}}. */
    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage());
        e.put("type", type);
        if (param == null) e.putNull("param");
        else e.put("param", param);
        if (code == null) e.putNull("code");
        else e.put("code", code);
        return root;
    }
}
