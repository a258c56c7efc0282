package codex.cli;

import codex.protocol.ApprovalPolicy;
import codex.protocol.ReasoningEffort;
import codex.protocol.ReasoningSummary;
import static codex.cli.FakeModelServer.completed;
import static codex.cli.FakeModelServer.error;
import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.config.ProjectDocs;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.SessionConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** disable_response_storage and previous_response_id, as the model server sees them. */
class StorageModesTest {
    static InProcessCodex codex;

    @TempDir
    Path work;

    @BeforeAll
    static void boot() throws Exception {
        codex = new InProcessCodex();
    }

    @AfterAll
    static void shutdown() throws Exception {
        codex.close();
    }

    private static JsonObject reasoningItem() {
        return new JsonObject().put("type", "reasoning").put("id", "rs_1")
                .put("summary", new JsonArray().add(new JsonObject().put("type", "summary_text").put("text", "Thinking it over")))
                .put("encrypted_content", "opaque-blob");
    }

    private static List<JsonObject> responseWithReasoningAndCall(String id) {
        List<JsonObject> events = new ArrayList<>();
        events.add(new JsonObject().put("type", "response.output_item.done").put("item", reasoningItem()));
        events.add(new JsonObject().put("type", "response.output_item.done").put("item", shellCall("c1", "true")));
        events.add(completed(id));
        return events;
    }

    private SessionConfig config(String url, boolean disableStorage, String effort, String summary) {
        return new SessionConfig("test-model", InProcessCodex.provider(url), ApprovalPolicy.NEVER,
                List.of("disk-full-read-access", "disk-write-cwd"), work.toString(), disableStorage, null, null,
                List.of(), effort == null ? null : ReasoningEffort.parse(effort),
                summary == null ? null : ReasoningSummary.parse(summary), null, null);
    }

    private static List<String> types(JsonObject request) {
        return request.getJsonArray("input").stream().map(o -> ((JsonObject) o).getString("type")).toList();
    }

    @Test
    void zeroRetentionSendsStoreFalseNoPreviousIdAndTheReasoningBack() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(responseWithReasoningAndCall("r1")),
                sse(textResponse("r2", "done"))))) {
            List<Event> events = codex.runTurn(config(server.baseUrl(), true, "high", "auto"), "go", m -> "approved");
            JsonObject first = server.requests().get(0);
            JsonObject second = server.requests().get(1);
            for (JsonObject req : List.of(first, second)) {
                assertFalse(req.getBoolean("store"));
                assertFalse(req.containsKey("previous_response_id"), req.encode());
                assertEquals(new JsonArray().add("reasoning.encrypted_content"), req.getJsonArray("include"));
                assertEquals("high", req.getJsonObject("reasoning").getString("effort"));
                assertEquals("auto", req.getJsonObject("reasoning").getString("summary"));
            }
            JsonObject sentBack = second.getJsonArray("input").stream().map(o -> (JsonObject) o)
                    .filter(i -> "reasoning".equals(i.getString("type"))).findFirst().orElseThrow();
            assertEquals("opaque-blob", sentBack.getString("encrypted_content"));
            assertTrue(events.stream().anyMatch(e -> e.msg().equals(new EventMsg.AgentReasoning("Thinking it over"))));
        }
    }

    @Test
    void withStorageOnlyNewItemsFollowThePreviousResponseId() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(toolCalls("r1", List.of(shellCall("c1", "true")))),
                sse(textResponse("r2", "done"))))) {
            codex.runTurn(config(server.baseUrl(), false, null, null), "go", m -> "approved");
            JsonObject first = server.requests().get(0);
            JsonObject second = server.requests().get(1);
            assertTrue(first.getBoolean("store"));
            assertFalse(first.containsKey("previous_response_id"));
            assertNull(first.getJsonObject("reasoning"));
            assertEquals("r1", second.getString("previous_response_id"));
            assertEquals(List.of("function_call_output"), types(second));
        }
    }

    @Test
    void forgottenPreviousResponseFallsBackToTheFullHistory() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(toolCalls("r1", List.of(shellCall("c1", "true")))),
                error(400, "{\"error\":{\"message\":\"Previous response with id 'r1' not found.\","
                        + "\"code\":\"previous_response_not_found\"}}"),
                sse(textResponse("r2", "done"))))) {
            List<Event> events = codex.runTurn(config(server.baseUrl(), false, null, null), "go", m -> "approved");
            assertTrue(events.get(events.size() - 1).msg() instanceof EventMsg.TaskComplete, events.toString());
            JsonObject retried = server.requests().get(2);
            assertFalse(retried.containsKey("previous_response_id"));
            List<String> types = types(retried);
            assertTrue(types.containsAll(List.of("message", "function_call", "function_call_output")), types.toString());
        }
    }

    @Test
    void agentsMdFromTheWorkspaceReachesTheModel() throws Exception {
        Files.writeString(work.resolve("AGENTS.md"), "Always answer in French.\n");
        SessionConfig base = config("http://unused", true, null, null);
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "Bonjour"))))) {
            SessionConfig withDocs = new SessionConfig(base.model(), InProcessCodex.provider(server.baseUrl()),
                    base.approvalPolicy(), base.sandboxPermissions(), base.cwd(), true, null,
                    ProjectDocs.load(work.resolve("no-home"), work, 32 * 1024), List.of(), null, null, null, null);
            codex.runTurn(withDocs, "hi", m -> "approved");
            String firstMessage = server.requests().get(0).getJsonArray("input").getJsonObject(0)
                    .getJsonArray("content").getJsonObject(0).getString("text");
            assertTrue(firstMessage.contains("<user_instructions>") && firstMessage.contains("Always answer in French."),
                    firstMessage);
        }
    }
}
