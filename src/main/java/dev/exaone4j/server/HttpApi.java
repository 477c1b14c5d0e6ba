package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;

/**
 * The HTTP routes: {@code POST /v1/chat/completions}, {@code POST /v1/completions}, {@code GET /v1/models[/ID]},
 * {@code POST /tokenize}, {@code POST /detokenize}, {@code GET /health} (no key needed; 503 until the model is
 * loaded) and {@code GET /metrics} (Prometheus text); GET routes answer HEAD too. Checks the API key, bounds the
 * body, answers every failure in OpenAI's error shape (a 405 with its {@code Allow} header) and counts requests by
 * route and status. Browsers may call it from any origin (CORS, as llama.cpp's and vLLM's servers by default): the
 * API key, when set, is what guards it.
 */
final class HttpApi implements HttpHandler {
    private static final System.Logger LOG = System.getLogger("exaone4j.server");

    private final InferenceServer server;
    private final ApiKey key;
    private final long maxBody;

    HttpApi(InferenceServer server, ServerConfig cfg) {
        this.server = server;
        this.key = new ApiKey(cfg.apiKey());
        this.maxBody = cfg.maxBody();
    }

    @Override
    public void handle(HttpExchange ex) {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String route = route(path);
        int status = 500;
        ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        try {
            if (method.equalsIgnoreCase("OPTIONS") && !route.equals("other")) {
                status = preflight(ex, route);
                return;
            }
            status = dispatch(ex, method, path, route);
        } catch (ApiError e) {
            status = e.status();
            respondError(ex, e);
        } catch (IOException e) {
            status = 499; // client closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 503;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + method + " " + route + " failed", e);
            respondError(ex, ApiError.internal("internal error: " + e.getClass().getSimpleName()));
        } finally {
            server.metrics().request(route, status);
            ex.close();
        }
    }

    private void respondError(HttpExchange ex, ApiError e) {
        try {
            HttpIo.sendError(ex, e);
        } catch (IOException | RuntimeException ignored) {
            // headers already sent or client gone: nothing more to tell
        }
    }

    /** A fixed label per route for metrics (never the raw path). */
    static String route(String path) {
        return switch (path) {
            case "/health", "/metrics", "/v1/models", "/v1/chat/completions", "/v1/completions", "/tokenize", "/detokenize" -> path;
            default -> path.startsWith("/v1/models/") ? "/v1/models/{id}" : "other";
        };
    }

    private int dispatch(HttpExchange ex, String method, String path, String route) throws IOException, InterruptedException {
        if (route.equals("other")) throw ApiError.routeNotFound(method, path);
        if (route.equals("/health")) {
            requireMethod(ex, method, "GET", path);
            return health(ex);
        }
        if (!key.accepts(ex.getRequestHeaders().getFirst("Authorization"))) throw ApiError.unauthorized();
        switch (route) {
            case "/metrics" -> {
                requireMethod(ex, method, "GET", path);
                HttpIo.sendText(ex, 200, "text/plain; version=0.0.4; charset=utf-8", server.metrics().render());
            }
            case "/v1/models" -> {
                requireMethod(ex, method, "GET", path);
                LoadedModel m = server.engine().model();
                ObjectNode o = HttpIo.JSON.createObjectNode();
                o.put("object", "list");
                ArrayNode data = o.putArray("data");
                data.add(modelJson(m));
                HttpIo.sendJson(ex, 200, o);
            }
            case "/v1/models/{id}" -> {
                requireMethod(ex, method, "GET", path);
                LoadedModel m = server.engine().model();
                String id = path.substring("/v1/models/".length());
                if (!id.equals(m.id)) throw ApiError.modelNotFound(id);
                HttpIo.sendJson(ex, 200, modelJson(m));
            }
            case "/tokenize", "/detokenize" -> {
                requireMethod(ex, method, "POST", path);
                LoadedModel m = server.engine().model();
                JsonNode body = HttpIo.readJsonObject(ex, maxBody);
                HttpIo.sendJson(ex, 200, route.equals("/tokenize") ? TokenizeApi.tokenize(body, m) : TokenizeApi.detokenize(body, m));
            }
            case "/v1/chat/completions" -> {
                requireMethod(ex, method, "POST", path);
                InferenceServer.Engine engine = server.engine();
                ChatCompletions.handle(ex, HttpIo.readJsonObject(ex, maxBody), engine);
            }
            case "/v1/completions" -> {
                requireMethod(ex, method, "POST", path);
                InferenceServer.Engine engine = server.engine();
                Completions.handle(ex, HttpIo.readJsonObject(ex, maxBody), engine);
            }
            default -> throw ApiError.routeNotFound(method, path);
        }
        return 200;
    }

    private int health(HttpExchange ex) throws IOException {
        ObjectNode o = HttpIo.JSON.createObjectNode();
        String state = server.state();
        if (state.equals("ok")) {
            o.put("status", "ok");
            HttpIo.sendJson(ex, 200, o);
            return 200;
        }
        ApiError e = ApiError.unavailable(state.equals("loading") ? "The model is still loading." : "The server is " + state + ".", state, 1);
        HttpIo.sendError(ex, e);
        return 503;
    }

    /** The methods a route answers. */
    private static String allowed(String route) {
        return switch (route) {
            case "/health", "/metrics", "/v1/models", "/v1/models/{id}" -> "GET, HEAD, OPTIONS";
            default -> "POST, OPTIONS";
        };
    }

    /** A CORS preflight (or plain OPTIONS): 204 with the route's methods and the headers a client may send. */
    private static int preflight(HttpExchange ex, String route) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Allow", allowed(route));
        h.set("Access-Control-Allow-Methods", allowed(route));
        h.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
        h.set("Access-Control-Max-Age", "86400");
        ex.sendResponseHeaders(204, -1);
        return 204;
    }

    private static void requireMethod(HttpExchange ex, String method, String allowed, String path) {
        if (method.equalsIgnoreCase(allowed) || (allowed.equals("GET") && method.equalsIgnoreCase("HEAD"))) return;
        ex.getResponseHeaders().set("Allow", allowed.equals("GET") ? "GET, HEAD, OPTIONS" : allowed + ", OPTIONS");
        throw ApiError.methodNotAllowed(method, path, allowed);
    }

    private static ObjectNode modelJson(LoadedModel m) {
        ObjectNode o = HttpIo.JSON.createObjectNode();
        o.put("id", m.id);
        o.put("object", "model");
        o.put("created", m.created);
        o.put("owned_by", "exaone4j");
        o.put("max_model_len", m.contextSize);
        return o;
    }
}
