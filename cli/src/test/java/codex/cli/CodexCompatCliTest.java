package codex.cli;

import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Codex CLI user types, run as a child process: subcommand names, aliases, login, completion. */
class CodexCompatCliTest {

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

    @Test
    void codexSubcommandsWeLackAnswerWithWhatToUseAndNeverReachTheModel() throws Exception {
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "a review"))))) {
            for (String name : List.of("review", "apply", "cloud", "plugin", "app-server", "fork", "features")) {
                var r = CodexProcess.run(work, user.envWithoutKey(server), null, name, "--some-flag", "arg");
                assertEquals(2, r.exitCode(), name + ": " + r.stderr());
                assertTrue(r.stderr().contains("'codex " + name + "' is not supported by codex-vertx: use "), r.stderr());
            }
            assertEquals(0, server.requests().size(), "no unsupported command became a model turn");
            // the same word inside a quoted prompt is a task
            Map<String, String> env = user.envWithoutKey(server);
            env.put("OPENAI_API_KEY", "test-key");
            var r = CodexProcess.run(work, env, null, "exec", "review my change please");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("a review", r.stdout().strip());
        }
    }

    @Test
    void execAliasShortOutputFlagAndJsonBeforeThePrompt() throws Exception {
        Path last = tmp.resolve("last.txt");
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "the answer"))))) {
            Map<String, String> env = user.envWithoutKey(server);
            env.put("OPENAI_API_KEY", "test-key");
            var r = CodexProcess.run(work, env, null, "e", "--json", "-o", last.toString(), "what is it");
            assertEquals(0, r.exitCode(), r.stderr());
            List<String> types = r.stdoutLines().stream().map(l -> new JsonObject(l).getString("type")).toList();
            assertEquals("thread.started", types.get(0));
            assertEquals("turn.completed", types.get(types.size() - 1));
            JsonObject usage = new JsonObject(r.stdoutLines().get(r.stdoutLines().size() - 1)).getJsonObject("usage");
            assertEquals(100, usage.getInteger("input_tokens"));
            assertEquals(10, usage.getInteger("cached_input_tokens"));
            assertEquals(20, usage.getInteger("output_tokens"));
            assertEquals("the answer", Files.readString(last));
            assertTrue(server.requests().get(0).encode().contains("what is it"), "the prompt after --json is the task");
        }
    }

    @Test
    void anUnknownJsonFormatIsRefused() throws Exception {
        var r = CodexProcess.run(work, user.envWithoutKey(null), null, "exec", "--json=xml", "hi");
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().contains("valid formats are: codex (the default), seed"), r.stderr());
    }

    @Test
    void loginStoresTheKeyPrivatelyAndExecUsesItWhenTheEnvironmentHasNone() throws Exception {
        var status = CodexProcess.run(work, user.envWithoutKey(null), null, "login", "status");
        assertEquals(1, status.exitCode());
        assertTrue(status.stdout().contains("Not logged in"), status.stdout());

        var chatgpt = CodexProcess.run(work, user.envWithoutKey(null), null, "login");
        assertEquals(2, chatgpt.exitCode());
        assertTrue(chatgpt.stderr().contains("ChatGPT sign-in is not offered"), chatgpt.stderr());

        var login = CodexProcess.run(work, user.envWithoutKey(null), "sk-stored-key-1234\n", "login", "--with-api-key");
        assertEquals(0, login.exitCode(), login.stderr());
        assertFalse(login.stderr().contains("sk-stored-key-1234"), "the key is never printed: " + login.stderr());
        Path auth = home.resolve("auth.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(auth)));
        assertEquals("sk-stored-key-1234", new JsonObject(Files.readString(auth)).getString("OPENAI_API_KEY"));

        status = CodexProcess.run(work, user.envWithoutKey(null), null, "login", "status");
        assertEquals(0, status.exitCode());
        assertTrue(status.stdout().contains("Logged in using an API key: sk-…1234"), status.stdout());

        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "ok"))))) {
            var r = CodexProcess.run(work, user.envWithoutKey(server), null, "exec", "hi");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("Bearer sk-stored-key-1234", server.headers().get(0).get("authorization"));
        }

        var logout = CodexProcess.run(work, user.envWithoutKey(null), null, "logout");
        assertEquals(0, logout.exitCode());
        assertFalse(Files.exists(auth));
        var r = CodexProcess.run(work, user.envWithoutKey(null), null, "exec", "hi");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("codex login --with-api-key"), r.stderr());
    }

    @Test
    void completionScriptsForBashZshAndFish() throws Exception {
        var bash = CodexProcess.run(work, user.envWithoutKey(null), null, "completion", "bash");
        assertEquals(0, bash.exitCode(), bash.stderr());
        assertTrue(bash.stdout().contains("complete -F") && bash.stdout().contains("exec"), bash.stdout());
        var zsh = CodexProcess.run(work, user.envWithoutKey(null), null, "completion", "zsh");
        assertEquals(0, zsh.exitCode());
        assertTrue(zsh.stdout().startsWith("autoload -U +X compinit"), zsh.stdout());
        var fish = CodexProcess.run(work, user.envWithoutKey(null), null, "completion", "fish");
        assertEquals(0, fish.exitCode());
        assertTrue(fish.stdout().contains("complete -c codex -n __fish_use_subcommand -a exec"), fish.stdout());
        assertTrue(fish.stdout().contains("'__fish_seen_subcommand_from exec' -l json"), fish.stdout());
        Path script = tmp.resolve("codex.bash");
        Files.writeString(script, bash.stdout());
        Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void todaysConfigAndSandboxFlagsWork() throws Exception {
        Files.writeString(home.resolve("config.toml"), "approval_policy = \"on-request\"\nsandbox_mode = \"workspace-write\"\n"
                + "[sandbox_workspace_write]\nnetwork_access = false\n");
        Files.writeString(work.resolve(".git/config"), "[core]\n");
        Path extra = Files.createDirectories(tmp.resolve("extra"));
        try (var server = new FakeModelServer(List.of(
                sse(FakeModelServer.toolCalls("r1", List.of(FakeModelServer.shellCall("c1", "bash", "-c",
                        "echo in > src.txt; echo x >> .git/config; echo out > " + extra.resolve("f.txt"))))),
                sse(textResponse("r2", "done"))))) {
            Files.writeString(work.resolve("src.txt"), "");
            Map<String, String> env = user.envWithoutKey(server);
            env.put("OPENAI_API_KEY", "test-key");
            var r = CodexProcess.run(work, env, null, "exec", "-s", "workspace-write", "--add-dir", extra.toString(), "go");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("sandbox:   workspace-write (from the command line (-s workspace-write))"), r.stderr());
            assertEquals("in\n", Files.readString(work.resolve("src.txt")));
            assertEquals("out\n", Files.readString(extra.resolve("f.txt")), "--add-dir is writable");
            assertEquals("[core]\n", Files.readString(work.resolve(".git/config")), ".git stays read-only under workspace-write");
        }
    }

    @Test
    void yoloSaysSoLoudlyAndRunsWithoutTheSandbox() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        try (var server = new FakeModelServer(List.of(
                sse(FakeModelServer.toolCalls("r1", List.of(FakeModelServer.shellCall("c1", "bash", "-c",
                        "echo x > " + outside.resolve("f.txt"))))),
                sse(textResponse("r2", "done"))))) {
            Map<String, String> env = user.envWithoutKey(server);
            env.put("OPENAI_API_KEY", "test-key");
            var r = CodexProcess.run(work, env, null, "exec", "--yolo", "go");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("NO SANDBOX, NO APPROVALS"), r.stderr());
            assertTrue(Files.exists(outside.resolve("f.txt")));
        }
        var missing = CodexProcess.run(work, user.envWithoutKey(null), null, "exec", "-i", "shot.png", "what is this");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.stderr().contains("--image shot.png: no such file"), missing.stderr());
        Files.writeString(work.resolve("notes.txt"), "not an image");
        var notImage = CodexProcess.run(work, user.envWithoutKey(null), null, "exec", "-i", "notes.txt", "what is this");
        assertEquals(2, notImage.exitCode());
        assertTrue(notImage.stderr().contains("not a PNG, JPEG, GIF or WebP"), notImage.stderr());
        var bad = CodexProcess.run(work, user.envWithoutKey(null), null, "exec", "-s", "sometimes", "hi");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.stderr().contains("or a sandbox mode: read-only, workspace-write, danger-full-access"), bad.stderr());
    }

    @Test
    void imagesGoToTheModelWithThePrompt() throws Exception {
        byte[] png = java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        Files.write(work.resolve("dot.png"), png);
        Files.write(work.resolve("two.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
        try (var server = new FakeModelServer(List.of(sse(textResponse("r1", "a single pixel"))))) {
            Map<String, String> env = user.envWithoutKey(server);
            env.put("OPENAI_API_KEY", "test-key");
            var r = CodexProcess.run(work, env, null, "exec", "-i", "dot.png,two.jpg", "what is this");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdout().contains("a single pixel"), r.stdout());
            io.vertx.core.json.JsonArray input = server.requests().get(0).getJsonArray("input");
            io.vertx.core.json.JsonObject last = input.getJsonObject(input.size() - 1);
            io.vertx.core.json.JsonArray content = last.getJsonArray("content");
            assertEquals("what is this", content.getJsonObject(0).getString("text"));
            assertEquals("data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png),
                    content.getJsonObject(1).getString("image_url"));
            assertEquals("input_image", content.getJsonObject(1).getString("type"));
            assertEquals("data:image/jpeg;base64,/9j/", content.getJsonObject(2).getString("image_url"));
        }
    }
}
