package codex.cli;

import codex.mcp.NpmTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `codex mcp` as MCP clients see it: our own `codex mcp-client` (the seed's manual test) and the
 * official TypeScript SDK client over stdio, against a scripted model server.
 */
class McpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path work;
    Path home;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createDirectories(tmp.resolve("repo"));
        home = Files.createDirectories(tmp.resolve("codex-home"));
    }

    private List<String> codexMcp() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", CodexProcess.classpath(), "codex.cli.CodexMain", "mcp");
    }

    private Map<String, String> env(FakeModelServer server) {
        Map<String, String> env = new HashMap<>();
        env.put("OPENAI_API_KEY", "test-key");
        env.put("OPENAI_BASE_URL", server == null ? "http://127.0.0.1:1/v1" : server.baseUrl());
        env.put("CODEX_HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        return env;
    }

    /** The seed's manual test: `codex mcp-client -- codex mcp` prints the codex tool with the seed's schema. */
    @Test
    void mcpClientOnCodexMcp_showsTheSeedsCodexToolSchema() throws Exception {
        List<String> args = new ArrayList<>(List.of("mcp-client", "--timeout", "60", "--"));
        args.addAll(codexMcp());
        CodexProcess.Result r = CodexProcess.run(work, env(null), null, args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode tools = JSON.readTree(r.stdout()).get("tools");
        assertEquals(2, tools.size(), r.stdout());
        JsonNode codex = tools.get(0);
        JsonNode expected = JSON.readTree("""
                {
                  "name": "codex",
                  "description": "Run a Codex session. Accepts configuration parameters matching the Codex Config struct.",
                  "inputSchema": {
                    "type": "object",
                    "properties": {
                      "approval-policy": {
                        "description": "Execution approval policy expressed as the kebab-case variant name (`unless-allow-listed`, `auto-edit`, `on-failure`, `never`).",
                        "enum": ["auto-edit", "unless-allow-listed", "on-failure", "never"],
                        "type": "string"
                      },
                      "cwd": {
                        "description": "Working directory for the session. If relative, it is resolved against the server process's current working directory.",
                        "type": "string"
                      },
                      "disable-response-storage": {"description": "Disable server-side response storage.", "type": "boolean"},
                      "model": {"description": "Optional override for the model name (e.g. \\"o3\\", \\"o4-mini\\")", "type": "string"},
                      "prompt": {"description": "The *initial user prompt* to start the Codex conversation.", "type": "string"},
                      "sandbox-permissions": {
                        "description": "Sandbox permissions using the same string values accepted by the CLI (e.g. \\"disk-write-cwd\\", \\"network-full-access\\").",
                        "items": {
                          "enum": ["disk-full-read-access", "disk-write-cwd", "disk-write-platform-user-temp-folder",
                                   "disk-write-platform-global-temp-folder", "disk-full-write-access", "network-full-access"],
                          "type": "string"
                        },
                        "type": "array"
                      }
                    },
                    "required": ["prompt"]
                  }
                }""");
        assertEquals(expected, codex);
        assertEquals("codex-reply", tools.get(1).get("name").asText());
        assertEquals(JSON.readTree("[\"prompt\"]"), tools.get(1).at("/inputSchema/required"));
        assertTrue(tools.get(1).at("/inputSchema/properties/sessionId").isObject());
        assertTrue(tools.get(1).at("/inputSchema/properties/conversationId").isObject());
    }

    /** Runs the TypeScript SDK client with this plan; returns what it printed. */
    private JsonNode tsClient(FakeModelServer server, Map<String, Object> plan) throws Exception {
        Path modules = NpmTools.modules();
        Path script = Path.of(McpServerTest.class.getResource("/mcp/ts-client.mjs").toURI());
        Map<String, Object> full = new HashMap<>(plan);
        full.put("modules", modules.toString());
        full.put("command", codexMcp().get(0));
        full.put("args", codexMcp().subList(1, codexMcp().size()));
        full.put("env", env(server));
        Path planFile = tmp.resolve("plan.json");
        Files.writeString(planFile, JSON.writeValueAsString(full));
        ProcessBuilder pb = new ProcessBuilder(NpmTools.node(), script.toString(), planFile.toString()).directory(work.toFile());
        Path out = tmp.resolve("ts-out.json");
        Path err = tmp.resolve("ts-err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the TypeScript client did not finish; stderr:\n" + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), "TypeScript client failed; stderr:\n" + Files.readString(err));
        return JSON.readTree(Files.readString(out));
    }

    private static List<String> eventTypes(JsonNode out) {
        List<String> types = new ArrayList<>();
        out.get("events").forEach(e -> types.add(e.at("/msg/type").asText()));
        return types;
    }

    @Test
    void tsSdkClient_callsCodexThenCodexReply_withEventsProgressAndTheSessionId() throws Exception {
        try (FakeModelServer model = new FakeModelServer(List.of(
                FakeModelServer.sse(FakeModelServer.textResponse("resp_1", "The repo is empty.")),
                FakeModelServer.sse(FakeModelServer.textResponse("resp_2", "Still empty, as I said."))))) {
            JsonNode out = tsClient(model, Map.of("calls", List.of(
                    Map.of("name", "codex", "arguments", Map.of("prompt", "what is in this repo?", "approval-policy", "never")),
                    Map.of("name", "codex-reply", "arguments", Map.of("sessionId", "$SESSION", "prompt", "and now?")))));
            assertEquals("codex-mcp-server", out.at("/serverInfo/name").asText());
            JsonNode first = out.get("results").get(0);
            assertEquals("The repo is empty.", first.at("/content/0/text").asText(), first.toString());
            assertFalse(first.path("isError").asBoolean());
            String sessionId = first.at("/structuredContent/sessionId").asText();
            assertFalse(sessionId.isEmpty());
            assertEquals("The repo is empty.", first.at("/structuredContent/content").asText());

            JsonNode second = out.get("results").get(1);
            assertEquals("Still empty, as I said.", second.at("/content/0/text").asText(), second.toString());
            assertEquals(sessionId, second.at("/structuredContent/sessionId").asText());

            List<String> types = eventTypes(out);
            assertEquals("session_configured", types.get(0), types.toString());
            assertEquals(2, types.stream().filter("task_complete"::equals).count(), types.toString());
            assertTrue(types.contains("agent_message"), types.toString());
            out.get("events").forEach(e -> assertEquals(sessionId, e.get("session_id").asText()));
            assertTrue(out.get("events").get(0).at("/_meta/requestId").isNumber(), out.get("events").get(0).toString());

            List<String> progress = new ArrayList<>();
            out.get("progress").forEach(p -> progress.add(p.path("message").asText()));
            // each call's agent message as progress, the second's too: the result waits for the client's
            // answer to a ping behind it (the TypeScript client dropped progress read with the result)
            assertEquals(List.of("The repo is empty.", "Still empty, as I said."), progress);

            // the reply continued the same conversation: it chains on the first response (stored server-side)
            JsonObject secondRequest = model.requests().get(1);
            assertEquals("resp_1", secondRequest.getString("previous_response_id"), secondRequest.encode());
            assertTrue(secondRequest.encode().contains("and now?"));
        }
    }

    private FakeModelServer touchThenDone() {
        return new FakeModelServer(List.of(
                FakeModelServer.sse(FakeModelServer.toolCalls("resp_1", List.of(
                        FakeModelServer.shellCall("call_1", "touch", "made-by-codex")))),
                FakeModelServer.sse(FakeModelServer.textResponse("resp_2", "Done."))));
    }

    private static Map<String, Object> touchCall() {
        return Map.of("name", "codex", "arguments", Map.of("prompt", "create the marker file",
                "approval-policy", "unless-allow-listed", "cwd", "repo",
                "sandbox-permissions", List.of("disk-full-read-access", "disk-write-cwd")));
    }

    @Test
    void anApprovalBecomesAnElicitation_andTheAnswerIsObeyed() throws Exception {
        try (FakeModelServer model = touchThenDone()) {
            Map<String, Object> plan = new HashMap<>();
            plan.put("elicit", "approved");
            plan.put("calls", List.of(touchCall()));
            // cwd "repo" is relative: it resolves against the server's cwd, which is tmp here
            JsonNode out = tsClientIn(tmp, model, plan);
            assertEquals(1, out.get("elicitations").size(), out.toString());
            String message = out.get("elicitations").get(0).get("message").asText();
            assertTrue(message.contains("touch made-by-codex"), message);
            assertEquals("Done.", out.at("/results/0/content/0/text").asText(), out.get("results").toString());
            assertTrue(Files.exists(work.resolve("made-by-codex")), "the approved command ran in the call's cwd");
        }
    }

    @Test
    void withoutElicitation_theApprovalIsRefused_andTheResultSaysSo() throws Exception {
        try (FakeModelServer model = touchThenDone()) {
            JsonNode out = tsClientIn(tmp, model, Map.of("calls", List.of(touchCall())));
            String text = out.at("/results/0/content/0/text").asText();
            assertTrue(text.startsWith("Done."), text);
            assertTrue(text.contains("Refused (this MCP client cannot answer approval requests): run `touch made-by-codex`"),
                    text);
            assertFalse(Files.exists(work.resolve("made-by-codex")));
            // the model was told the command was refused
            assertTrue(model.requests().get(1).encode().contains("call_1"), model.requests().get(1).encode());
        }
    }

    @Test
    void cancellingTheRequest_interruptsTheTurn() throws Exception {
        FakeModelServer.Reply hang = (resp, wire) -> {
            resp.setChunked(true).putHeader("content-type", "text/event-stream");
            resp.write("event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r\"}}\n\n");
            // and never completes
        };
        try (FakeModelServer model = new FakeModelServer(List.of(hang))) {
            Map<String, Object> call = Map.of("name", "codex", "cancelOn", "task_started",
                    "arguments", Map.of("prompt", "take forever", "approval-policy", "never"));
            JsonNode out = tsClient(model, Map.of("calls", List.of(call)));
            assertTrue(out.at("/results/0/error").asText().contains("test cancels"), out.get("results").toString());
            JsonNode aborted = out.get("afterCancel");
            assertNotNull(aborted);
            assertFalse(aborted.isNull(), "no turn_aborted after the cancel; events: " + eventTypes(out));
            assertEquals("interrupted", aborted.at("/msg/reason").asText(), aborted.toString());
        }
    }

    private JsonNode tsClientIn(Path serverCwd, FakeModelServer server, Map<String, Object> plan) throws Exception {
        Path saved = work;
        try {
            work = serverCwd;
            return tsClient(server, plan);
        } finally {
            work = saved;
        }
    }
}
