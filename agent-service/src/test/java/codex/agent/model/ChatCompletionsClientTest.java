package codex.agent.model;

import static codex.agent.model.ChatFakeServer.DONE;
import static codex.agent.model.ChatFakeServer.finish;
import static codex.agent.model.ChatFakeServer.role;
import static codex.agent.model.ChatFakeServer.sse;
import static codex.agent.model.ChatFakeServer.stallAfter;
import static codex.agent.model.ChatFakeServer.status;
import static codex.agent.model.ChatFakeServer.text;
import static codex.agent.model.ChatFakeServer.tool;
import static codex.agent.model.ChatFakeServer.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.agent.ModelClients;
import codex.protocol.ProviderSpec;
import codex.protocol.WireApi;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ChatCompletionsClient against a real local HTTP server. */
class ChatCompletionsClientTest {

    private Vertx vertx;
    private ChatFakeServer server;
    private final List<ModelEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> notices = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        server = ChatFakeServer.start(vertx);
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ChatCompletionsClient client(int requestRetries, int streamRetries, long idleTimeoutMs) {
        ProviderSpec provider = new ProviderSpec("fake", "Fake chat server", server.baseUrl(), "FAKE_API_KEY", null, WireApi.CHAT,
                Map.of(), Map.of("X-Test", "yes"), Map.of(), requestRetries, streamRetries, idleTimeoutMs);
        return new ChatCompletionsClient(vertx, vertx.createHttpClient(), provider, Map.of("FAKE_API_KEY", "sk-test"),
                new RetryPolicy(requestRetries, streamRetries, 10, 50));
    }

    private static ModelRequest request(List<JsonObject> input, JsonArray tools) {
        return new ModelRequest("test-model", "You are a coding agent.", input, tools, true, "resp_previous",
                new JsonObject().put("effort", "high"), List.of("reasoning.encrypted_content"), "session-1");
    }

    private static ModelRequest hello() {
        return request(List.of(userMessage("hello")), new JsonArray().add(shellTool()));
    }

    private static JsonObject userMessage(String text) {
        return new JsonObject().put("type", "message").put("role", "user")
                .put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text)));
    }

    private static JsonObject shellTool() {
        return new JsonObject().put("type", "function").put("name", "shell").put("description", "Runs a command")
                .put("parameters", new JsonObject().put("type", "object").put("properties",
                        new JsonObject().put("command", new JsonObject().put("type", "array"))));
    }

    /** Streams on a Vert.x context, as the agent does, and waits for the outcome. */
    private ModelResponse run(ChatCompletionsClient client, ModelRequest request) throws Exception {
        Promise<ModelResponse> result = Promise.promise();
        vertx.runOnContext(v -> client.stream(request, events::add, notices::add).onComplete(result));
        try {
            return result.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private String streamedText() {
        return events.stream().filter(e -> e instanceof ModelEvent.TextDelta)
                .map(e -> ((ModelEvent.TextDelta) e).delta()).collect(Collectors.joining());
    }

    private static String messageText(JsonObject item) {
        return item.getJsonArray("content").getJsonObject(0).getString("text");
    }

    @Test
    void textAnswerStreamsDeltasAndCompletesWithMessageItemAndUsage() throws Exception {
        server.then(sse(role("chatcmpl-1"), text("chatcmpl-1", "Hel"), text("chatcmpl-1", "lo, "),
                text("chatcmpl-1", "wörld ✓"), finish("chatcmpl-1", "stop"), usage("chatcmpl-1", 120, 7, 64, 3), DONE));

        ModelResponse response = run(client(0, 0, 5_000), hello());

        assertEquals("chatcmpl-1", response.responseId());
        assertEquals(1, response.items().size());
        JsonObject message = response.items().get(0);
        assertEquals("message", message.getString("type"));
        assertEquals("assistant", message.getString("role"));
        assertEquals("output_text", message.getJsonArray("content").getJsonObject(0).getString("type"));
        assertEquals("Hello, wörld ✓", messageText(message));
        assertEquals("Hello, wörld ✓", streamedText());
        assertEquals(new ModelEvent.Usage(120, 64, 7, 3, 127), response.usage());
        assertInstanceOf(ModelEvent.Completed.class, events.get(events.size() - 1));
        assertTrue(notices.isEmpty(), "no retry expected: " + notices);
    }

    @Test
    void toolCallSplitOverManyDeltasIsReassembled() throws Exception {
        String id = "chatcmpl-2";
        server.then(sse(role(id),
                tool(id, 0, "call_abc", "shell", ""),
                tool(id, 0, null, null, "{\"comm"),
                tool(id, 0, null, null, "and\":[\"l"),
                tool(id, 0, null, null, "s\",\"-"),
                tool(id, 0, null, null, "la\"]"),
                tool(id, 0, null, null, "}"),
                finish(id, "tool_calls"), usage(id, 50, 20, 0, 0), DONE));

        ModelResponse response = run(client(0, 0, 5_000), hello());

        assertEquals(1, response.items().size(), "no message item without text: " + response.items());
        JsonObject call = response.items().get(0);
        assertEquals("function_call", call.getString("type"));
        assertEquals("call_abc", call.getString("call_id"));
        assertEquals("shell", call.getString("name"));
        assertEquals(new JsonArray().add("ls").add("-la"), new JsonObject(call.getString("arguments")).getJsonArray("command"));
        assertEquals("", streamedText());
    }

    @Test
    void parallelToolCallsInterleavedByIndexComeOutInIndexOrder() throws Exception {
        String id = "chatcmpl-3";
        server.then(sse(
                text(id, "Looking at both."),
                tool(id, 0, "call_first", "shell", "{\"command\":"),
                tool(id, 1, "call_second", "shell", "{\"comm"),
                tool(id, 0, null, null, "[\"pwd\"]"),
                tool(id, 1, null, null, "and\":[\"whoami\"]}"),
                tool(id, 0, null, null, "}"),
                finish(id, "tool_calls"), usage(id, 10, 10, 0, 0), DONE));

        ModelResponse response = run(client(0, 0, 5_000), hello());

        assertEquals(List.of("message", "function_call", "function_call"),
                response.items().stream().map(i -> i.getString("type")).toList());
        assertEquals("Looking at both.", messageText(response.items().get(0)));
        JsonObject first = response.items().get(1);
        JsonObject second = response.items().get(2);
        assertEquals("call_first", first.getString("call_id"));
        assertEquals("{\"command\":[\"pwd\"]}", first.getString("arguments"));
        assertEquals("call_second", second.getString("call_id"));
        assertEquals("{\"command\":[\"whoami\"]}", second.getString("arguments"));
    }

    @Test
    void serverThatSendsNoUsageGivesNullUsage() throws Exception {
        server.then(sse(text("chatcmpl-4", "ok"), finish("chatcmpl-4", "stop"), DONE));

        ModelResponse response = run(client(0, 0, 5_000), hello());

        assertNull(response.usage());
        assertEquals("ok", messageText(response.items().get(0)));
    }

    @Test
    void serverThatNeverSendsDoneCompletesOnFinishAndUsage() throws Exception {
        server.then(sse(text("chatcmpl-5", "cut short"), finish("chatcmpl-5", "length"), usage("chatcmpl-5", 5, 4096, 0, 0)));

        ModelResponse response = run(client(0, 0, 5_000), hello());

        assertEquals("cut short", messageText(response.items().get(0)));
        assertEquals(4096, response.usage().outputTokens());
        assertEquals(1, server.received().size());
    }

    @Test
    void serverThatClosesAfterFinishReasonWithoutDoneOrUsageCompletes() throws Exception {
        server.then(sse(text("chatcmpl-7", "no done marker"), finish("chatcmpl-7", "stop")));

        ModelResponse response = run(client(0, 0, 5_000), hello());

        assertEquals("no done marker", messageText(response.items().get(0)));
        assertNull(response.usage());
        assertEquals(1, server.received().size());
    }

    @Test
    void streamCutBeforeFinishReasonIsRetried() throws Exception {
        server.then(sse(text("cut", "half an ans")))
                .then(sse(text("whole", "whole answer"), finish("whole", "stop"), DONE));

        ModelResponse response = run(client(0, 1, 5_000), hello());

        assertEquals("whole answer", messageText(response.items().get(0)));
        assertEquals(2, server.received().size());
        assertTrue(notices.get(0).contains("ended before the response completed"), notices.toString());
    }

    @Test
    void stalledStreamTimesOutAndIsRetriedOnAFreshRequest() throws Exception {
        server.then(stallAfter(role("chatcmpl-stall"), text("chatcmpl-stall", "par")))
                .then(sse(text("chatcmpl-6", "full answer"), finish("chatcmpl-6", "stop"), usage("chatcmpl-6", 1, 2, 0, 0), DONE));

        long start = System.nanoTime();
        ModelResponse response = run(client(0, 2, 300), hello());
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals("chatcmpl-6", response.responseId());
        assertEquals("full answer", messageText(response.items().get(0)));
        assertEquals(2, server.received().size());
        assertEquals(server.received().get(0).body(), server.received().get(1).body(), "the retry resends the same request");
        assertEquals(1, notices.size(), "one retry notice: " + notices);
        assertTrue(notices.get(0).contains("retry 1 of 2"), notices.get(0));
        assertTrue(elapsedMs >= 300, "the stall is detected by the idle timeout, not sooner: " + elapsedMs + " ms");
        assertTrue(elapsedMs < 5_000, "the stall is detected promptly: " + elapsedMs + " ms");
    }

    /** An interrupt that comes while the connection is still being made (seen as a lost interrupt under load). */
    @Test
    void cancelBeforeTheConnectionIsOpen_endsTheStreamAsInterrupted() throws Exception {
        server.then(stallAfter(role("chatcmpl-hang")));
        ChatCompletionsClient c = client(0, 0, 60_000);
        java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
        vertx.runOnContext(v -> {
            c.stream(hello(), events::add, notices::add).onComplete(ar -> ended.complete(ar.cause()));
            c.cancel(); // same tick: the connection is not open yet
        });
        Throwable err = ended.get(5, TimeUnit.SECONDS);
        assertTrue(err != null && err.getMessage().contains("interrupted"), String.valueOf(err));
    }

    @Test
    void stalledStreamFailsOnceStreamRetriesAreUsedUp() throws Exception {
        server.then(stallAfter(text("a", "x"))).then(stallAfter(text("b", "y")));

        ModelException e = assertThrows(ModelException.class, () -> run(client(3, 1, 200), hello()));

        assertTrue(e.getMessage().contains("gave up after 1 retries"), e.getMessage());
        assertEquals(2, server.received().size());
    }

    @Test
    void requestBodyIsInChatFormWithSystemFirstAndToolResultsAsToolMessages() throws Exception {
        server.then(sse(text("c", "done"), finish("c", "stop"), DONE));
        List<JsonObject> history = List.of(
                userMessage("list files"),
                new JsonObject().put("type", "reasoning").put("summary", new JsonArray()).put("encrypted_content", "xyz"),
                new JsonObject().put("type", "message").put("role", "assistant").put("content",
                        new JsonArray().add(new JsonObject().put("type", "output_text").put("text", "Sure."))),
                new JsonObject().put("type", "function_call").put("call_id", "call_1").put("name", "shell")
                        .put("arguments", "{\"command\":[\"ls\"]}"),
                new JsonObject().put("type", "function_call").put("call_id", "call_2").put("name", "shell")
                        .put("arguments", "{\"command\":[\"pwd\"]}"),
                new JsonObject().put("type", "function_call_output").put("call_id", "call_1").put("output", "a.txt\nb.txt"),
                new JsonObject().put("type", "function_call_output").put("call_id", "call_2").put("output", "/work"),
                userMessage("thanks"));

        run(client(0, 0, 5_000), request(history, new JsonArray().add(shellTool())));

        ChatFakeServer.Received received = server.received().get(0);
        assertEquals("/v1/chat/completions", received.path());
        assertEquals("Bearer sk-test", received.headers().get("Authorization"));
        assertEquals("yes", received.headers().get("X-Test"));
        JsonObject body = received.body();
        assertEquals("test-model", body.getString("model"));
        assertEquals(true, body.getBoolean("stream"));
        assertEquals(new JsonObject().put("include_usage", true), body.getJsonObject("stream_options"));
        assertEquals("auto", body.getString("tool_choice"));
        for (String absent : List.of("store", "previous_response_id", "reasoning", "include", "input", "instructions")) {
            assertFalse(body.containsKey(absent), absent + " must not be sent to a chat server: " + body.encode());
        }
        assertEquals(new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
                .put("name", "shell").put("description", "Runs a command")
                .put("parameters", shellTool().getJsonObject("parameters")))), body.getJsonArray("tools"));

        JsonArray messages = body.getJsonArray("messages");
        assertEquals(List.of("system", "user", "assistant", "tool", "tool", "user"),
                messages.stream().map(m -> ((JsonObject) m).getString("role")).toList());
        assertEquals("You are a coding agent.", messages.getJsonObject(0).getString("content"));
        assertEquals("list files", messages.getJsonObject(1).getString("content"));
        JsonObject assistant = messages.getJsonObject(2);
        assertEquals("Sure.", assistant.getString("content"));
        JsonArray calls = assistant.getJsonArray("tool_calls");
        assertEquals(2, calls.size());
        assertEquals(new JsonObject().put("id", "call_1").put("type", "function").put("function",
                new JsonObject().put("name", "shell").put("arguments", "{\"command\":[\"ls\"]}")), calls.getJsonObject(0));
        assertEquals("call_2", calls.getJsonObject(1).getString("id"));
        assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "a.txt\nb.txt"),
                messages.getJsonObject(3));
        assertEquals("call_2", messages.getJsonObject(4).getString("tool_call_id"));
        assertEquals("thanks", messages.getJsonObject(5).getString("content"));
    }

    @Test
    void badRequestFailsWithTheServersMessageAndIsNotRetried() throws Exception {
        server.then(status(400, "{\"error\":{\"message\":\"Invalid parameter: messages with role 'tool' must be a "
                + "response to a preceeding message with 'tool_calls'.\",\"type\":\"invalid_request_error\"}}"));

        ModelException e = assertThrows(ModelException.class, () -> run(client(3, 3, 5_000), hello()));

        assertEquals(400, e.status());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("messages with role 'tool' must be a response to a preceeding message"),
                e.getMessage());
        assertEquals(1, server.received().size());
        assertTrue(notices.isEmpty(), notices.toString());
    }

    @Test
    void errorPayloadInsideTheStreamFailsWithTheServersMessage() throws Exception {
        server.then(sse(text("e", "Partial"), "{\"error\":{\"message\":\"This model's maximum context length is 8192 "
                + "tokens.\",\"code\":\"context_length_exceeded\"}}"));

        ModelException e = assertThrows(ModelException.class, () -> run(client(3, 3, 5_000), hello()));

        assertTrue(e.getMessage().contains("This model's maximum context length is 8192 tokens."), e.getMessage());
        assertTrue(e.getMessage().contains("context_length_exceeded"), e.getMessage());
        assertEquals(1, server.received().size());
    }

    @Test
    void serverErrorIsRetriedThenSucceeds() throws Exception {
        server.then(status(503, "{\"error\":{\"message\":\"overloaded\"}}"))
                .then(sse(text("r", "after retry"), finish("r", "stop"), DONE));

        ModelResponse response = run(client(2, 0, 5_000), hello());

        assertEquals("after retry", messageText(response.items().get(0)));
        assertEquals(2, server.received().size());
        assertTrue(notices.get(0).contains("503"), notices.toString());
    }

    @Test
    void modelClientsRoutesChatWireApiToThisClient() {
        ProviderSpec provider = new ProviderSpec("fake", "Fake", server.baseUrl(), null, null, WireApi.CHAT,
                Map.of(), Map.of(), Map.of(), 0, 0, 1000);
        assertInstanceOf(ChatCompletionsClient.class,
                ModelClients.forProvider(vertx, vertx.createHttpClient(), provider, Map.of()));
    }
}
