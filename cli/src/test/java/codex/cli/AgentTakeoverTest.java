package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session ownership across agent processes, with real kill -9: the owning agent dies in the middle
 * of a command and a second agent takes the session over from its log and finishes the turn; the
 * only agent dies and a restarted one picks the session up. The gateway routes by the owners map.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AgentTakeoverTest {
    static final String TOKEN = "takeover-token-0123456789";

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

    private CodexProcesses.Started agent(String cluster, FakeModelServer model, String name) throws Exception {
        CodexProcesses.Started a = codex.start(Map.of("CODEX_HOME", tmp.resolve("home-" + name).toString(), "OPENAI_API_KEY", "k",
                "OPENAI_BASE_URL", model.baseUrl()), name, "service", "--cluster-name", cluster, "agent");
        assertTrue(a.line().contains("joined cluster"), a.line());
        return a;
    }

    private static JsonObject input(String id, String text) {
        return new JsonObject().put("id", id).put("op", new JsonObject().put("type", "user_input")
                .put("items", new JsonArray().add(new JsonObject().put("type", "text").put("text", text))));
    }

    private static JsonObject awaitText(BlockingQueue<JsonObject> events, String type, String contains,
                                        List<JsonObject> seen) throws InterruptedException {
        while (true) {
            JsonObject e = ApiCalls.await(events, type, seen);
            if (e.getJsonObject("msg").encode().contains(contains)) {
                return e;
            }
        }
    }

    /** A fresh subscriber replaying from the start: every seq once, in order, with no gap. */
    private static List<JsonObject> replayAll(String base, String id, String lastType) throws Exception {
        BlockingQueue<JsonObject> replay = ApiCalls.follow(base + "/sessions/" + id + "/events", TOKEN);
        List<JsonObject> all = new ArrayList<>();
        ApiCalls.await(replay, lastType, all);
        Thread.sleep(500);
        replay.drainTo(all);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).getLong("seq"), "seq " + (i + 1) + " exactly once: " + all);
        }
        return all;
    }

    @Test
    void theOwnerKilledMidCommandIsReplacedByTheOtherAgentWhichFinishesTheTurn() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c",
                        "echo started > started.txt; sleep 5; echo $$ >> ran.txt; echo finished")))),
                sse(textResponse("r2", "carried on by the other agent")),
                sse(textResponse("r3", "the next turn on the new owner"))))) {
            String cluster = "codex-takeover-" + UUID.randomUUID();
            assertTrue(codex.start(Map.of("CODEX_HOME", tmp.resolve("home-sandbox").toString()), "sandbox",
                    "service", "--cluster-name", cluster, "sandbox", "notifier").line().contains("joined cluster"));
            CodexProcesses.Started first = agent(cluster, model, "agent-1");
            String serveLine = codex.start(Map.of("CODEX_HOME", tmp.resolve("home-gateway").toString(),
                            "CODEX_SERVE_TOKEN", TOKEN, "OPENAI_API_KEY", "k", "OPENAI_BASE_URL", model.baseUrl()), "serve",
                    "serve", "--port", "0", "--cluster", "--cluster-name", cluster, "--services", "gateway").line();
            String base = serveLine.substring(serveLine.indexOf("http://"), serveLine.indexOf("/api/v1") + 7);
            HttpResponse<String> created = ApiCalls.post(base + "/sessions", new JsonObject().put("cwd", work.toString())
                    .put("approval_policy", "never").put("sandbox_permissions",
                            List.of("disk-full-read-access", "disk-write-cwd")), TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            String id = new JsonObject(created.body()).getString("session_id");
            agent(cluster, model, "agent-2"); // up before the fault, as a standby
            BlockingQueue<JsonObject> events = ApiCalls.follow(base + "/sessions/" + id + "/events", TOKEN);
            List<JsonObject> seen = new ArrayList<>();

            assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", input("s1", "run it"), TOKEN)
                    .statusCode());
            ApiCalls.await(events, "exec_command_begin", seen);
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.exists(work.resolve("started.txt"))) {
                assertTrue(System.currentTimeMillis() < deadline, "the command never started");
                Thread.sleep(20);
            }
            long killedAt = System.currentTimeMillis();
            first.process().destroyForcibly(); // kill -9 of the owner, mid-command
            first.process().waitFor(10, TimeUnit.SECONDS);

            awaitText(events, "background_event", "taken over", seen);
            long takeoverMs = System.currentTimeMillis() - killedAt;
            // the new owner attached to the command in the sandbox by its call id: its real end, once
            JsonObject end = ApiCalls.await(events, "exec_command_end", seen).getJsonObject("msg");
            assertEquals("c1", end.getString("call_id"));
            assertEquals(0, end.getInteger("exit_code"), end.encode());
            assertTrue(end.getString("stdout").contains("finished"), end.encode());
            assertEquals("carried on by the other agent",
                    ApiCalls.await(events, "task_complete", seen).getJsonObject("msg").getString("last_agent_message"));
            long completedMs = System.currentTimeMillis() - killedAt;
            String told = model.requests().get(1).encode();
            assertTrue(told.contains("finished"), "the model got the command's real output: " + told);
            Thread.sleep(2_500); // nothing runs it a second time meanwhile
            assertEquals(1, Files.readAllLines(work.resolve("ran.txt")).size(), "the command ran exactly once");

            // the gateway routes the next input to the new owner (no pinned dead address)
            assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", input("s2", "again"), TOKEN)
                    .statusCode());
            awaitText(events, "task_complete", "the next turn on the new owner", seen);

            List<JsonObject> all = replayAll(base, id, "task_complete");
            assertEquals(1, all.stream().filter(e -> "exec_command_end".equals(e.getJsonObject("msg").getString("type")))
                    .count(), "one end for the one run: " + all);
            assertEquals(2, all.stream().filter(e -> "task_complete".equals(e.getJsonObject("msg").getString("type")))
                    .count(), "both turns completed, each once: " + all);
            System.out.println("owner agent killed -9 mid-command: taken over after " + takeoverMs
                    + " ms, turn completed " + completedMs + " ms after the kill");
        }
    }

    @Test
    void theOnlyAgentKilledAndStartedAgainPicksTheSessionUp() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (var model = new FakeModelServer(List.of(
                sse(textResponse("r1", "first turn")),
                sse(textResponse("r2", "answered by the restarted agent"))))) {
            String cluster = "codex-restart-" + UUID.randomUUID();
            assertTrue(codex.start(Map.of("CODEX_HOME", tmp.resolve("home-sandbox").toString()), "sandbox",
                    "service", "--cluster-name", cluster, "sandbox", "notifier").line().contains("joined cluster"));
            CodexProcesses.Started only = agent(cluster, model, "agent-1");
            String serveLine = codex.start(Map.of("CODEX_HOME", tmp.resolve("home-gateway").toString(),
                            "CODEX_SERVE_TOKEN", TOKEN, "OPENAI_API_KEY", "k", "OPENAI_BASE_URL", model.baseUrl()), "serve",
                    "serve", "--port", "0", "--cluster", "--cluster-name", cluster, "--services", "gateway").line();
            String base = serveLine.substring(serveLine.indexOf("http://"), serveLine.indexOf("/api/v1") + 7);
            HttpResponse<String> created = ApiCalls.post(base + "/sessions", new JsonObject().put("cwd", work.toString())
                    .put("approval_policy", "never"), TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            String id = new JsonObject(created.body()).getString("session_id");
            BlockingQueue<JsonObject> events = ApiCalls.follow(base + "/sessions/" + id + "/events", TOKEN);
            List<JsonObject> seen = new ArrayList<>();
            assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", input("s1", "hello"), TOKEN)
                    .statusCode());
            ApiCalls.await(events, "task_complete", seen);

            only.process().destroyForcibly();
            only.process().waitFor(10, TimeUnit.SECONDS);
            long restartedAt = System.currentTimeMillis();
            agent(cluster, model, "agent-2");
            awaitText(events, "background_event", "taken over", seen);
            long pickedUpMs = System.currentTimeMillis() - restartedAt;
            assertEquals(202, ApiCalls.post(base + "/sessions/" + id + "/submissions", input("s2", "still there?"), TOKEN)
                    .statusCode());
            awaitText(events, "task_complete", "answered by the restarted agent", seen);
            String told = model.requests().get(1).encode();
            assertTrue(told.contains("hello") && told.contains("first turn"), "the history went on: " + told);
            replayAll(base, id, "task_complete");
            System.out.println("only agent killed -9 and started again: session picked up " + pickedUpMs
                    + " ms after the new agent was ready");
        }
    }
}
