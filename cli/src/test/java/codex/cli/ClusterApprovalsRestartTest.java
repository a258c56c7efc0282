package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static codex.cli.ServeProcess.await;
import static codex.cli.ServeProcess.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents run on in their own clustered process while the gateway (`codex serve --services
 * gateway`) restarts: a request that was waiting is listed again by the new gateway, and answering
 * it there runs the command.
 */
class ClusterApprovalsRestartTest {
    static final String TOKEN = "restart-token-0123456789";

    @TempDir
    Path tmp;

    @Test
    void pendingApprovalsAreListedAgainAfterTheGatewayRestarts() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        String cluster = "codex-test-" + UUID.randomUUID();
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("call_0", "bash", "-c", "echo after-restart > made.txt")))),
                sse(textResponse("r2", "made it"))))) {
            try (var services = new ServiceProcesses(tmp, cluster)) {
                services.startAgents(model);
                try (ServeProcess serve = ServeProcess.start(tmp.resolve("home-gateway"), model,
                        Map.of("CODEX_SERVE_TOKEN", TOKEN), "--cluster", "--cluster-name", cluster, "--services", "gateway")) {
                    String id = serve.createSession(TOKEN, new JsonObject().put("cwd", work.toString())
                            .put("approval_policy", "unless-allow-listed")
                            .put("sandbox_permissions", new JsonArray().add("disk-full-read-access").add("disk-write-cwd")));
                    BlockingQueue<JsonObject> events = serve.follow(id, TOKEN, null);
                    List<JsonObject> seen = new ArrayList<>();
                    await(events, type("session_configured"), seen);
                    assertEquals(202, serve.post("/sessions/" + id + "/submissions",
                            ServeProcess.userInput("s1", "make it"), TOKEN).statusCode());
                    String approvalId = await(events, type("exec_approval_request"), seen).getJsonObject("msg")
                            .getString("approval_id");

                    serve.restart();
                    JsonArray listed = new JsonArray();
                    long deadline = System.currentTimeMillis() + 20_000;
                    while (System.currentTimeMillis() < deadline && listed.isEmpty()) {
                        HttpResponse<String> r = serve.get("/approvals", TOKEN);
                        assertEquals(200, r.statusCode(), r.body());
                        listed = new JsonObject(r.body()).getJsonArray("approvals");
                        Thread.sleep(200);
                    }
                    assertEquals(1, listed.size(), listed.encode());
                    assertEquals(approvalId, listed.getJsonObject(0).getString("approval_id"));
                    assertEquals(id, listed.getJsonObject(0).getString("session_id"));

                    BlockingQueue<JsonObject> after = serve.follow(id, TOKEN, null);
                    HttpResponse<String> answered = serve.post("/approvals/" + approvalId,
                            new JsonObject().put("decision", "approved"), TOKEN);
                    assertEquals(200, answered.statusCode(), answered.body());
                    await(after, type("task_complete"), seen);
                    assertEquals("after-restart\n", Files.readString(work.resolve("made.txt")));
                }
            }
        }
    }
}
