package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.mcp.NpmTools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /mcp} on {@code codex serve}: the MCP server of `codex mcp` over Streamable HTTP, driven
 * by the official TypeScript SDK client, and the doors it must keep shut (no token, another
 * identity's session, a foreign Origin or Host, the server's ceiling).
 */
class McpHttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "mcp-http-admin-token-0123456789";
    static final String BOB = "bob-user-token-0123456789abcdef";
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";

    @TempDir
    Path tmp;

    private ServeProcess serve(FakeModelServer model, String configToml) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        if (configToml != null) {
            Files.writeString(home.resolve("config.toml"), configToml);
        }
        return ServeProcess.start(home, model, Map.of("CODEX_SERVE_TOKEN", TOKEN));
    }

    private static String mcpUrl(ServeProcess serve) {
        return "http://" + serve.hostPort + "/mcp";
    }

    /** Runs the TypeScript SDK client against /mcp with this plan; returns what it printed. */
    private JsonNode tsClient(ServeProcess serve, String token, Map<String, Object> plan) throws Exception {
        Path modules = NpmTools.modules();
        Path script = Path.of(McpHttpServerTest.class.getResource("/mcp/ts-client.mjs").toURI());
        Map<String, Object> full = new HashMap<>(plan);
        full.put("modules", modules.toString());
        full.put("url", mcpUrl(serve));
        full.put("token", token);
        Path planFile = tmp.resolve("plan.json");
        Files.writeString(planFile, JSON.writeValueAsString(full));
        Path out = tmp.resolve("ts-out.json");
        Path err = tmp.resolve("ts-err.txt");
        Process p = new ProcessBuilder(NpmTools.node(), script.toString(), planFile.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the TypeScript client did not finish; stderr:\n" + Files.readString(err)
                    + "\nserver:\n" + serve.log());
        }
        assertEquals(0, p.exitValue(), "TypeScript client failed; stderr:\n" + Files.readString(err)
                + "\nserver:\n" + serve.log());
        return JSON.readTree(Files.readString(out));
    }

    private static HttpResponse<String> post(ServeProcess serve, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mcpUrl(serve))).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return ServeProcess.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> eventTypes(JsonNode out) {
        List<String> types = new ArrayList<>();
        out.get("events").forEach(e -> types.add(e.at("/msg/type").asText()));
        return types;
    }

    @Test
    void tsSdkClientOverHttp_listsTools_callsCodexThenCodexReply_withEventsAndProgress() throws Exception {
        try (FakeModelServer model = new FakeModelServer(List.of(
                FakeModelServer.sse(FakeModelServer.textResponse("resp_1", "The repo is empty.")),
                FakeModelServer.sse(FakeModelServer.textResponse("resp_2", "Still empty, as I said."))));
             ServeProcess serve = serve(model, null)) {
            Path work = Files.createDirectories(tmp.resolve("repo"));
            JsonNode out = tsClient(serve, TOKEN, Map.of("calls", List.of(
                    Map.of("name", "codex", "arguments", Map.of("prompt", "what is in this repo?",
                            "approval-policy", "never", "cwd", work.toString())),
                    Map.of("name", "codex-reply", "arguments", Map.of("sessionId", "$SESSION", "prompt", "and now?")))));
            assertEquals("codex-mcp-server", out.at("/serverInfo/name").asText());
            assertEquals(List.of("codex", "codex-reply"), List.of(out.at("/tools/0/name").asText(), out.at("/tools/1/name").asText()));
            assertEquals(JSON.readTree("[\"prompt\"]"), out.at("/tools/0/inputSchema/required"));

            JsonNode first = out.get("results").get(0);
            assertEquals("The repo is empty.", first.at("/content/0/text").asText(), first.toString());
            String sessionId = first.at("/structuredContent/sessionId").asText();
            assertFalse(sessionId.isEmpty());
            JsonNode second = out.get("results").get(1);
            assertEquals("Still empty, as I said.", second.at("/content/0/text").asText(), second.toString());
            assertEquals(sessionId, second.at("/structuredContent/sessionId").asText());

            List<String> types = eventTypes(out);
            assertEquals("session_configured", types.get(0), types.toString());
            assertEquals(2, types.stream().filter("task_complete"::equals).count(), types.toString());
            out.get("events").forEach(e -> assertEquals(sessionId, e.get("session_id").asText()));
            assertTrue(out.get("events").get(0).at("/_meta/requestId").isNumber(), out.get("events").get(0).toString());
            List<String> progress = new ArrayList<>();
            out.get("progress").forEach(p -> progress.add(p.path("message").asText()));
            assertEquals(List.of("The repo is empty.", "Still empty, as I said."), progress);
            assertEquals("resp_1", model.requests().get(1).getString("previous_response_id"));

            // our own client (the Java SDK's HTTP transport) on the same endpoint, with the token from the environment
            CodexProcess.Result listed2 = CodexProcess.run(tmp, Map.of("SERVE_TOKEN", TOKEN), null,
                    "mcp-client", "--url", mcpUrl(serve), "--bearer-token-env-var", "SERVE_TOKEN");
            assertEquals(0, listed2.exitCode(), listed2.stderr());
            JsonNode tools = JSON.readTree(listed2.stdout()).get("tools");
            assertEquals("codex", tools.get(0).get("name").asText(), listed2.stdout());
            assertEquals("codex-reply", tools.get(1).get("name").asText(), listed2.stdout());

            // the session is the caller's, like any session made over the API
            HttpResponse<String> listed = serve.get("/sessions", TOKEN);
            assertTrue(listed.body().contains(sessionId), listed.body());
            // the client ended its MCP session with DELETE: its id is no longer known
            assertTrue(out.get("terminated").asBoolean(), out.toString());
            HttpResponse<String> stale = post(serve, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}",
                    "Authorization", "Bearer " + TOKEN, "Mcp-Session-Id", out.get("sessionId").asText());
            assertEquals(404, stale.statusCode(), stale.body());
        }
    }

    @Test
    void anApprovalBecomesAnElicitation_answeredThroughTheInboxAsTheCaller() throws Exception {
        try (FakeModelServer model = new FakeModelServer(List.of(
                FakeModelServer.sse(FakeModelServer.toolCalls("resp_1", List.of(
                        FakeModelServer.shellCall("call_1", "touch", "made-by-codex")))),
                FakeModelServer.sse(FakeModelServer.textResponse("resp_2", "Done."))));
             ServeProcess serve = serve(model, null)) {
            Path work = Files.createDirectories(tmp.resolve("repo"));
            Map<String, Object> plan = new HashMap<>();
            plan.put("elicit", "approved");
            plan.put("calls", List.of(Map.of("name", "codex", "arguments", Map.of("prompt", "create the marker file",
                    "approval-policy", "unless-allow-listed", "cwd", work.toString(),
                    "sandbox-permissions", List.of("disk-full-read-access", "disk-write-cwd")))));
            JsonNode out = tsClient(serve, TOKEN, plan);
            assertEquals(1, out.get("elicitations").size(), out.toString());
            assertTrue(out.at("/elicitations/0/message").asText().contains("touch made-by-codex"), out.toString());
            assertEquals("Done.", out.at("/results/0/content/0/text").asText(), out.get("results").toString());
            assertTrue(Files.exists(work.resolve("made-by-codex")), "the approved command ran");
            JsonNode resolved = null;
            for (JsonNode e : out.get("events")) {
                if ("approval_resolved".equals(e.at("/msg/type").asText())) {
                    resolved = e.get("msg");
                }
            }
            assertTrue(resolved != null, eventTypes(out).toString());
            assertEquals("approved", resolved.get("decision").asText(), resolved.toString());
            assertEquals(ServeCommand.ADMIN_SHORTCUT, resolved.get("decided_by").asText(), resolved.toString());
        }
    }

    @Test
    void cancellingTheRequest_interruptsTheTurn() throws Exception {
        FakeModelServer.Reply hang = (resp, wire) -> {
            resp.setChunked(true).putHeader("content-type", "text/event-stream");
            resp.write("event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r\"}}\n\n");
            // and never completes
        };
        try (FakeModelServer model = new FakeModelServer(List.of(hang));
             ServeProcess serve = serve(model, null)) {
            Path work = Files.createDirectories(tmp.resolve("repo"));
            Map<String, Object> call = Map.of("name", "codex", "cancelOn", "task_started",
                    "arguments", Map.of("prompt", "take forever", "approval-policy", "never", "cwd", work.toString()));
            JsonNode out = tsClient(serve, TOKEN, Map.of("calls", List.of(call)));
            assertTrue(out.at("/results/0/error").asText().contains("test cancels"), out.get("results").toString());
            // the cancel reaches the server as a POST of notifications/cancelled; the turn ends interrupted.
            // The request's stream is gone by then, so the event is read from the session's SSE
            String sessionId = out.get("events").get(0).get("session_id").asText();
            java.util.concurrent.BlockingQueue<io.vertx.core.json.JsonObject> events = serve.follow(sessionId, TOKEN, null);
            io.vertx.core.json.JsonObject aborted = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (aborted == null && System.currentTimeMillis() < deadline) {
                io.vertx.core.json.JsonObject e = events.poll(1, TimeUnit.SECONDS);
                if (e != null && "turn_aborted".equals(e.getJsonObject("msg").getString("type"))) {
                    aborted = e;
                }
            }
            assertTrue(aborted != null, "no turn_aborted after the cancel; client: " + out + "\nserver log:\n" + serve.log());
            assertEquals("interrupted", aborted.getJsonObject("msg").getString("reason"), aborted.encode());
        }
    }

    @Test
    void theDoorsStayShut_token_identity_origin_host_andTheCeiling() throws Exception {
        String config = """
                [[gateway.tokens]]
                name = "bob"
                token = "%s"
                role = "user"

                [gateway.policy]
                approval_policies = ["on-failure"]
                """.formatted(BOB);
        try (ServeProcess serve = serve(null, config)) {
            // no token, a wrong one: 401 with the challenge, and no session made
            HttpResponse<String> none = post(serve, INIT);
            ServeProcess.assertError(none, 401);
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
            ServeProcess.assertError(post(serve, INIT, "Authorization", "Bearer not-the-token-at-all-000"), 401);
            // a page on another site, through the browser: 403 whatever the method
            ServeProcess.assertError(post(serve, INIT, "Authorization", "Bearer " + TOKEN,
                    "Origin", "http://evil.example.com"), 403);
            HttpRequest get = HttpRequest.newBuilder(URI.create(mcpUrl(serve))).header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + TOKEN).header("Origin", "http://evil.example.com").GET().build();
            assertEquals(403, ServeProcess.HTTP.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
            // DNS rebinding: the right address under a foreign name
            assertTrue(rawPost(serve, "evil.example.com").startsWith("HTTP/1.1 403"), "a foreign Host is refused");
            assertTrue(rawPost(serve, "localhost").startsWith("HTTP/1.1 200"), "localhost is answered");

            // the admin's MCP session is not bob's: 404, the same as an unknown id
            HttpResponse<String> init = post(serve, INIT, "Authorization", "Bearer " + TOKEN);
            assertEquals(200, init.statusCode(), init.body());
            String sid = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
            assertEquals(404, post(serve, list, "Authorization", "Bearer " + BOB, "Mcp-Session-Id", sid).statusCode());
            HttpResponse<String> own = post(serve, list, "Authorization", "Bearer " + TOKEN, "Mcp-Session-Id", sid);
            assertEquals(200, own.statusCode(), own.body());
            assertTrue(own.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            assertTrue(own.body().contains("\"name\":\"codex\""), own.body());

            // the server's ceiling holds for MCP calls as for POST /api/v1/sessions
            HttpResponse<String> bobInit = post(serve, INIT, "Authorization", "Bearer " + BOB);
            String bobSid = bobInit.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpResponse<String> refused = post(serve, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                            + "{\"name\":\"codex\",\"arguments\":{\"prompt\":\"hi\",\"approval-policy\":\"never\",\"cwd\":\""
                            + tmp + "\"}}}",
                    "Authorization", "Bearer " + BOB, "Mcp-Session-Id", bobSid);
            assertEquals(200, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"isError\":true"), refused.body());
            assertTrue(refused.body().contains("could not start a Codex session"), refused.body());
            assertTrue(refused.body().contains("approval"), refused.body());
        }
    }

    /** A POST initialize with this Host header (java.net.http will not send a foreign Host). */
    private static String rawPost(ServeProcess serve, String host) throws Exception {
        URI uri = URI.create(mcpUrl(serve));
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(10_000);
            byte[] body = INIT.getBytes(StandardCharsets.UTF_8);
            String head = "POST /mcp HTTP/1.1\r\nHost: " + host + ":" + uri.getPort() + "\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
