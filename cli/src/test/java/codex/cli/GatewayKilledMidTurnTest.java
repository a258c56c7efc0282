package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
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
import java.util.concurrent.BlockingQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway (`codex serve --services gateway`) is killed -9 in the middle of a turn while the
 * agents run on in their own clustered process; the turn finishes while no gateway is up. The
 * restarted gateway has seen none of the session, yet a client that follows it from the start
 * gets every event exactly once and in order, from the session's durable log.
 */
class GatewayKilledMidTurnTest {
    static final String TOKEN = "killed-token-0123456789";

    @TempDir
    Path tmp;

    @Test
    void aRestartedGatewayReplaysTheWholeTurnWithNoGap() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        String cluster = "codex-test-" + UUID.randomUUID();
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("call_0", "bash", "-c", "sleep 2; echo slow-done")))),
                sse(textResponse("r2", "finished while you were away"))))) {
            try (var services = new ServiceProcesses(tmp, cluster)) {
                services.startAgents(model);
                try (ServeProcess serve = ServeProcess.start(tmp.resolve("home-gateway"), model,
                        Map.of("CODEX_SERVE_TOKEN", TOKEN), "--cluster", "--cluster-name", cluster, "--services", "gateway")) {
                    String id = serve.createSession(TOKEN, new JsonObject().put("cwd", work.toString())
                            .put("approval_policy", "never")
                            .put("sandbox_permissions", new JsonArray().add("disk-full-read-access").add("disk-write-cwd")));
                    BlockingQueue<JsonObject> events = serve.follow(id, TOKEN, null);
                    List<JsonObject> seen = new ArrayList<>();
                    await(events, type("session_configured"), seen);
                    assertEquals(202, serve.post("/sessions/" + id + "/submissions",
                            ServeProcess.userInput("s1", "take your time"), TOKEN).statusCode());
                    await(events, type("exec_command_begin"), seen);

                    serve.killAndRestart(); // the command, the model's answer and task_complete happen meanwhile

                    List<JsonObject> replayed = new ArrayList<>();
                    await(serve.follow(id, TOKEN, null), type("task_complete"), replayed);
                    List<Long> seqs = replayed.stream().map(e -> e.getLong("seq")).toList();
                    assertEquals(LongStream.rangeClosed(1, seqs.size()).boxed().toList(), seqs,
                            "every event from the first, once each, in order: " + replayed);
                    JsonObject end = replayed.stream().filter(type("exec_command_end")).findFirst().orElseThrow();
                    assertEquals("slow-done\n", end.getJsonObject("msg").getString("stdout"), end.encode());
                    for (int i = 0; i < seen.size(); i++) {
                        assertEquals(seen.get(i).getLong("seq"), replayed.get(i).getLong("seq"));
                        assertEquals(seen.get(i).getJsonObject("msg"), replayed.get(i).getJsonObject("msg"),
                                "the replay is what the first gateway delivered");
                    }
                }
            }
        }
    }
}
