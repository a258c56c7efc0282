package codex.cli;

import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.ServeProcess.await;
import static codex.cli.ServeProcess.type;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No notifier runs while a turn completes; one that joins the cluster afterwards runs the notify
 * program for that turn (the agent re-sends it), once.
 */
class NotifierDownTest {
    static final String TOKEN = "notifier-token-0123456789";

    @TempDir
    Path tmp;

    @Test
    void aTurnCompletedWhileTheNotifierWasDownIsNotifiedWhenItComesBack() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path notified = tmp.resolve("notified.jsonl");
        Path notifierHome = Files.createDirectories(tmp.resolve("home-notifier"));
        Files.writeString(notifierHome.resolve("config.toml"),
                "notify = [\"bash\", \"-c\", \"printf '%s\\\\n' \\\"$1\\\" >> '" + notified + "'\", \"notify\"]\n");
        String cluster = "codex-test-" + UUID.randomUUID();
        try (var model = new FakeModelServer(List.of(sse(textResponse("r1", "done without you"))));
             var services = new ServiceProcesses(tmp, cluster)) {
            services.start("agents", Map.of("CODEX_HOME", tmp.resolve("home-agents").toString(),
                    "OPENAI_API_KEY", "k", "OPENAI_BASE_URL", model.baseUrl()), "sandbox", "agent");
            try (ServeProcess serve = ServeProcess.start(tmp.resolve("home-gateway"), model,
                    Map.of("CODEX_SERVE_TOKEN", TOKEN), "--cluster", "--cluster-name", cluster, "--services", "gateway")) {
                String id = serve.createSession(TOKEN, new JsonObject().put("cwd", work.toString())
                        .put("approval_policy", "never").put("sandbox_permissions", new JsonArray().add("disk-full-read-access")));
                var events = serve.follow(id, TOKEN, null);
                List<JsonObject> seen = new ArrayList<>();
                await(events, type("session_configured"), seen);
                assertEquals(202, serve.post("/sessions/" + id + "/submissions",
                        ServeProcess.userInput("s1", "notify me"), TOKEN).statusCode());
                String turnId = await(events, type("task_complete"), seen).getString("turn_id");
                Thread.sleep(1_000);
                assertEquals(false, Files.exists(notified), "no notifier is running yet");

                services.start("notifier", Map.of("CODEX_HOME", notifierHome.toString()), "notifier");
                long deadline = System.currentTimeMillis() + 20_000;
                while (!Files.exists(notified) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(LONGEST_REDELIVERY_WAIT_MS + 500); // a second delivery would have come by now
                List<String> lines = Files.readAllLines(notified);
                assertEquals(1, lines.size(), "notified once: " + lines);
                JsonObject payload = new JsonObject(lines.get(0));
                assertEquals("agent-turn-complete", payload.getString("type"));
                assertEquals(id, payload.getString("thread-id"));
                assertEquals(turnId, payload.getString("turn-id"));
                assertEquals("done without you", payload.getString("last-assistant-message"));
                assertEquals(List.of("notify me"), payload.getJsonArray("input-messages").getList());
            }
        }
    }

    /** Redelivery's longest wait between attempts (agent-service, package-private there). */
    private static final long LONGEST_REDELIVERY_WAIT_MS = 5_000;
}
