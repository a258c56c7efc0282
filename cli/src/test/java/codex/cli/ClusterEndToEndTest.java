package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same services across processes: the sandbox and notifier in one clustered JVM, the agent,
 * gateway and HTTP API in another. Commands must run in the sandbox process, their output must
 * stream back, and an interrupt must reach across to kill a running command.
 */
class ClusterEndToEndTest {
    static final String TOKEN = "cluster-token-0123456789";

    @TempDir
    Path tmp;
    private static JsonObject input(String id, String text) {
        return new JsonObject().put("id", id).put("op", new JsonObject().put("type", "user_input")
                .put("items", new JsonArray().add(new JsonObject().put("type", "text").put("text", text))));
    }

    @Test
    void commandsRunInTheSandboxProcessAndInterruptsReachAcross() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        JsonObject slow = new JsonObject().put("type", "function_call").put("call_id", "slow").put("name", "shell")
                .put("arguments", new JsonObject().put("command", new JsonArray().add("bash").add("-c")
                        .add("echo $$ > slow.pid; sleep 60")).put("timeout", 120_000).encode());
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo $PPID > ppid.txt; echo streamed-output")))),
                sse(textResponse("r2", "done across processes")),
                sse(toolCalls("r3", List.of(slow))),
                sse(textResponse("r4", "never"))))) {
            String cluster = "codex-test-" + UUID.randomUUID();
            try (var services = new ServiceProcesses(tmp, cluster)) {
                long sandboxPid = services.start("sandbox", Map.of("CODEX_HOME", tmp.resolve("home-a").toString()),
                        "sandbox", "notifier").pid();
                try (ServeProcess serve = ServeProcess.start(tmp.resolve("home-b"), model, Map.of("CODEX_SERVE_TOKEN", TOKEN),
                        "--cluster", "--cluster-name", cluster, "--services", "agent,gateway")) {
                    String base = serve.base;

                    HttpResponse<String> created = ApiCalls.post(base + "/sessions", new JsonObject().put("cwd", work.toString())
                            .put("approval_policy", "never").put("sandbox_permissions", List.of("disk-full-read-access", "disk-write-cwd")), TOKEN);
                    assertEquals(201, created.statusCode(), created.body());
                    String id = new JsonObject(created.body()).getString("session_id");
                    BlockingQueue<JsonObject> events = ApiCalls.follow(base + "/sessions/" + id + "/events", TOKEN);
                    List<JsonObject> seen = new ArrayList<>();

                    assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", input("s1", "run it"), TOKEN).statusCode());
                    ApiCalls.await(events, "task_complete", seen);
                    assertEquals(String.valueOf(sandboxPid), Files.readString(work.resolve("ppid.txt")).strip(),
                            "the command was spawned by the sandbox process");
                    assertTrue(seen.stream().anyMatch(e -> "exec_command_output_delta".equals(e.getJsonObject("msg").getString("type"))
                            && e.getJsonObject("msg").getString("chunk").contains("streamed-output")), seen.toString());
                    String told = model.requests().get(1).encode();
                    assertTrue(told.contains("streamed-output"), told);

                    assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", input("s2", "now wait"), TOKEN).statusCode());
                    ApiCalls.await(events, "exec_command_begin", seen);
                    Path pidFile = work.resolve("slow.pid");
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
                        assertTrue(System.currentTimeMillis() < deadline, "the slow command never started");
                        Thread.sleep(50);
                    }
                    long slowPid = Long.parseLong(Files.readString(pidFile).strip());
                    assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", new JsonObject().put("id", "s3")
                            .put("op", new JsonObject().put("type", "interrupt")), TOKEN).statusCode());
                    JsonObject aborted = ApiCalls.await(events, "turn_aborted", seen);
                    assertEquals("interrupted", aborted.getJsonObject("msg").getString("reason"));
                    Thread.sleep(300);
                    assertFalse(ProcessHandle.of(slowPid).map(ProcessHandle::isAlive).orElse(false),
                            "the interrupt crossed to the sandbox process and killed the command");
                }
            }
        }
    }
}
