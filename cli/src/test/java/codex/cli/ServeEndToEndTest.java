package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `codex serve` as team tooling uses it: HTTP + SSE against a real server process. */
class ServeEndToEndTest {
    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path tmp;
    Path work;
    ServeProcess serve;
    String base;
    final HttpClient http = ServeProcess.HTTP;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createDirectories(tmp.resolve("repo"));
    }

    @AfterEach
    void stop() throws Exception {
        if (serve != null) {
            serve.close();
        }
    }

    private void startServe(FakeModelServer model) throws Exception {
        serve = ServeProcess.start(tmp.resolve("home"), model, java.util.Map.of("CODEX_SERVE_TOKEN", TOKEN));
        base = serve.base;
    }

    private HttpResponse<String> post(String path, JsonObject body, String token) throws Exception {
        return serve.post(path, body, token);
    }

    private BlockingQueue<JsonObject> follow(String sessionId, String lastEventId) throws Exception {
        return serve.follow(sessionId, TOKEN, lastEventId);
    }

    static JsonObject await(BlockingQueue<JsonObject> events, Predicate<JsonObject> what, List<JsonObject> seen)
            throws InterruptedException {
        return ServeProcess.await(events, what, seen);
    }

    private static Predicate<JsonObject> type(String t) {
        return ServeProcess.type(t);
    }

    @Test
    void sessionOverHttpWithAnApprovalThenResumedOverHttp() throws Exception {
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo via-http > made.txt")))),
                sse(textResponse("r2", "made it")),
                sse(textResponse("r3", "resumed over http"))))) {
            startServe(model);
            assertEquals(401, post("/sessions", new JsonObject(), null).statusCode());
            assertEquals(401, post("/sessions", new JsonObject(), "wrong-token-wrong-token").statusCode());
            HttpResponse<String> bad = post("/sessions", new JsonObject().put("cwd", "relative/dir"), TOKEN);
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("absolute"), bad.body());
            HttpResponse<String> badMode = post("/sessions", new JsonObject().put("cwd", work.toString())
                    .put("sandbox_mode", "write-everything"), TOKEN);
            assertEquals(400, badMode.statusCode(), badMode.body());
            assertTrue(badMode.body().contains("workspace-write"), "names the valid modes: " + badMode.body());
            HttpResponse<String> byMode = post("/sessions", new JsonObject().put("cwd", work.toString())
                    .put("sandbox_mode", "workspace-write"), TOKEN);
            assertEquals(201, byMode.statusCode(), byMode.body());
            JsonObject configured = await(follow(new JsonObject(byMode.body()).getString("session_id"), null),
                    type("session_configured"), new ArrayList<>()).getJsonObject("msg");
            assertTrue(configured.getJsonArray("sandbox_permissions").contains("disk-write-cwd"),
                    "today's sandbox_mode maps onto the permissions as -s does: " + configured);

            HttpResponse<String> created = post("/sessions", new JsonObject().put("cwd", work.toString())
                    .put("approval_policy", "unless-allow-listed")
                    .put("sandbox_permissions", List.of("disk-full-read-access", "disk-write-cwd")), TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            String id = new JsonObject(created.body()).getString("session_id");
            BlockingQueue<JsonObject> events = follow(id, null);
            List<JsonObject> seen = new ArrayList<>();
            await(events, type("session_configured"), seen);

            assertEquals(202, post("/sessions/" + id + "/submissions", new JsonObject().put("id", "s1")
                    .put("op", new JsonObject().put("type", "user_input").put("items", List.of(
                            new JsonObject().put("type", "text").put("text", "make a file")))), TOKEN).statusCode());
            JsonObject ask = await(events, type("exec_approval_request"), seen);
            String callId = ask.getJsonObject("msg").getString("call_id");
            assertEquals(202, post("/sessions/" + id + "/submissions", new JsonObject().put("id", "s2")
                    .put("op", new JsonObject().put("type", "exec_approval").put("call_id", callId)
                            .put("approval_id", ask.getJsonObject("msg").getString("approval_id"))
                            .put("decision", "approved")), TOKEN).statusCode());
            JsonObject done = await(events, type("task_complete"), seen);
            assertEquals("made it", done.getJsonObject("msg").getString("last_agent_message"));
            assertEquals("via-http\n", Files.readString(work.resolve("made.txt")));
            for (JsonObject e : seen) {
                assertEquals(String.valueOf(e.getLong("seq")), e.getString("_sse_id"), "SSE ids are the seq numbers");
            }
            long lastSeq = done.getLong("seq");

            // a reconnecting client gets what it missed, from Last-Event-ID on
            BlockingQueue<JsonObject> replay = follow(id, String.valueOf(lastSeq - 2));
            assertEquals(lastSeq - 1, replay.poll(10, TimeUnit.SECONDS).getLong("seq"));

            assertEquals(400, post("/sessions/" + id + "/submissions", new JsonObject().put("op",
                    new JsonObject().put("type", "self_destruct")), TOKEN).statusCode());

            // resume over HTTP: same id, whole history sent to the model, seq carries on
            HttpResponse<String> resumed = post("/sessions", new JsonObject().put("cwd", work.toString())
                    .put("resume_session_id", id), TOKEN);
            assertEquals(201, resumed.statusCode(), resumed.body());
            assertEquals(id, new JsonObject(resumed.body()).getString("session_id"));
            BlockingQueue<JsonObject> again = follow(id, String.valueOf(lastSeq));
            assertEquals(202, post("/sessions/" + id + "/submissions", new JsonObject().put("id", "s3")
                    .put("op", new JsonObject().put("type", "user_input").put("items", List.of(
                            new JsonObject().put("type", "text").put("text", "and now?")))), TOKEN).statusCode());
            List<JsonObject> seenAgain = new ArrayList<>();
            JsonObject doneAgain = await(again, type("task_complete"), seenAgain);
            assertEquals("resumed over http", doneAgain.getJsonObject("msg").getString("last_agent_message"));
            assertTrue(seenAgain.get(0).getLong("seq") > lastSeq, "seq continues after a resume: " + seenAgain.get(0));
            String third = model.requests().get(2).encode();
            assertTrue(third.contains("make a file") && third.contains("via-http") && third.contains("and now?"), third);

            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/sessions"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode());
            assertTrue(list.body().contains(id) && list.body().contains("make a file"), list.body());
        }
    }

    @Test
    void webSocketCarriesSubmissionsInAndEventsOut() throws Exception {
        try (var model = new FakeModelServer(List.of(sse(textResponse("r1", "hello over websocket"))))) {
            startServe(model);
            HttpResponse<String> created = post("/sessions", new JsonObject().put("cwd", work.toString()), TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            String id = new JsonObject(created.body()).getString("session_id");
            BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
            java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
                                                                      boolean last) {
                    partial.append(data);
                    if (last) {
                        frames.add(new JsonObject(partial.toString()));
                        partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }
            };
            java.net.http.WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN)
                    .buildAsync(URI.create(base.replace("http://", "ws://") + "/sessions/" + id + "/ws"), listener)
                    .get(10, TimeUnit.SECONDS);
            List<JsonObject> seen = new ArrayList<>();
            await(frames, type("session_configured"), seen);
            ws.sendText("{\"id\":\"w1\",\"op\":{\"type\":\"no_such_op\"}}", true).get(5, TimeUnit.SECONDS);
            await(frames, f -> f.containsKey("error"), seen);
            // approval answers over the WebSocket go through the inbox too: without an approval_id, refused
            ws.sendText("{\"id\":\"w1b\",\"op\":{\"type\":\"exec_approval\",\"call_id\":\"call_0\",\"decision\":\"approved\"}}",
                    true).get(5, TimeUnit.SECONDS);
            JsonObject noId = await(frames, f -> f.containsKey("error"), seen);
            assertTrue(noId.getJsonObject("error").getString("message").contains("approval_id"), noId.encode());
            ws.sendText("{\"id\":\"w1c\",\"op\":{\"type\":\"exec_approval\",\"call_id\":\"call_0\",\"approval_id\":\"apr_none\",\"decision\":\"approved\"}}",
                    true).get(5, TimeUnit.SECONDS);
            JsonObject unknown = await(frames, f -> f.containsKey("error"), seen);
            assertEquals("not_found", unknown.getJsonObject("error").getString("code"), unknown.encode());
            ws.sendText(new JsonObject().put("id", "w2").put("op", new JsonObject().put("type", "user_input")
                    .put("items", List.of(new JsonObject().put("type", "text").put("text", "hi")))).encode(), true)
                    .get(5, TimeUnit.SECONDS);
            JsonObject done = await(frames, f -> f.containsKey("msg") && "task_complete".equals(
                    f.getJsonObject("msg").getString("type")), seen);
            assertEquals("hello over websocket", done.getJsonObject("msg").getString("last_agent_message"));
            ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);

            java.util.concurrent.CompletableFuture<java.net.http.WebSocket> unauthorized = http.newWebSocketBuilder()
                    .buildAsync(URI.create(base.replace("http://", "ws://") + "/sessions/" + id + "/ws"), listener);
            java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> unauthorized.get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException, refused.toString());
        }
    }
}
