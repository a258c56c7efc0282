package codex.cli;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted OpenAI-compatible model server for tests: each POST gets the next scripted reply
 * (an SSE stream, an HTTP error, a stream cut in the middle). Records every request body.
 */
public final class FakeModelServer implements AutoCloseable {

    /** Which API a request came in on; scripted streams are rendered in its format. */
    public enum Wire { RESPONSES, CHAT }

    /** One scripted reply. */
    public interface Reply {
        void send(HttpServerResponse response, Wire wire);
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
    private final List<io.vertx.core.MultiMap> requestHeaders = new CopyOnWriteArrayList<>();
    private final Function<Integer, Reply> script;

    public FakeModelServer(List<Reply> replies) {
        this(i -> i < replies.size() ? replies.get(i) : error(500, "{\"error\":{\"message\":\"script exhausted\"}}"));
    }

    public FakeModelServer(Function<Integer, Reply> script) {
        this.script = script;
        this.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            int index;
            synchronized (requests) {
                index = requests.size();
                requests.add(body.length() == 0 ? new JsonObject() : body.toJsonObject());
                requestHeaders.add(req.headers());
            }
            script.apply(index).send(req.response(),
                    req.path().endsWith("/chat/completions") ? Wire.CHAT : Wire.RESPONSES);
        }));
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public List<JsonObject> requests() {
        return List.copyOf(requests);
    }

    public List<io.vertx.core.MultiMap> headers() {
        return List.copyOf(requestHeaders);
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // test teardown
        }
    }

    // ---- replies ------------------------------------------------------------------------

    public static Reply error(int status, String body) {
        return error(status, body, null);
    }

    public static Reply error(int status, String body, String retryAfter) {
        return (resp, wire) -> {
            resp.setStatusCode(status).putHeader("content-type", "application/json");
            if (retryAfter != null) {
                resp.putHeader("retry-after", retryAfter);
            }
            resp.end(body);
        };
    }

    /** An SSE stream of these events (each a JSON object with a "type"), LF or CRLF line ends. */
    public static Reply sse(List<JsonObject> events, boolean crlf) {
        return (resp, wire) -> {
            String nl = crlf ? "\r\n" : "\n";
            resp.setChunked(true).putHeader("content-type", "text/event-stream");
            resp.write(": keep-alive comment" + nl + nl);
            if (wire == Wire.CHAT) {
                for (String data : ChatRendering.chunks(events)) {
                    resp.write("data: " + data + nl + nl);
                }
            } else {
                for (JsonObject e : events) {
                    resp.write("event: " + e.getString("type") + nl + "data: " + e.encode() + nl + nl);
                }
            }
            resp.end();
        };
    }

    public static Reply sse(List<JsonObject> events) {
        return sse(events, false);
    }

    /** Sends the first {@code keep} events, then closes the connection without completing. */
    public static Reply cutAfter(List<JsonObject> events, int keep) {
        return (resp, wire) -> {
            resp.setChunked(true).putHeader("content-type", "text/event-stream");
            List<String> data = wire == Wire.CHAT ? ChatRendering.chunks(events)
                    : events.stream().map(JsonObject::encode).toList();
            for (int i = 0; i < keep && i < data.size(); i++) {
                resp.write("data: " + data.get(i) + "\n\n");
            }
            resp.reset();
        };
    }

    // ---- Responses API events -------------------------------------------------------------

    public static List<JsonObject> textResponse(String id, String text) {
        List<JsonObject> events = new ArrayList<>();
        events.add(new JsonObject().put("type", "response.created").put("response", new JsonObject().put("id", id)));
        int mid = text.length() / 2;
        for (String part : new String[] {text.substring(0, mid), text.substring(mid)}) {
            if (!part.isEmpty()) {
                events.add(new JsonObject().put("type", "response.output_text.delta").put("delta", part));
            }
        }
        events.add(new JsonObject().put("type", "response.output_item.done").put("item", message(text)));
        events.add(completed(id));
        return events;
    }

    public static List<JsonObject> toolCalls(String id, List<JsonObject> calls) {
        List<JsonObject> events = new ArrayList<>();
        events.add(new JsonObject().put("type", "response.created").put("response", new JsonObject().put("id", id)));
        for (JsonObject call : calls) {
            events.add(new JsonObject().put("type", "response.output_item.done").put("item", call));
        }
        events.add(completed(id));
        return events;
    }

    public static JsonObject shellCall(String callId, String... argv) {
        return new JsonObject().put("type", "function_call").put("id", "fc_" + callId).put("call_id", callId)
                .put("name", "shell")
                .put("arguments", new JsonObject().put("command", new JsonArray(List.of((Object[]) argv))).encode());
    }

    public static JsonObject message(String text) {
        return new JsonObject().put("type", "message").put("role", "assistant").put("id", "msg_1")
                .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)));
    }

    public static JsonObject completed(String id) {
        return new JsonObject().put("type", "response.completed").put("response", new JsonObject().put("id", id)
                .put("usage", new JsonObject().put("input_tokens", 100).put("output_tokens", 20).put("total_tokens", 120)
                        .put("input_tokens_details", new JsonObject().put("cached_tokens", 10))));
    }

    public static JsonObject errorEvent(String code, String message) {
        return new JsonObject().put("type", "error").put("code", code).put("message", message);
    }

    /** Buffer helper for tests that need raw bytes. */
    public static Buffer raw(String s) {
        return Buffer.buffer(s);
    }
}
