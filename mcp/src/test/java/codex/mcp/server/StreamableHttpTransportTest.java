package codex.mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.Submission;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Streamable HTTP transport on a bare Vert.x server (the principal is the {@code X-Who}
 * header here; {@code codex serve} authenticates first), with a scripted Codex behind it: the
 * answers an MCP client sees, the order of a call's stream, and the refusals.
 */
class StreamableHttpTransportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";

    private final Vertx vertx = Vertx.vertx();
    private final List<Submission> submitted = new CopyOnWriteArrayList<>();
    private CodexMcpServer mcp;
    private HttpServer server;
    private String url;

    private final List<String> released = new CopyOnWriteArrayList<>();

    /** A Codex that answers every prompt with one message; sessions s-1, s-2, … */
    private final CodexSessions scripted = new CodexSessions() {
        private final java.util.Map<String, Consumer<Event>> events = new java.util.concurrent.ConcurrentHashMap<>();
        private int opened;
        private long seq;

        @Override
        public Future<String> open(Object principal, CodexToolCall call, Consumer<Event> consumer) {
            String id = "s-" + ++opened;
            events.put(id, consumer);
            emit(id, new EventMsg.SessionConfigured(id, "m", "openai", "/w", "never", List.of(), false));
            return Future.succeededFuture(id);
        }

        @Override
        public Future<Void> submit(Object principal, String sessionId, Submission submission) {
            submitted.add(submission);
            if (submission.op() instanceof Submission.Op.UserInput) {
                emit(sessionId, new EventMsg.TaskStarted());
                emit(sessionId, new EventMsg.AgentMessage("hello from " + principal));
                emit(sessionId, new EventMsg.TaskComplete("hello from " + principal));
            }
            return Future.succeededFuture();
        }

        @Override
        public void release(Object principal, String sessionId) {
            released.add(sessionId);
            events.remove(sessionId);
        }

        private void emit(String id, EventMsg msg) {
            events.get(id).accept(new Event(id, ++seq, "t", null, 1, msg));
        }
    };

    @BeforeEach
    void start() throws Exception {
        mcp = CodexMcpServer.http(vertx, scripted);
        server = vertx.createHttpServer().requestHandler(req -> {
            req.pause();
            mcp.handleHttp(req, req.getHeader("X-Who"));
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        url = "http://127.0.0.1:" + server.actualPort() + "/mcp";
    }

    @AfterEach
    void stop() throws Exception {
        mcp.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> post(String who, String session, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("X-Who", who);
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String initialize(String who) throws Exception {
        HttpResponse<String> r = post(who, null, INIT);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("codex-mcp-server", JSON.readTree(r.body()).at("/result/serverInfo/name").asText());
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertEquals(202, post(who, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode());
        return session;
    }

    /** The JSON-RPC messages of an SSE body, in order. */
    private static List<JsonNode> messages(String sse) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(JSON.readTree(line.substring(6)));
            }
        }
        return out;
    }

    @Test
    void aCall_streamsItsEventsAndProgress_answersAPing_thenTheResultLast() throws Exception {
        String session = initialize("alice");
        HttpRequest call = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("X-Who", "alice").header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
                        + "{\"name\":\"codex\",\"arguments\":{\"prompt\":\"hi\"},\"_meta\":{\"progressToken\":\"p7\"}}}"))
                .build();
        HttpResponse<Stream<String>> streamed = HTTP.send(call, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, streamed.statusCode());
        assertTrue(streamed.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<JsonNode> seen = new ArrayList<>();
        var lines = streamed.body().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.startsWith("data: ")) {
                continue;
            }
            JsonNode m = JSON.readTree(line.substring(6));
            seen.add(m);
            if ("ping".equals(m.path("method").asText())) {
                // the server asks before it sends the result; the client answers on a POST
                String answer = "{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":{}}";
                assertEquals(202, post("alice", session, answer).statusCode());
            }
        }
        List<String> kinds = new ArrayList<>();
        for (JsonNode m : seen) {
            kinds.add(m.has("method") ? m.get("method").asText() + (m.at("/params/msg/type").isMissingNode() ? ""
                    : ":" + m.at("/params/msg/type").asText()) : "result");
        }
        assertEquals(List.of("codex/event:session_configured", "codex/event:task_started", "codex/event:agent_message",
                "notifications/progress", "codex/event:task_complete", "ping", "result"), kinds);
        assertEquals(7, seen.get(0).at("/params/_meta/requestId").asInt());
        assertEquals("p7", seen.get(3).at("/params/progressToken").asText());
        JsonNode result = seen.get(seen.size() - 1);
        assertEquals(7, result.get("id").asInt());
        assertEquals("hello from alice", result.at("/result/content/0/text").asText());
        assertEquals("s-1", result.at("/result/structuredContent/sessionId").asText());

        // codex-reply continues it for alice; for bob the session does not exist
        String reply = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"codex-reply\","
                + "\"arguments\":{\"sessionId\":\"s-1\",\"prompt\":\"again\"}}}";
        String bobSession = initialize("bob");
        HttpResponse<String> bobs = post("bob", bobSession, reply);
        JsonNode refused = messages(bobs.body()).get(messages(bobs.body()).size() - 1);
        assertTrue(refused.at("/result/isError").asBoolean(), bobs.body());
        assertTrue(refused.at("/result/content/0/text").asText().startsWith("unknown session id s-1"), bobs.body());
    }

    /** A tools/call, its stream read to the end, the server's pings answered; the messages in order. */
    private List<JsonNode> callTool(String who, String session, String body) throws Exception {
        HttpRequest call = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("X-Who", who).header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> streamed = HTTP.send(call, HttpResponse.BodyHandlers.ofLines());
        List<JsonNode> seen = new ArrayList<>();
        var lines = streamed.body().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ")) {
                JsonNode m = JSON.readTree(line.substring(6));
                seen.add(m);
                if ("ping".equals(m.path("method").asText())) {
                    post(who, session, "{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":{}}");
                }
            }
        }
        return seen;
    }

    @Test
    void aPrincipalKeepsItsRecentCodexSessions_olderIdleOnesAreReleased() throws Exception {
        mcp.keepSessions(2);
        String session = initialize("alice");
        String codex = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"codex\","
                + "\"arguments\":{\"prompt\":\"hi\"}}}";
        for (int i = 0; i < 3; i++) {
            List<JsonNode> out = callTool("alice", session, codex);
            assertEquals("s-" + (i + 1), out.get(out.size() - 1).at("/result/structuredContent/sessionId").asText());
        }
        assertEquals(List.of("s-1"), released);
        String reply = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"codex-reply\","
                + "\"arguments\":{\"sessionId\":\"SID\",\"prompt\":\"again\"}}}";
        List<JsonNode> gone = callTool("alice", session, reply.replace("SID", "s-1"));
        assertTrue(gone.get(gone.size() - 1).at("/result/content/0/text").asText().startsWith("unknown session id s-1"));
        List<JsonNode> kept = callTool("alice", session, reply.replace("SID", "s-2"));
        assertEquals("hello from alice", kept.get(kept.size() - 1).at("/result/content/0/text").asText());
    }

    @Test
    void sessionsBelongToTheirPrincipal_andEndWithDelete() throws Exception {
        String session = initialize("alice");
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        assertEquals(404, post("bob", session, list).statusCode());
        assertEquals(404, post("alice", "no-such-session", list).statusCode());
        assertEquals(400, post("alice", null, list).statusCode());
        HttpResponse<String> tools = post("alice", session, list);
        assertEquals(200, tools.statusCode());
        assertEquals(List.of("codex", "codex-reply"), List.of(messages(tools.body()).get(0).at("/result/tools/0/name").asText(),
                messages(tools.body()).get(0).at("/result/tools/1/name").asText()));
        HttpRequest delete = HttpRequest.newBuilder(URI.create(url)).DELETE().header("X-Who", "bob")
                .header("Mcp-Session-Id", session).build();
        assertEquals(404, HTTP.send(delete, HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpRequest own = HttpRequest.newBuilder(URI.create(url)).DELETE().header("X-Who", "alice")
                .header("Mcp-Session-Id", session).build();
        assertEquals(200, HTTP.send(own, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, post("alice", session, list).statusCode());
    }

    @Test
    void aPrincipalsOldestIdleSession_makesRoomForItsNewest_othersUntouched() throws Exception {
        String alices = initialize("alice");
        List<String> carols = new ArrayList<>();
        for (int i = 0; i <= StreamableHttpTransport.SESSIONS_PER_PRINCIPAL; i++) {
            carols.add(initialize("carol"));
        }
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        assertEquals(404, post("carol", carols.get(0), list).statusCode());
        assertEquals(200, post("carol", carols.get(1), list).statusCode());
        assertEquals(200, post("carol", carols.get(carols.size() - 1), list).statusCode());
        assertEquals(200, post("alice", alices, list).statusCode());
        assertEquals(StreamableHttpTransport.SESSIONS_PER_PRINCIPAL + 1, mcp.httpSessionCount());
    }

    @Test
    void malformedRequests_getTheStatusTheSpecSays_withAJsonRpcError() throws Exception {
        String session = initialize("alice");
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        assertEquals(406, post("alice", session, list, "Accept", "application/json").statusCode());
        assertEquals(415, post("alice", session, list, "Content-Type", "text/plain").statusCode());
        HttpResponse<String> batch = post("alice", session, "[" + list + "]");
        assertEquals(400, batch.statusCode());
        assertEquals(-32600, JSON.readTree(batch.body()).at("/error/code").asInt(), batch.body());
        assertEquals(400, post("alice", session, "{not json").statusCode());
        assertEquals(400, post("alice", session, list, "MCP-Protocol-Version", "1999-01-01").statusCode());
        assertEquals(200, post("alice", session, list, "MCP-Protocol-Version", "2025-06-18").statusCode());
        assertEquals(413, post("alice", session, "{\"x\":\"" + "a".repeat(StreamableHttpTransport.BODY_LIMIT) + "\"}")
                .statusCode());
        HttpRequest put = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .header("X-Who", "alice").build();
        HttpResponse<String> refused = HTTP.send(put, HttpResponse.BodyHandlers.ofString());
        assertEquals(405, refused.statusCode());
        assertEquals("GET, POST, DELETE", refused.headers().firstValue("Allow").orElse(""));

        // one stream for server messages per session
        HttpRequest get = HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "text/event-stream")
                .header("X-Who", "alice").header("Mcp-Session-Id", session).build();
        HttpResponse<Stream<String>> open = HTTP.send(get, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, open.statusCode());
        assertEquals(409, HTTP.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
        open.body().close();
    }
}
