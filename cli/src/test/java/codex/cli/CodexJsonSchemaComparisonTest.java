package codex.cli;

import static codex.cli.FakeModelServer.completed;
import static codex.cli.FakeModelServer.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exec --json} against the real Codex CLI (npm {@code @openai/codex}, installed into {@code .tools/codex}
 * by {@code .ci/setup.d/50-codex.sh}): both programs run the same scripted turn on a scripted Responses-API
 * server, and their JSON lines must agree on event types, item types, and per kind (event type + item type)
 * on key sets and value types. Values themselves (ids, paths, command quoting) may differ.
 * Skipped with the reason when the binary is absent, except under CI=true, where that fails.
 */
class CodexJsonSchemaComparisonTest {

    /** Kinds only Codex prints here: its warning that it has no metadata for a model from a custom server. */
    private static final Set<String> CODEX_ONLY = Set.of("item.completed/error");

    @TempDir
    Path tmp;

    static Path codexBinary() {
        String why;
        String explicit = System.getenv("CODEX_CLI_BIN");
        if (explicit != null && Files.isExecutable(Path.of(explicit))) {
            return Path.of(explicit);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(".tools/codex/node_modules/.bin/codex");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
            if (Files.isDirectory(dir.resolve(".ci"))) {
                break;
            }
        }
        why = "the Codex CLI is not installed in .tools/codex (.ci/setup.d/50-codex.sh installs it: "
                + "npm install --prefix .tools/codex @openai/codex)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true requires the Codex CLI for the schema comparison: " + why);
        }
        Assumptions.abort(why);
        return null;
    }

    /**
     * One turn: a reasoning summary and a shell command, then a patch that adds a file, then a message.
     * Codex is offered {@code exec_command} ({@code cmd}: a string), we {@code shell} ({@code command}: argv);
     * the server answers each in its own tool's terms.
     */
    private static FakeModelServer.Reply script(int index, JsonObject request) {
        boolean codex = request.getJsonArray("tools", new JsonArray()).stream()
                .anyMatch(t -> "exec_command".equals(((JsonObject) t).getString("name")));
        String patch = "*** Begin Patch\n*** Add File: added.txt\n+hello\n*** End Patch\n";
        List<JsonObject> events = new ArrayList<>();
        String id = "r" + index;
        events.add(new JsonObject().put("type", "response.created").put("response", new JsonObject().put("id", id)));
        switch (index) {
            case 0 -> {
                JsonObject reasoning = new JsonObject().put("type", "reasoning").put("id", "rs_1")
                        .put("summary", new JsonArray().add(new JsonObject().put("type", "summary_text").put("text", "Looking around")));
                events.add(new JsonObject().put("type", "response.output_item.added").put("item",
                        reasoning.copy().put("summary", new JsonArray())));
                events.add(new JsonObject().put("type", "response.reasoning_summary_text.delta").put("item_id", "rs_1")
                        .put("summary_index", 0).put("delta", "Looking around"));
                events.add(new JsonObject().put("type", "response.output_item.done").put("item", reasoning));
                events.add(done(call("c1", codex, "echo hi")));
            }
            case 1 -> events.add(done(call("c2", codex, "apply_patch <<'EOF'\n" + patch + "EOF\n")));
            default -> {
                events.add(new JsonObject().put("type", "response.output_item.added").put("item",
                        message("").put("content", new JsonArray())));
                events.add(new JsonObject().put("type", "response.output_text.delta").put("item_id", "msg_1").put("delta", "done"));
                events.add(done(message("done")));
            }
        }
        events.add(completed(id));
        return FakeModelServer.sse(events);
    }

    private static JsonObject call(String callId, boolean codex, String script) {
        JsonObject args = codex ? new JsonObject().put("cmd", script)
                : new JsonObject().put("command", new JsonArray().add("bash").add("-lc").add(script));
        return new JsonObject().put("type", "function_call").put("id", "fc_" + callId).put("call_id", callId)
                .put("name", codex ? "exec_command" : "shell").put("arguments", args.encode());
    }

    private static JsonObject done(JsonObject item) {
        return new JsonObject().put("type", "response.output_item.done").put("item", item);
    }

    /** A server that hands each request to the script with the request itself. */
    private static FakeModelServer scriptedServer() {
        var holder = new Object() {
            FakeModelServer server;
        };
        holder.server = new FakeModelServer(i -> (resp, wire) -> {
            JsonObject request = holder.server.requests().get(i);
            script(i, request).send(resp, wire);
        });
        return holder.server;
    }

    private Path repo(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Process git = new ProcessBuilder("git", "init", "-q", dir.toString()).redirectErrorStream(true).start();
        assertTrue(git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0, "git init");
        return dir;
    }

    private List<JsonObject> runCodex(Path codex, String baseUrl, Path repo, String... extra) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("codex-home-" + repo.getFileName()));
        List<String> cmd = new ArrayList<>(List.of(codex.toString(), "exec", "--json", "--skip-git-repo-check",
                "-c", "model_providers.scripted.name=scripted", "-c", "model_providers.scripted.base_url=" + baseUrl,
                "-c", "model_providers.scripted.wire_api=responses", "-c", "model_providers.scripted.env_key=OPENAI_API_KEY",
                "-c", "model_providers.scripted.request_max_retries=0", "-c", "model_providers.scripted.stream_max_retries=0",
                "-c", "model_provider=scripted", "-m", "gpt-5", "-s", "workspace-write",
                // its workspace-write sandbox protects .git in every writable root and briefly made a /tmp/.git
                // while it ran, which put every temp folder "inside a git repository" for tests running beside it
                "-c", "sandbox_workspace_write.exclude_slash_tmp=true"));
        cmd.addAll(List.of(extra));
        cmd.add("do the task");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().put("CODEX_HOME", home.toString());
        pb.environment().put("OPENAI_API_KEY", "test-key");
        pb.environment().put("TMPDIR", Files.createDirectories(tmp.resolve("codex-tmp-" + repo.getFileName())).toString());
        pb.environment().remove("OPENAI_BASE_URL");
        Path out = tmp.resolve("codex-" + repo.getFileName() + ".jsonl");
        Path err = tmp.resolve("codex-" + repo.getFileName() + ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(new File("/dev/null"));
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Codex did not finish in 90 s: " + Files.readString(err));
        }
        return lines(Files.readString(out), "Codex CLI (stderr: " + Files.readString(err) + ")");
    }

    private List<JsonObject> runOurs(String baseUrl, Path repo) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("OPENAI_API_KEY", "test-key");
        env.put("OPENAI_BASE_URL", baseUrl);
        env.put("CODEX_HOME", Files.createDirectories(tmp.resolve("our-home-" + repo.getFileName())).toString());
        env.put("TMPDIR", tmp.toString());
        var r = CodexProcess.run(repo, env, null, "exec", "--json", "--full-auto", "-c", "model_providers.openai.request_max_retries=0",
                "-c", "model_providers.openai.stream_max_retries=0", "do the task");
        return lines(r.stdout(), "codex-vertx (exit " + r.exitCode() + ", stderr: " + r.stderr() + ")");
    }

    private static List<JsonObject> lines(String stdout, String who) {
        List<JsonObject> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(new JsonObject(line));
                } catch (RuntimeException e) {
                    throw new AssertionError(who + " printed a line that is not JSON: " + line, e);
                }
            }
        }
        assertTrue(!out.isEmpty(), who + " printed no events");
        return out;
    }

    /** kind ("item.completed/command_execution") → key → JSON type, merged over every line of that kind. */
    static Map<String, Map<String, String>> schema(List<JsonObject> events) {
        Map<String, Map<String, String>> kinds = new TreeMap<>();
        for (JsonObject e : events) {
            JsonObject item = e.getJsonObject("item");
            String kind = e.getString("type") + (item != null ? "/" + item.getString("type") : "");
            Map<String, String> keys = kinds.computeIfAbsent(kind, k -> new TreeMap<>());
            describe("", e, keys);
        }
        return kinds;
    }

    private static void describe(String prefix, JsonObject object, Map<String, String> keys) {
        for (String key : object.fieldNames()) {
            Object value = object.getValue(key);
            String path = prefix + key;
            keys.merge(path, typeOf(value), (a, b) -> a.equals(b) ? a : new TreeSet<>(List.of(a, b)).toString());
            if (value instanceof JsonObject nested) {
                describe(path + ".", nested, keys);
            } else if (value instanceof JsonArray array && !array.isEmpty() && array.getValue(0) instanceof JsonObject first) {
                describe(path + "[].", first, keys);
            }
        }
    }

    private static String typeOf(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof String) {
            return "string";
        } else if (value instanceof Number) {
            return "number";
        } else if (value instanceof Boolean) {
            return "boolean";
        } else if (value instanceof JsonArray) {
            return "array";
        }
        return "object";
    }

    private static List<String> eventTypes(List<JsonObject> events) {
        return events.stream().map(e -> e.getJsonObject("item") != null
                ? e.getString("type") + "/" + e.getJsonObject("item").getString("type") : e.getString("type"))
                .filter(k -> !CODEX_ONLY.contains(k)).toList();
    }

    @Test
    void aTurnWithReasoningACommandAPatchAndAMessagePrintsCodexsSchema() throws Exception {
        Path codex = codexBinary();
        List<JsonObject> theirs;
        List<JsonObject> ours;
        try (FakeModelServer server = scriptedServer()) {
            theirs = runCodex(codex, server.baseUrl(), repo("theirs"));
        }
        try (FakeModelServer server = scriptedServer()) {
            ours = runOurs(server.baseUrl(), repo("ours"));
        }
        assertEquals(List.of("thread.started", "turn.started", "item.completed/reasoning", "item.started/command_execution",
                "item.completed/command_execution", "item.started/file_change", "item.completed/file_change",
                "item.completed/agent_message", "turn.completed"), eventTypes(theirs), "what Codex printed: " + theirs);
        assertEquals(eventTypes(theirs), eventTypes(ours), "the sequence of event kinds\ntheirs: " + theirs + "\nours:   " + ours);
        Map<String, Map<String, String>> theirSchema = schema(theirs);
        CODEX_ONLY.forEach(theirSchema::remove);
        assertEquals(theirSchema, schema(ours), "key sets and value types per kind\ntheirs: " + theirs + "\nours:   " + ours);
        assertTrue(Files.isRegularFile(tmp.resolve("ours/added.txt")) && Files.isRegularFile(tmp.resolve("theirs/added.txt")),
                "both applied the patch");
    }

    @Test
    void aModelErrorPrintsCodexsErrorAndTurnFailed() throws Exception {
        Path codex = codexBinary();
        String body = "{\"error\":{\"message\":\"bad request: nope\",\"type\":\"invalid_request_error\"}}";
        List<JsonObject> theirs;
        List<JsonObject> ours;
        try (FakeModelServer server = new FakeModelServer(i -> FakeModelServer.error(400, body))) {
            theirs = runCodex(codex, server.baseUrl(), repo("theirs-error"));
        }
        try (FakeModelServer server = new FakeModelServer(i -> FakeModelServer.error(400, body))) {
            ours = runOurs(server.baseUrl(), repo("ours-error"));
        }
        assertEquals(List.of("thread.started", "turn.started", "error", "turn.failed"), eventTypes(theirs), "Codex: " + theirs);
        assertEquals(eventTypes(theirs), eventTypes(ours), "theirs: " + theirs + "\nours:   " + ours);
        Map<String, Map<String, String>> theirSchema = schema(theirs);
        CODEX_ONLY.forEach(theirSchema::remove);
        assertEquals(theirSchema, schema(ours), "theirs: " + theirs + "\nours:   " + ours);
    }
}
