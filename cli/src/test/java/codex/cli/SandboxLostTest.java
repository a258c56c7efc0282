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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox process killed -9 in the middle of a command, with the agent and the gateway in
 * other processes: the command and its children die with it (no orphan writes its file later),
 * the agent tells the model "sandbox lost" within seconds and the turn goes on; a restarted
 * sandbox runs the next command. (An interrupt while the sandbox does not answer at all:
 * agent-service's EventBusSandboxTest; a SIGSTOPped sandbox JVM here would also stall the
 * cluster's shared data, whose partitions it holds.)
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SandboxLostTest {
    static final String TOKEN = "sandbox-lost-token-0123456789";

    @TempDir
    Path tmp;
    CodexProcesses codex;

    @BeforeEach
    void setUp() {
        codex = new CodexProcesses(tmp);
    }

    @AfterEach
    void stopAll() throws Exception {
        codex.close();
    }

    private Process sandbox(String cluster, String name) throws Exception {
        CodexProcesses.Started s = codex.start(Map.of("CODEX_HOME", tmp.resolve("home-sandbox").toString()), name,
                "service", "--cluster-name", cluster, "sandbox");
        assertTrue(s.line().contains("joined cluster"), s.line());
        return s.process();
    }

    private static JsonObject input(String id, String text) {
        return new JsonObject().put("id", id).put("op", new JsonObject().put("type", "user_input")
                .put("items", new JsonArray().add(new JsonObject().put("type", "text").put("text", text))));
    }

    private String logs() throws java.io.IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(tmp)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".err")).toList()) {
                String text = Files.readString(f);
                out.append("\n--- ").append(f.getFileName()).append(":\n")
                        .append(text.substring(Math.max(0, text.length() - 3000)));
            }
        }
        return out.toString();
    }

    /** Alive and not a zombie (a reparented child may wait for a reaper that never comes). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aSandboxKilledMidCommandFailsTheCallWithinSecondsLeavesNoOrphanAndARestartedOneRunsTheNext()
            throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "sh", "-c", "echo $$ > pids; sleep 30 & echo $! >> pids;"
                        + " (sleep 3; echo late > late.txt) & echo $! >> pids; wait")))),
                sse(textResponse("r2", "the sandbox was lost; going on")),
                sse(toolCalls("r3", List.of(shellCall("c2", "sh", "-c", "echo again > again.txt; echo ran again")))),
                sse(textResponse("r4", "the restarted sandbox ran it"))))) {
            String cluster = "codex-sandbox-lost-" + UUID.randomUUID();
            Process sandbox = sandbox(cluster, "sandbox-1");
            String agentLine = codex.start(Map.of("CODEX_HOME", tmp.resolve("home-agent").toString(), "OPENAI_API_KEY", "k",
                    "OPENAI_BASE_URL", model.baseUrl()), "agent", "service", "--cluster-name", cluster, "agent",
                    "notifier").line();
            assertTrue(agentLine.contains("joined cluster"), agentLine);
            String serveLine = codex.start(Map.of("CODEX_HOME", tmp.resolve("home-gateway").toString(),
                            "CODEX_SERVE_TOKEN", TOKEN, "OPENAI_API_KEY", "k", "OPENAI_BASE_URL", model.baseUrl()), "serve",
                    "serve", "--port", "0", "--cluster", "--cluster-name", cluster, "--services", "gateway").line();
            String base = serveLine.substring(serveLine.indexOf("http://"), serveLine.indexOf("/api/v1") + 7);
            HttpResponse<String> created = ApiCalls.post(base + "/sessions", new JsonObject().put("cwd", work.toString())
                    .put("approval_policy", "never").put("sandbox_permissions",
                            List.of("disk-full-read-access", "disk-write-cwd")), TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            String id = new JsonObject(created.body()).getString("session_id");
            BlockingQueue<JsonObject> events = ApiCalls.follow(base + "/sessions/" + id + "/events", TOKEN);
            List<JsonObject> seen = new ArrayList<>();

            // 1. killed -9 mid-command
            assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", input("s1", "run it"), TOKEN)
                    .statusCode());
            ApiCalls.await(events, "exec_command_begin", seen);
            long deadline = System.currentTimeMillis() + 30_000;
            Path pidsFile = work.resolve("pids");
            while (!Files.exists(pidsFile) || Files.readAllLines(pidsFile).size() < 3) {
                assertTrue(System.currentTimeMillis() < deadline, "the command never got going: " + seen + logs());
                Thread.sleep(20);
            }
            List<Long> pids = Files.readAllLines(pidsFile).stream().map(s -> Long.parseLong(s.trim())).toList();
            long killedAt = System.currentTimeMillis();
            sandbox.destroyForcibly();
            assertTrue(sandbox.waitFor(10, TimeUnit.SECONDS));

            JsonObject end = ApiCalls.await(events, "exec_command_end", seen).getJsonObject("msg");
            long failedMs = System.currentTimeMillis() - killedAt;
            assertEquals("c1", end.getString("call_id"));
            assertEquals(-1, end.getInteger("exit_code"));
            assertTrue(end.getString("stderr").startsWith("sandbox lost while running the command; it was stopped"),
                    end.encode());
            assertTrue(failedMs < 15_000, "the loss took " + failedMs + " ms to tell");
            assertEquals("the sandbox was lost; going on", ApiCalls.await(events, "task_complete", seen)
                    .getJsonObject("msg").getString("last_agent_message"));
            String told = model.requests().get(1).encode();
            assertTrue(told.contains("sandbox lost while running the command; it was stopped"),
                    "the model saw the failure: " + told);
            for (long pid : pids) {
                assertFalse(alive(pid), "process " + pid + " of the command outlived its sandbox");
            }
            Thread.sleep(Math.max(0, 4_500 - (System.currentTimeMillis() - killedAt)));
            assertFalse(Files.exists(work.resolve("late.txt")), "a child of the command wrote its file after the kill");

            // 2. a restarted sandbox runs the next command
            long restartAt = System.currentTimeMillis();
            Process second = sandbox(cluster, "sandbox-2");
            long restartMs = System.currentTimeMillis() - restartAt;
            assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", input("s2", "again"), TOKEN)
                    .statusCode());
            JsonObject again = ApiCalls.await(events, "exec_command_end", seen).getJsonObject("msg");
            assertEquals("c2", again.getString("call_id"));
            assertEquals(0, again.getInteger("exit_code"), again.encode());
            assertEquals("ran again\n", again.getString("stdout"));
            assertTrue(Files.exists(work.resolve("again.txt")));
            assertEquals("the restarted sandbox ran it", ApiCalls.await(events, "task_complete", seen)
                    .getJsonObject("msg").getString("last_agent_message"));

            System.out.println("sandbox killed -9 mid-command: exec_command_end (sandbox lost) after " + failedMs
                    + " ms; restarted sandbox joined in " + restartMs + " ms");
        }
    }
}
