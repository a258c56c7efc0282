package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each approval policy × {safe command, unsafe command, patch inside roots, patch outside roots,
 * command denied by the sandbox}, end to end through the agent and the real sandbox, with a scripted
 * model and a test client that approves whatever it is asked.
 */
class ApprovalPolicyMatrixTest {

    enum Action { SAFE_COMMAND, UNSAFE_COMMAND, PATCH_INSIDE, PATCH_OUTSIDE, SANDBOX_DENIED, ESCALATION_REQUESTED }

    /** What the user sees and what happens: was the user asked, did the thing take effect. */
    record Outcome(int asked, boolean tookEffect) { }

    static InProcessCodex codex;

    @TempDir
    Path tmp;
    Path work;
    Path outside;

    @BeforeAll
    static void boot() throws Exception {
        codex = new InProcessCodex();
    }

    @AfterAll
    static void shutdown() throws Exception {
        codex.close();
    }

    @BeforeEach
    void dirs() throws Exception {
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
        Files.writeString(work.resolve("README.md"), "hello\n");
    }

    static Stream<Arguments> matrix() {
        // expected: (times asked, took effect) when every request is approved
        return Stream.of(
                Arguments.of("unless-allow-listed", Action.SAFE_COMMAND, new Outcome(0, true)),
                Arguments.of("unless-allow-listed", Action.UNSAFE_COMMAND, new Outcome(1, true)),
                Arguments.of("unless-allow-listed", Action.PATCH_INSIDE, new Outcome(1, true)),
                Arguments.of("unless-allow-listed", Action.PATCH_OUTSIDE, new Outcome(1, true)),
                Arguments.of("unless-allow-listed", Action.SANDBOX_DENIED, new Outcome(1, true)),
                Arguments.of("auto-edit", Action.SAFE_COMMAND, new Outcome(0, true)),
                Arguments.of("auto-edit", Action.UNSAFE_COMMAND, new Outcome(1, true)),
                Arguments.of("auto-edit", Action.PATCH_INSIDE, new Outcome(0, true)),
                Arguments.of("auto-edit", Action.PATCH_OUTSIDE, new Outcome(1, true)),
                Arguments.of("auto-edit", Action.SANDBOX_DENIED, new Outcome(1, true)),
                Arguments.of("on-failure", Action.SAFE_COMMAND, new Outcome(0, true)),
                Arguments.of("on-failure", Action.UNSAFE_COMMAND, new Outcome(0, true)),
                Arguments.of("on-failure", Action.PATCH_INSIDE, new Outcome(0, true)),
                Arguments.of("on-failure", Action.PATCH_OUTSIDE, new Outcome(1, true)),
                Arguments.of("on-failure", Action.SANDBOX_DENIED, new Outcome(1, true)),
                Arguments.of("on-failure", Action.ESCALATION_REQUESTED, new Outcome(1, true)),
                Arguments.of("on-request", Action.SAFE_COMMAND, new Outcome(0, true)),
                Arguments.of("on-request", Action.UNSAFE_COMMAND, new Outcome(0, true)),
                Arguments.of("on-request", Action.PATCH_INSIDE, new Outcome(0, true)),
                Arguments.of("on-request", Action.PATCH_OUTSIDE, new Outcome(1, true)),
                Arguments.of("on-request", Action.SANDBOX_DENIED, new Outcome(0, false)),
                Arguments.of("on-request", Action.ESCALATION_REQUESTED, new Outcome(1, true)),
                Arguments.of("untrusted", Action.UNSAFE_COMMAND, new Outcome(1, true)),
                Arguments.of("never", Action.ESCALATION_REQUESTED, new Outcome(0, false)),
                Arguments.of("never", Action.SAFE_COMMAND, new Outcome(0, true)),
                Arguments.of("never", Action.UNSAFE_COMMAND, new Outcome(0, true)),
                Arguments.of("never", Action.PATCH_INSIDE, new Outcome(0, true)),
                Arguments.of("never", Action.PATCH_OUTSIDE, new Outcome(0, false)),
                Arguments.of("never", Action.SANDBOX_DENIED, new Outcome(0, false)));
    }

    private JsonObject callFor(Action action) {
        return switch (action) {
            case SAFE_COMMAND -> shellCall("c1", "cat", "README.md");
            case UNSAFE_COMMAND -> shellCall("c1", "bash", "-c", "echo made > unsafe.txt");
            case PATCH_INSIDE -> shellCall("c1", "apply_patch",
                    "*** Begin Patch\n*** Add File: inside.txt\n+inside\n*** End Patch\n");
            case PATCH_OUTSIDE -> shellCall("c1", "apply_patch",
                    "*** Begin Patch\n*** Add File: " + outside.resolve("patched.txt") + "\n+outside\n*** End Patch\n");
            case SANDBOX_DENIED -> shellCall("c1", "bash", "-c", "echo x > " + outside.resolve("denied.txt"));
            // today's Codex vocabulary: the model asks for this one command to leave the sandbox
            case ESCALATION_REQUESTED -> {
                JsonObject call = shellCall("c1", "bash", "-c", "echo x > " + outside.resolve("escalated.txt"));
                JsonObject args = new JsonObject(call.getString("arguments"))
                        .put("sandbox_permissions", "require_escalated").put("justification", "write outside the workspace");
                yield call.put("arguments", args.encode());
            }
        };
    }

    private boolean tookEffect(Action action, JsonObject modelSaw) throws Exception {
        return switch (action) {
            case SAFE_COMMAND -> modelSaw.getString("output").contains("hello");
            case UNSAFE_COMMAND -> Files.exists(work.resolve("unsafe.txt"));
            case PATCH_INSIDE -> Files.readString(work.resolve("inside.txt")).equals("inside\n");
            case PATCH_OUTSIDE -> Files.exists(outside.resolve("patched.txt"));
            case SANDBOX_DENIED -> Files.exists(outside.resolve("denied.txt"));
            case ESCALATION_REQUESTED -> Files.exists(outside.resolve("escalated.txt"));
        };
    }

    private static List<JsonObject> functionOutputs(JsonObject request) {
        List<JsonObject> out = new ArrayList<>();
        for (Object o : request.getJsonArray("input")) {
            JsonObject item = (JsonObject) o;
            if ("function_call_output".equals(item.getString("type"))) {
                out.add(new JsonObject(item.getString("output")));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} × {1} → {2}")
    @MethodSource("matrix")
    void policyDecidesWhetherToAskAndWhatRuns(String policy, Action action, Outcome expected) throws Exception {
        try (var server = new FakeModelServer(List.of(sse(toolCalls("r1", List.of(callFor(action)))),
                sse(textResponse("r2", "done"))))) {
            AtomicInteger asked = new AtomicInteger();
            List<Event> events = codex.runTurn(InProcessCodex.config(server.baseUrl(), policy,
                    List.of("disk-full-read-access", "disk-write-cwd"), work.toString()), "do it", msg -> {
                        asked.incrementAndGet();
                        return "approved";
                    });
            assertTrue(events.get(events.size() - 1).msg() instanceof EventMsg.TaskComplete, events.toString());
            // the escalation parameters are offered to the model only under on-request, as in today's Codex
            JsonObject shellParams = server.requests().get(0).getJsonArray("tools").stream().map(JsonObject.class::cast)
                    .filter(t -> "shell".equals(t.getString("name"))).findFirst().orElseThrow()
                    .getJsonObject("parameters").getJsonObject("properties");
            assertEquals(policy.equals("on-request"), shellParams.containsKey("sandbox_permissions"), shellParams.encode());
            if (action == Action.ESCALATION_REQUESTED && policy.equals("on-request")) {
                String reason = events.stream().map(Event::msg).filter(EventMsg.ExecApprovalRequest.class::isInstance)
                        .map(m -> ((EventMsg.ExecApprovalRequest) m).reason()).findFirst().orElseThrow();
                assertTrue(reason.contains("write outside the workspace") && reason.contains("outside the sandbox"), reason);
            }
            JsonObject modelSaw = functionOutputs(server.requests().get(1)).get(0);
            assertEquals(expected, new Outcome(asked.get(), tookEffect(action, modelSaw)),
                    "model was told: " + modelSaw.encode());
            if (!expected.tookEffect()) {
                assertTrue(modelSaw.getJsonObject("metadata").getInteger("exit_code") != 0,
                        "the model is told it failed: " + modelSaw.encode());
            }
        }
    }

    @Test
    void deniedCommandIsNotRunAndTheModelIsTold() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo x > denied-by-user.txt")))),
                sse(textResponse("r2", "ok"))))) {
            codex.runTurn(InProcessCodex.config(server.baseUrl(), "unless-allow-listed",
                    List.of("disk-full-read-access", "disk-write-cwd"), work.toString()), "go", msg -> "denied");
            assertFalse(Files.exists(work.resolve("denied-by-user.txt")));
            String told = server.requests().get(1).encode();
            assertTrue(told.contains("rejected by user"), told);
        }
    }

    @Test
    void abortEndsTheTurnWithoutRunning() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo x > aborted.txt")))),
                sse(textResponse("r2", "never sent"))))) {
            List<Event> events = codex.runTurn(InProcessCodex.config(server.baseUrl(), "auto-edit",
                    List.of("disk-full-read-access", "disk-write-cwd"), work.toString()), "go", msg -> "abort");
            assertFalse(Files.exists(work.resolve("aborted.txt")));
            EventMsg last = events.get(events.size() - 1).msg();
            assertEquals(new EventMsg.TurnAborted("aborted_by_user"), last);
            assertEquals(1, server.requests().size(), "the model is not asked again after an abort");
        }
    }

    @Test
    void approvedForSessionIsNotAskedAgainForTheSameCommand() throws Exception {
        JsonObject call = shellCall("c1", "bash", "-c", "echo x >> twice.txt");
        JsonObject again = shellCall("c2", "bash", "-c", "echo x >> twice.txt");
        try (var server = new FakeModelServer(List.of(sse(toolCalls("r1", List.of(call))),
                sse(toolCalls("r2", List.of(again))), sse(textResponse("r3", "ok"))))) {
            AtomicInteger asked = new AtomicInteger();
            List<Event> events = codex.runTurn(InProcessCodex.config(server.baseUrl(), "unless-allow-listed",
                    List.of("disk-full-read-access", "disk-write-cwd"), work.toString()), "go", msg -> {
                        asked.incrementAndGet();
                        return "approved_for_session";
                    });
            assertEquals(1, asked.get());
            assertEquals("x\nx\n", Files.readString(work.resolve("twice.txt")));
            long unsandboxed = events.stream().filter(e -> e.msg() instanceof EventMsg.ExecCommandBegin b && !b.sandboxed())
                    .count();
            assertEquals(2, unsandboxed, "user-approved commands run outside the sandbox, and events say so");
        }
    }

    @Test
    void patchApprovalRequestCarriesThePerFileChanges() throws Exception {
        Files.writeString(work.resolve("a.txt"), "one\ntwo\n");
        String patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n*** End Patch\n";
        try (var server = new FakeModelServer(List.of(sse(toolCalls("r1", List.of(shellCall("p", "apply_patch", patch)))),
                sse(textResponse("r2", "ok"))))) {
            List<EventMsg> requests = new ArrayList<>();
            List<Event> events = codex.runTurn(InProcessCodex.config(server.baseUrl(), "unless-allow-listed",
                    List.of("disk-full-read-access", "disk-write-cwd"), work.toString()), "edit", msg -> {
                        requests.add(msg);
                        return "approved";
                    });
            var request = (EventMsg.ApplyPatchApprovalRequest) requests.get(0);
            EventMsg.FileChange change = request.changes().get(work.resolve("a.txt").toString());
            assertEquals("update", change.kind());
            assertTrue(change.unifiedDiff().contains("-two\n+TWO"), change.unifiedDiff());
            assertEquals("one\nTWO\n", Files.readString(work.resolve("a.txt")));
            assertTrue(events.stream().anyMatch(e -> e.msg() instanceof EventMsg.PatchApplyEnd end && end.success()));
        }
    }

    @Test
    void badPatchNamesTheLineAndChangesNothing() throws Exception {
        Files.writeString(work.resolve("b.txt"), "alpha\n");
        String patch = "*** Begin Patch\n*** Update File: b.txt\n@@\n-gamma\n+delta\n*** End Patch\n";
        try (var server = new FakeModelServer(List.of(sse(toolCalls("r1", List.of(shellCall("p", "apply_patch", patch)))),
                sse(textResponse("r2", "ok"))))) {
            codex.runTurn(InProcessCodex.config(server.baseUrl(), "never",
                    List.of("disk-full-read-access", "disk-write-cwd"), work.toString()), "edit", msg -> "approved");
            assertEquals("alpha\n", Files.readString(work.resolve("b.txt")));
            JsonObject told = functionOutputs(server.requests().get(1)).get(0);
            assertTrue(told.getString("output").contains("b.txt"), told.encode());
            assertTrue(told.getString("output").contains("gamma"), told.encode());
        }
    }

    @Test
    void patchIntoGitMetadataIsNotAutoAppliedEvenInsideTheWorkspace() throws Exception {
        Files.createDirectories(work.resolve(".git/hooks"));
        String patch = "*** Begin Patch\n*** Add File: .git/hooks/pre-commit\n+#!/bin/sh\n+curl evil\n*** End Patch\n";
        try (var server = new FakeModelServer(List.of(sse(toolCalls("r1", List.of(shellCall("p", "apply_patch", patch)))),
                sse(textResponse("r2", "ok"))))) {
            AtomicInteger asked = new AtomicInteger();
            codex.runTurn(InProcessCodex.config(server.baseUrl(), "auto-edit",
                    List.of("disk-full-read-access", "disk-write-cwd"), work.toString()), "edit", msg -> {
                        asked.incrementAndGet();
                        return "denied";
                    });
            assertEquals(1, asked.get(), "auto-edit asks before touching .git");
            assertFalse(Files.exists(work.resolve(".git/hooks/pre-commit")));
        }
    }
}
