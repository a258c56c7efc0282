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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions survive a killed process and resume from the CLI with their whole history. */
class ResumeEndToEndTest {

    @TempDir
    Path tmp;
    Path work;
    Path home;
    UserSetUp user;

    @BeforeEach
    void setUp() throws Exception {
        user = UserSetUp.in(tmp);
        work = user.work();
        home = user.home();
    }

    private static List<JsonObject> input(JsonObject request) {
        return request.getJsonArray("input").stream().map(o -> (JsonObject) o).toList();
    }

    private static String userText(JsonObject item) {
        return item.getJsonArray("content").getJsonObject(0).getString("text");
    }

    private static long maxSeq(String jsonLines) {
        return jsonLines.lines().filter(l -> l.startsWith("{")).mapToLong(l -> new JsonObject(l).getLong("seq"))
                .max().orElse(0);
    }

    @Test
    void killedMidTurnThenResumedSendsTheWholeHistoryAndCarriesOnTheSequence() throws Exception {
        JsonObject slowCall = new JsonObject().put("type", "function_call").put("call_id", "slow").put("name", "shell")
                .put("arguments", new JsonObject().put("command", new JsonArray().add("bash").add("-c")
                        .add("echo $$ > pid.txt; sleep 60")).put("timeout", 120_000).encode());
        String sessionId;
        long seqBeforeKill;
        long commandPid;
        try (var first = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("quick", "bash", "-c", "echo quick"), slowCall)))))) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", CodexProcess.classpath(), "codex.cli.CodexMain", "exec", "--json=seed", "--full-auto", "first task"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
            pb.environment().putAll(user.env(first));
            Path out = tmp.resolve("first.jsonl");
            pb.redirectOutput(out.toFile()).redirectError(tmp.resolve("first.err").toFile());
            Process p = pb.start();
            Path pidFile = work.resolve("pid.txt");
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
                assertTrue(System.currentTimeMillis() < deadline, Files.readString(tmp.resolve("first.err")));
                Thread.sleep(50);
            }
            commandPid = Long.parseLong(Files.readString(pidFile).strip());
            Thread.sleep(300); // let the begin event reach stdout
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush on exit
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            String lines = Files.readString(out);
            sessionId = new JsonObject(lines.lines().findFirst().orElseThrow()).getString("session_id");
            seqBeforeKill = maxSeq(lines);
        } finally {
            // the sandboxed command outlived the killed JVM (as with any killed parent); end it
        }
        ProcessHandle.of(commandPid).ifPresent(ProcessHandle::destroyForcibly);

        try (Stream<Path> files = Files.walk(home.resolve("sessions"))) {
            Path rollout = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).findFirst().orElseThrow();
            assertTrue(rollout.getFileName().toString().contains(sessionId));
            // a crash can leave half a line behind: it must not stop the resume
            Files.writeString(rollout, "{\"type\":\"item\",\"item\":{\"type\":\"mess", StandardOpenOption.APPEND);
        }

        try (var second = new FakeModelServer(List.of(sse(textResponse("r2", "resumed fine"))))) {
            var r = CodexProcess.run(work, user.env(second), null, "exec", "--json=seed", "resume", sessionId.substring(0, 8),
                    "continue please");
            assertEquals(0, r.exitCode(), r.stderr());
            List<JsonObject> items = input(second.requests().get(0));
            List<String> types = items.stream().map(i -> i.getString("type")).toList();
            assertTrue(items.stream().anyMatch(i -> "message".equals(i.getString("type"))
                    && "first task".equals(userText(i))), types.toString());
            assertTrue(items.stream().anyMatch(i -> "function_call".equals(i.getString("type"))
                    && "slow".equals(i.getString("call_id"))), types.toString());
            JsonObject quickOutput = items.stream().filter(i -> "function_call_output".equals(i.getString("type"))
                    && "quick".equals(i.getString("call_id"))).findFirst().orElseThrow();
            assertTrue(quickOutput.getString("output").contains("quick"));
            assertTrue(items.stream().anyMatch(i -> "function_call_output".equals(i.getString("type"))
                    && "slow".equals(i.getString("call_id"))), "the cut-off call gets an output: " + types);
            JsonObject last = items.get(items.size() - 1);
            assertEquals("continue please", userText(last));
            assertFalse(second.requests().get(0).containsKey("previous_response_id"));
            long firstResumedSeq = r.stdoutLines().stream().mapToLong(l -> new JsonObject(l).getLong("seq")).min()
                    .orElseThrow();
            assertTrue(firstResumedSeq > seqBeforeKill, firstResumedSeq + " must follow " + seqBeforeKill);
            assertEquals(sessionId, new JsonObject(r.stdoutLines().get(0)).getString("session_id"));
        }

        try (var third = new FakeModelServer(List.of(sse(textResponse("r3", "and again"))))) {
            var r = CodexProcess.run(work, user.env(third), null, "exec", "resume", "--last", "one more");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("and again", r.stdout().strip());
            List<JsonObject> items = input(third.requests().get(0));
            assertTrue(items.stream().anyMatch(i -> "message".equals(i.getString("type"))
                    && "continue please".equals(userText(i))));
        }

        List<String> history = Files.readAllLines(home.resolve("history.jsonl"));
        assertEquals(List.of("first task", "continue please", "one more"),
                history.stream().map(l -> new JsonObject(l).getString("text")).toList());
    }

    @Test
    void resumingAnUnknownSessionSaysSo() throws Exception {
        try (var server = new FakeModelServer(List.of())) {
            var r = CodexProcess.run(work, user.env(server), null, "exec", "resume", "deadbeef-0000", "hi");
            assertEquals(2, r.exitCode());
            assertTrue(r.stderr().contains("deadbeef"), r.stderr());
            assertEquals(0, server.requests().size());
        }
    }

    @Test
    void codexResumeListsRecordedSessionsAndContinuesOneById() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "first answer")),
                sse(textResponse("r2", "second answer"))))) {
            var first = CodexProcess.run(work, user.env(server), null, "exec", "--json=seed", "summarise the repo");
            assertEquals(0, first.exitCode(), first.stderr());
            String id = new JsonObject(first.stdoutLines().get(0)).getString("session_id");
            var list = CodexProcess.run(work, user.env(server), null, "resume");
            assertEquals(0, list.exitCode(), list.stderr());
            assertTrue(list.stdout().contains(id), list.stdout());
            assertTrue(list.stdout().contains("summarise the repo"), list.stdout());
            var cont = CodexProcess.run(work, user.env(server), null, "resume", id, "and the tests?");
            assertEquals(0, cont.exitCode(), cont.stderr());
            assertEquals("second answer", cont.stdout().strip());
        }
    }
}
