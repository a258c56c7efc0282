package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static codex.cli.ServeProcess.assertError;
import static codex.cli.ServeProcess.await;
import static codex.cli.ServeProcess.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approvals inbox over real HTTP with a scripted model: server-made approval ids, listing the
 * caller's pending requests, answering from any client (200, 409, 404, 400), a late answer to an
 * earlier turn's call_0 that must not approve the new one, and the approval timeout.
 */
class ApprovalsInboxTest {
    static final String ALICE = "alice-token-0123456789";
    static final String BOB = "bob-token-0123456789ab";

    @TempDir
    Path tmp;

    private ServeProcess serve(FakeModelServer model, String extraGateway) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("config.toml"), """
                [gateway]
                %s
                [[gateway.tokens]]
                name = "alice"
                token = "%s"
                [[gateway.tokens]]
                name = "bob"
                token = "%s"
                """.formatted(extraGateway, ALICE, BOB));
        return ServeProcess.start(home, model, Map.of());
    }

    private static JsonObject sessionBody(Path work) {
        return new JsonObject().put("cwd", work.toString()).put("approval_policy", "unless-allow-listed")
                .put("sandbox_permissions", new JsonArray().add("disk-full-read-access").add("disk-write-cwd"));
    }

    private static JsonObject approval(String callId, String approvalId, String decision) {
        JsonObject op = new JsonObject().put("type", "exec_approval").put("call_id", callId).put("decision", decision);
        if (approvalId != null) {
            op.put("approval_id", approvalId);
        }
        return new JsonObject().put("id", "a-" + decision).put("op", op);
    }

    private static JsonArray pending(ServeProcess serve, String token) throws Exception {
        HttpResponse<String> r = serve.get("/approvals", token);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body()).getJsonArray("approvals");
    }

    private static boolean lists(JsonArray approvals, String approvalId) {
        return approvals.stream().anyMatch(a -> approvalId.equals(((JsonObject) a).getString("approval_id")));
    }

    @Test
    void answeredByIdFromAnyClientAndALateAnswerApprovesNothing() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("call_0", "bash", "-c", "echo one > one.txt")))),
                sse(textResponse("r2", "first done")),
                sse(toolCalls("r3", List.of(shellCall("call_0", "bash", "-c", "echo two > two.txt")))),
                sse(textResponse("r4", "second done"))));
             ServeProcess serve = serve(model, "")) {
            String id = serve.createSession(ALICE, sessionBody(work));
            BlockingQueue<JsonObject> events = serve.follow(id, ALICE, null);
            List<JsonObject> seen = new ArrayList<>();
            await(events, type("session_configured"), seen);
            assertEquals(202, serve.post("/sessions/" + id + "/submissions", ServeProcess.userInput("s1", "first"), ALICE)
                    .statusCode());
            JsonObject ask = await(events, type("exec_approval_request"), seen).getJsonObject("msg");
            String first = ask.getString("approval_id");
            assertTrue(first != null && first.startsWith("apr_"), ask.encode());

            JsonArray alices = pending(serve, ALICE);
            assertTrue(lists(alices, first), alices.encode());
            JsonObject listed = alices.getJsonObject(0);
            assertEquals(id, listed.getString("session_id"));
            assertEquals("exec", listed.getString("kind"));
            assertEquals("call_0", listed.getString("call_id"));
            assertTrue(listed.getJsonArray("command").encode().contains("echo one"), listed.encode());
            assertTrue(listed.getString("requested_at").endsWith("Z"), listed.encode());
            assertFalse(lists(pending(serve, BOB), first), "bob does not see alice's requests");
            assertError(serve.post("/approvals/" + first, new JsonObject().put("decision", "approved"), BOB), 404);
            assertError(serve.post("/approvals/" + first, new JsonObject().put("decision", "maybe"), ALICE), 400);
            assertError(serve.post("/approvals/apr_no-such-approval", new JsonObject().put("decision", "approved"), ALICE), 404);

            HttpResponse<String> ok = serve.post("/approvals/" + first, new JsonObject().put("decision", "approved"), ALICE);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("alice", new JsonObject(ok.body()).getJsonObject("approval").getString("decided_by"));
            assertError(serve.post("/approvals/" + first, new JsonObject().put("decision", "denied"), ALICE), 409);
            JsonObject resolved = await(events, type("approval_resolved"), seen).getJsonObject("msg");
            assertEquals(first, resolved.getString("approval_id"));
            assertEquals("approved", resolved.getString("decision"));
            assertEquals("alice", resolved.getString("decided_by"));
            await(events, type("task_complete"), seen);
            assertEquals("one\n", Files.readString(work.resolve("one.txt")));

            // the next turn asks again with the same call id; only a new approval id answers it
            assertEquals(202, serve.post("/sessions/" + id + "/submissions", ServeProcess.userInput("s2", "second"), ALICE)
                    .statusCode());
            JsonObject again = await(events, type("exec_approval_request"), seen).getJsonObject("msg");
            assertEquals("call_0", again.getString("call_id"));
            String second = again.getString("approval_id");
            assertNotEquals(first, second);
            String submissions = "/sessions/" + id + "/submissions";
            assertError(serve.post("/approvals/" + first, new JsonObject().put("decision", "approved"), ALICE), 409);
            assertError(serve.post(submissions, approval("call_0", first, "approved"), ALICE), 409);
            JsonObject noId = assertError(serve.post(submissions, approval("call_0", null, "approved"), ALICE), 400);
            assertTrue(noId.getString("message").contains("approval_id"), noId.encode());
            Thread.sleep(300);
            assertFalse(Files.exists(work.resolve("two.txt")), "a late answer approved nothing");
            assertTrue(lists(pending(serve, ALICE), second), "still waiting");

            // the submission op answers by the same ids
            assertEquals(202, serve.post(submissions, approval("call_0", second, "denied"), ALICE).statusCode());
            assertError(serve.post(submissions, approval("call_0", second, "approved"), ALICE), 409);
            JsonObject denied = await(events, e -> type("approval_resolved").test(e)
                    && second.equals(e.getJsonObject("msg").getString("approval_id")), seen).getJsonObject("msg");
            assertEquals("denied", denied.getString("decision"));
            assertEquals("alice", denied.getString("decided_by"));
            await(events, type("task_complete"), seen);
            assertFalse(Files.exists(work.resolve("two.txt")));
            assertTrue(pending(serve, ALICE).isEmpty());

            // the audit, from the session's durable log
            assertError(serve.get("/sessions/" + id + "/audit", BOB), 404);
            JsonArray entries = new JsonArray();
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                HttpResponse<String> audit = serve.get("/sessions/" + id + "/audit", ALICE);
                assertEquals(200, audit.statusCode(), audit.body());
                entries = new JsonObject(audit.body()).getJsonArray("entries");
                if (entries.size() == 2 && entries.getJsonObject(1).containsKey("decision")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(2, entries.size(), entries.encodePrettily());
            JsonObject ran = entries.getJsonObject(0);
            assertEquals("exec", ran.getString("kind"));
            assertTrue(ran.getJsonArray("command").encode().contains("echo one"), ran.encode());
            assertEquals(work.toRealPath().toString(), ran.getString("cwd"));
            assertEquals("unsandboxed, approved by alice", ran.getString("permissions"));
            assertEquals("approved", ran.getString("decision"));
            assertEquals("alice", ran.getString("decided_by"));
            assertEquals(first, ran.getString("approval_id"));
            assertEquals(0, ran.getInteger("exit_code"));
            assertTrue(ran.getLong("duration_ms") >= 0 && ran.getString("started_at") != null
                    && ran.getString("ended_at") != null && ran.getString("approval_requested_at") != null, ran.encode());
            JsonObject refused = entries.getJsonObject(1);
            assertEquals(second, refused.getString("approval_id"));
            assertEquals("denied", refused.getString("decision"));
            assertEquals("alice", refused.getString("decided_by"));
            assertFalse(refused.getBoolean("ran"));
            assertFalse(refused.containsKey("exit_code"));

            String log = serve.log();
            assertFalse(log.contains(ALICE) || log.contains(BOB), "no token in the log");
            assertTrue(log.contains("approval " + first + " approved by alice"), log);
        }
    }

    @Test
    void aRequestNobodyAnswersIsDeniedAfterTheTimeoutAndTheEventSaysSo() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("call_0", "bash", "-c", "echo late > late.txt")))),
                sse(textResponse("r2", "ok, not run"))));
             ServeProcess serve = serve(model, "approval_timeout_seconds = 1")) {
            String id = serve.createSession(ALICE, sessionBody(work));
            BlockingQueue<JsonObject> events = serve.follow(id, ALICE, null);
            List<JsonObject> seen = new ArrayList<>();
            await(events, type("session_configured"), seen);
            serve.post("/sessions/" + id + "/submissions", ServeProcess.userInput("s1", "go"), ALICE);
            String approvalId = await(events, type("exec_approval_request"), seen).getJsonObject("msg").getString("approval_id");
            JsonObject resolved = await(events, type("approval_resolved"), seen).getJsonObject("msg");
            assertEquals(approvalId, resolved.getString("approval_id"));
            assertEquals("denied", resolved.getString("decision"));
            assertTrue(resolved.getString("reason").contains("approval_timeout_seconds"), resolved.encode());
            await(events, type("task_complete"), seen);
            assertFalse(Files.exists(work.resolve("late.txt")));
            assertError(serve.post("/approvals/" + approvalId, new JsonObject().put("decision", "approved"), ALICE), 409);
        }
    }
}
