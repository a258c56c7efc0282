package codex.cli;

import static codex.cli.FakeModelServer.cutAfter;
import static codex.cli.FakeModelServer.error;
import static codex.cli.FakeModelServer.errorEvent;
import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `codex exec` as a user runs it: a real child process against a scripted model server. */
class ExecEndToEndTest {

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

    /** The wire API under test; {@link ChatExecEndToEndTest} runs the same suite over Chat Completions. */
    protected String wire() {
        return "responses";
    }

    private boolean responsesWire() {
        return wire().equals("responses");
    }

    /** exec's arguments with the provider for this wire inserted after the subcommand. */
    private String[] execArgs(FakeModelServer server, String... args) {
        List<String> all = new ArrayList<>(List.of("exec"));
        if (!responsesWire()) {
            all.addAll(List.of("-c", "model_provider=fake", "-c", "model_providers.fake.name=fake",
                    "-c", "model_providers.fake.base_url=" + server.baseUrl(),
                    "-c", "model_providers.fake.env_key=OPENAI_API_KEY", "-c", "model_providers.fake.wire_api=" + wire()));
        }
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private CodexProcess.Result exec(FakeModelServer server, String... args) throws Exception {
        return CodexProcess.run(work, user.env(server), null, execArgs(server, args));
    }

    /** Tool results the model was sent in this request, as {call_id, output}, in either wire format. */
    private static List<JsonObject> toolOutputs(JsonObject request) {
        List<JsonObject> out = new ArrayList<>();
        if (request.containsKey("input")) {
            for (Object o : request.getJsonArray("input")) {
                JsonObject item = (JsonObject) o;
                if ("function_call_output".equals(item.getString("type"))) {
                    out.add(new JsonObject().put("call_id", item.getString("call_id")).put("output", item.getString("output")));
                }
            }
        } else {
            for (Object o : request.getJsonArray("messages")) {
                JsonObject m = (JsonObject) o;
                if ("tool".equals(m.getString("role"))) {
                    out.add(new JsonObject().put("call_id", m.getString("tool_call_id")).put("output", m.getString("content")));
                }
            }
        }
        return out;
    }

    /** Every tool result the model was ever sent, each call once, in order. */
    private static List<JsonObject> allToolOutputs(FakeModelServer server) {
        java.util.LinkedHashMap<String, JsonObject> seen = new java.util.LinkedHashMap<>();
        for (JsonObject req : server.requests()) {
            for (JsonObject o : toolOutputs(req)) {
                seen.putIfAbsent(o.getString("call_id"), o);
            }
        }
        return new ArrayList<>(seen.values());
    }

    private static String lastUserText(JsonObject request) {
        String last = null;
        if (request.containsKey("input")) {
            for (Object o : request.getJsonArray("input")) {
                JsonObject item = (JsonObject) o;
                if ("message".equals(item.getString("type")) && "user".equals(item.getString("role"))) {
                    last = item.getJsonArray("content").getJsonObject(0).getString("text");
                }
            }
        } else {
            for (Object o : request.getJsonArray("messages")) {
                JsonObject m = (JsonObject) o;
                if ("user".equals(m.getString("role"))) {
                    last = m.getValue("content") instanceof String text ? text
                            : m.getJsonArray("content").getJsonObject(0).getString("text");
                }
            }
        }
        return last;
    }

    private static String firstToolName(JsonObject request) {
        JsonObject tool = request.getJsonArray("tools").getJsonObject(0);
        return tool.containsKey("function") ? tool.getJsonObject("function").getString("name") : tool.getString("name");
    }

    @Test
    void textOnlyAnswerIsPrintedAndTheRequestIsAProperResponsesCall() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "Hello from the model"))))) {
            var r = exec(server, "say hello");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("Hello from the model", r.stdout().strip());
            assertTrue(r.stderr().contains("model:     o4-mini"), r.stderr());
            JsonObject req = server.requests().get(0);
            assertEquals("o4-mini", req.getString("model"));
            assertTrue(req.getBoolean("stream"));
            assertEquals("shell", firstToolName(req));
            assertEquals("say hello", lastUserText(req));
            assertEquals("Bearer test-key", server.headers().get(0).get("Authorization"));
        }
    }

    @Test
    void shellCallRunsInTheWorkspaceAndItsResultGoesBackToTheModel() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("call-1", "bash", "-c", "echo hello > made.txt && echo done")))),
                sse(textResponse("r2", "Created the file."))))) {
            var r = exec(server, "--full-auto", "make a file");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("hello\n", Files.readString(work.resolve("made.txt")));
            assertTrue(r.stderr().contains("exit 0"), r.stderr());
            JsonObject second = server.requests().get(1);
            List<JsonObject> outputs = toolOutputs(second);
            assertEquals(1, outputs.size());
            assertEquals("call-1", outputs.get(0).getString("call_id"));
            JsonObject output = new JsonObject(outputs.get(0).getString("output"));
            assertEquals("done\n", output.getString("output"));
            assertEquals(0, output.getJsonObject("metadata").getInteger("exit_code"));
            if (responsesWire()) {
                // storage is on by default: the server holds the call, so only the new item follows the response id
                assertEquals("r1", second.getString("previous_response_id"));
                assertEquals(1, second.getJsonArray("input").size());
            } else {
                assertFalse(second.containsKey("previous_response_id"));
                assertEquals("system", second.getJsonArray("messages").getJsonObject(0).getString("role"));
            }
        }
    }

    @Test
    void severalToolCallsRunInOrderAcrossResponses() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(
                        shellCall("a", "bash", "-c", "echo one >> log.txt"),
                        shellCall("b", "bash", "-c", "echo two >> log.txt")))),
                sse(toolCalls("r2", List.of(shellCall("c", "bash", "-c", "echo three >> log.txt; exit 3")))),
                sse(textResponse("r3", "All done."))))) {
            var r = exec(server, "--full-auto", "three steps");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("one\ntwo\nthree\n", Files.readString(work.resolve("log.txt")));
            assertEquals(3, server.requests().size());
            List<JsonObject> outputs = allToolOutputs(server);
            assertEquals(List.of("a", "b", "c"), outputs.stream().map(o -> o.getString("call_id")).toList());
            assertEquals(3, new JsonObject(outputs.get(2).getString("output")).getJsonObject("metadata")
                    .getInteger("exit_code"));
            if (responsesWire()) {
                assertEquals("r2", server.requests().get(2).getString("previous_response_id"));
            }
        }
    }

    @Test
    void rateLimitIsRetriedHonouringRetryAfter() throws Exception {
        try (var server = new FakeModelServer(List.of(
                error(429, "{\"error\":{\"message\":\"Rate limit reached\"}}", "0"),
                sse(textResponse("r1", "after the retry"))))) {
            var r = exec(server, "hi");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("after the retry", r.stdout().strip());
            assertEquals(2, server.requests().size());
            assertTrue(r.stderr().contains("Rate limit reached"), r.stderr());
            assertTrue(r.stderr().contains("retrying"), r.stderr());
        }
    }

    @Test
    void streamCutInTheMiddleIsRetried() throws Exception {
        List<JsonObject> full = textResponse("r1", "complete answer");
        try (var server = new FakeModelServer(List.of(cutAfter(full, 2), sse(full)))) {
            var r = exec(server, "hi");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("complete answer", r.stdout().strip());
            assertEquals(2, server.requests().size());
        }
    }

    @Test
    void crlfLineEndingsAreUnderstood() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "crlf works"), true)))) {
            var r = exec(server, "hi");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("crlf works", r.stdout().strip());
        }
    }

    @Test
    void errorEventFailsTheRunWithTheServersMessage() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(List.of(errorEvent("invalid_prompt", "Your prompt was flagged")))))) {
            var r = exec(server, "hi");
            assertEquals(1, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("Your prompt was flagged"), r.stderr());
            assertEquals(1, server.requests().size(), "a fatal error is not retried");
        }
    }

    @Test
    void unauthorizedIsNotRetriedAndShowsTheServerMessage() throws Exception {
        try (var server = new FakeModelServer(List.of(
                error(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}")))) {
            var r = exec(server, "hi");
            assertEquals(1, r.exitCode());
            assertTrue(r.stderr().contains("401"), r.stderr());
            assertTrue(r.stderr().contains("Incorrect API key provided"), r.stderr());
            assertEquals(1, server.requests().size());
        }
    }

    @Test
    void missingApiKeyNamesTheVariable() throws Exception {
        try (var server = new FakeModelServer(List.of())) {
            Map<String, String> env = user.env(server);
            env.remove("OPENAI_API_KEY");
            var r = CodexProcess.run(work, env, null, execArgs(server, "hi"));
            assertEquals(1, r.exitCode());
            assertTrue(r.stderr().contains("OPENAI_API_KEY"), r.stderr());
            assertEquals(0, server.requests().size());
        }
    }

    @Test
    void jsonModePrintsOnlyEventsWithGrowingSequenceNumbers() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "echo", "hi")))),
                sse(textResponse("r2", "ok"))))) {
            var r = exec(server, "--json=seed", "hi");
            assertEquals(0, r.exitCode(), r.stderr());
            long lastSeq = 0;
            List<String> types = new ArrayList<>();
            for (String line : r.stdoutLines()) {
                JsonObject event = new JsonObject(line);
                long seq = event.getLong("seq");
                assertTrue(seq > lastSeq, "seq must grow: " + r.stdout());
                lastSeq = seq;
                assertFalse(event.getString("session_id").isEmpty());
                assertTrue(event.getLong("ts") > 0);
                types.add(event.getJsonObject("msg").getString("type"));
            }
            assertEquals("session_configured", types.get(0));
            assertTrue(types.containsAll(List.of("task_started", "exec_command_begin", "exec_command_output_delta",
                    "exec_command_end", "agent_message_delta", "agent_message", "token_count")), types.toString());
            assertEquals("task_complete", types.get(types.size() - 1));
        }
    }

    @Test
    void notifyProgramGetsTheSeedsAndTodaysJsonAndLastMessageIsWritten() throws Exception {
        Path captured = tmp.resolve("notify-arg.json");
        Path script = tmp.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$1\" > '" + captured + "'\n");
        script.toFile().setExecutable(true);
        Files.writeString(home.resolve("config.toml"), "notify = [\"" + script + "\"]\n");
        Path last = tmp.resolve("last.txt");
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "the end"))))) {
            var r = exec(server, "--output-last-message", last.toString(), "finish it");
            assertEquals(0, r.exitCode(), r.stderr());
        }
        assertEquals("the end", Files.readString(last));
        JsonObject payload = new JsonObject(Files.readString(captured));
        assertEquals("agent-turn-complete", payload.getString("type"));
        assertEquals(new JsonArray().add("finish it"), payload.getJsonArray("input-messages"));
        assertEquals("the end", payload.getString("last-assistant-message"));
        assertFalse(payload.getString("turn-id").isEmpty());
        // today's Codex keys beside the seed's, in today's order
        assertEquals(List.of("type", "thread-id", "turn-id", "cwd", "client", "input-messages", "last-assistant-message"),
                new ArrayList<>(payload.fieldNames()), payload.encode());
        assertEquals(work.toRealPath().toString(), payload.getString("cwd"));
        assertEquals("codex_exec", payload.getString("client"));
        assertFalse(payload.getString("thread-id").isEmpty());
    }

    @Test
    void refusesToRunOutsideAGitRepositoryUnlessToldTo() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "ran anyway"))))) {
            var refused = CodexProcess.run(plain, user.env(server), null, execArgs(server, "hi"));
            assertEquals(2, refused.exitCode());
            assertTrue(refused.stderr().contains("--skip-git-repo-check"), refused.stderr());
            var allowed = CodexProcess.run(plain, user.env(server), null, execArgs(server, "--skip-git-repo-check", "hi"));
            assertEquals(0, allowed.exitCode(), allowed.stderr());
            assertEquals("ran anyway", allowed.stdout().strip());
        }
    }

    @Test
    void promptCanComeFromStdin() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "read it"))))) {
            var r = CodexProcess.run(work, user.env(server), "task from stdin\n", execArgs(server, "-"));
            assertEquals(0, r.exitCode(), r.stderr());
            JsonObject req = server.requests().get(0);
            assertEquals("task from stdin\n", lastUserText(req));
        }
    }

    @Test
    void readOnlySandboxRefusesWritesAndTheModelIsTold() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("w", "bash", "-c", "echo x > blocked.txt")))),
                sse(textResponse("r2", "could not write"))))) {
            var r = exec(server, "try to write"); // default permissions: disk-full-read-access only
            assertEquals(0, r.exitCode(), r.stderr());
            assertFalse(Files.exists(work.resolve("blocked.txt")), "the sandbox must stop the write");
            JsonObject output = new JsonObject(toolOutputs(server.requests().get(1)).get(0).getString("output"));
            assertNotEquals(0, output.getJsonObject("metadata").getInteger("exit_code"));
        }
    }

    @Test
    void longOutputIsCutInTheMiddleForTheModel() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("big", "bash", "-c", "seq 1 20000")))),
                sse(textResponse("r2", "ok"))))) {
            var r = exec(server, "--full-auto", "print a lot");
            assertEquals(0, r.exitCode(), r.stderr());
            String text = new JsonObject(toolOutputs(server.requests().get(1)).get(0).getString("output"))
                    .getString("output");
            assertTrue(text.startsWith("1\n2\n3\n"), text.substring(0, 20));
            assertTrue(text.strip().endsWith("19999\n20000"), text.substring(text.length() - 20));
            assertTrue(text.contains("omitted"), "marker says how much was cut");
            assertTrue(text.length() < 12_000, "cut to about 10 KiB, was " + text.length());
        }
    }

    @Test
    void ctrlCInterruptsTheTurnAndKillsTheRunningCommand() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(new JsonObject().put("type", "function_call").put("call_id", "slow")
                        .put("name", "shell").put("arguments", new JsonObject()
                                .put("command", new JsonArray().add("bash").add("-c").add("echo $$ > pid.txt; sleep 60"))
                                .put("timeout", 120_000).encode())))),
                sse(textResponse("r2", "should not get here"))))) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", CodexProcess.classpath(), "codex.cli.CodexMain"));
            cmd.addAll(List.of(execArgs(server, "--full-auto", "wait")));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
            pb.environment().putAll(user.env(server));
            Path err = tmp.resolve("stderr.txt");
            pb.redirectErrorStream(false).redirectOutput(tmp.resolve("stdout.txt").toFile()).redirectError(err.toFile());
            Process p = pb.start();
            Path pidFile = work.resolve("pid.txt");
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
                assertTrue(System.currentTimeMillis() < deadline, "the command never started: " + Files.readString(err));
                Thread.sleep(50);
            }
            long commandPid = Long.parseLong(Files.readString(pidFile).strip());
            assertTrue(ProcessHandle.of(commandPid).isPresent());
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "exec did not stop after Ctrl-C");
            assertEquals(130, p.exitValue(), Files.readString(err));
            Thread.sleep(200);
            assertFalse(ProcessHandle.of(commandPid).map(ProcessHandle::isAlive).orElse(false),
                    "the running command must be killed");
            assertEquals(1, server.requests().size(), "the model is not asked again after an interrupt");
        }
    }

    @Test
    void execAppliesPatchesTheModelSendsAndReportsWhatChanged() throws Exception {
        Files.writeString(work.resolve("greet.txt"), "hello\nworld\n");
        String patch = "*** Begin Patch\n*** Update File: greet.txt\n@@\n hello\n-world\n+there\n"
                + "*** Add File: notes/new.md\n+# New\n*** End Patch\n";
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("p1", "bash", "-lc", "apply_patch <<'EOF'\n" + patch + "EOF\n")))),
                sse(textResponse("r2", "patched"))))) {
            var r = exec(server, "--full-auto", "--json=seed", "edit");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("hello\nthere\n", Files.readString(work.resolve("greet.txt")));
            assertEquals("# New\n", Files.readString(work.resolve("notes/new.md")));
            List<String> types = r.stdoutLines().stream().map(l -> new JsonObject(l).getJsonObject("msg").getString("type"))
                    .toList();
            assertTrue(types.contains("patch_apply_begin") && types.contains("patch_apply_end"), types.toString());
            assertFalse(types.contains("exec_command_begin"), "apply_patch is never run as a program");
            String told = new JsonObject(toolOutputs(server.requests().get(1)).get(0).getString("output")).getString("output");
            assertTrue(told.contains("M ") && told.contains("greet.txt") && told.contains("A "), told);
        }
    }
}
