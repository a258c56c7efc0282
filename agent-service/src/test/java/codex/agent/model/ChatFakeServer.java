package codex.agent.model;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tiny Chat Completions server for tests: answers each POST with the next scripted reply and
 * records what it received. Replies are SSE streams, stalls (a chunk, then silence) or error bodies.
 */
final class ChatFakeServer {

    /** What one request looked like on the wire. */
    record Received(String path, MultiMap headers, JsonObject body) { }

    /** One scripted answer. */
    interface Reply {
        void send(HttpServerResponse response);
    }

    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();
    private final HttpServer server;

    private ChatFakeServer(HttpServer server) {
        this.server = server;
    }

    static ChatFakeServer start(Vertx vertx) throws Exception {
        ChatFakeServer[] holder = new ChatFakeServer[1];
        HttpServer server = vertx.createHttpServer().requestHandler(req -> holder[0].handle(req));
        holder[0] = new ChatFakeServer(server);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return holder[0];
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    synchronized ChatFakeServer then(Reply reply) {
        replies.add(reply);
        return this;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buf -> {
            Reply reply;
            synchronized (this) {
                received.add(new Received(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                        buf.length() == 0 ? new JsonObject() : buf.toJsonObject()));
                reply = replies.poll();
            }
            if (reply == null) {
                req.response().setStatusCode(500).end("{\"error\":{\"message\":\"test server has no reply scripted\"}}");
            } else {
                reply.send(req.response());
            }
        });
    }

    /** An SSE stream: each payload as its own {@code data:} event and its own write, then the end. */
    static Reply sse(String... payloads) {
        return response -> {
            startStream(response);
            for (String p : payloads) {
                response.write("data: " + p + "\n\n");
            }
            response.end();
        };
    }

    /** Sends the payloads, then goes silent without ending: a stalled stream. */
    static Reply stallAfter(String... payloads) {
        return response -> {
            startStream(response);
            for (String p : payloads) {
                response.write("data: " + p + "\n\n");
            }
        };
    }

    static Reply status(int status, String body) {
        return response -> response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    private static void startStream(HttpServerResponse response) {
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
    }

    // ---- chat.completion.chunk payloads --------------------------------------------------

    static final String DONE = "[DONE]";

    private static JsonObject chunk(String id, JsonObject delta, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", 1_700_000_000)
                .put("model", "test-model").put("choices", new io.vertx.core.json.JsonArray().add(choice));
    }

    static String role(String id) {
        return chunk(id, new JsonObject().put("role", "assistant").put("content", ""), null).encode();
    }

    static String text(String id, String content) {
        return chunk(id, new JsonObject().put("content", content), null).encode();
    }

    /** A tool call fragment; id and name are null after the first fragment, as OpenAI sends them. */
    static String tool(String id, int index, String callId, String name, String arguments) {
        JsonObject function = new JsonObject().put("arguments", arguments);
        if (name != null) {
            function.put("name", name);
        }
        JsonObject call = new JsonObject().put("index", index).put("function", function);
        if (callId != null) {
            call.put("id", callId).put("type", "function");
        }
        return chunk(id, new JsonObject().put("tool_calls", new io.vertx.core.json.JsonArray().add(call)), null).encode();
    }

    static String finish(String id, String reason) {
        return chunk(id, new JsonObject(), reason).encode();
    }

    static String usage(String id, long prompt, long completion, long cached, long reasoning) {
        return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("model", "test-model")
                .put("choices", new io.vertx.core.json.JsonArray())
                .put("usage", new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
                        .put("total_tokens", prompt + completion)
                        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", cached))
                        .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", reasoning)))
                .encode();
    }
}
