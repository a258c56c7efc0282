package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line-mode terminal client: prompts and approval answers typed on stdin. */
class InteractiveClientTest {
    @TempDir
    Path tmp;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(work.resolve(".git"));
    }

    private Map<String, String> env(FakeModelServer server) {
        Map<String, String> env = new HashMap<>();
        env.put("OPENAI_API_KEY", "k");
        env.put("OPENAI_BASE_URL", server.baseUrl());
        env.put("CODEX_HOME", tmp.resolve("home").toString());
        return env;
    }

    @Test
    void approvedCommandRunsAndTheConversationGoesOn() throws Exception {
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo hi > made.txt")))),
                sse(textResponse("r2", "Made it.")),
                sse(textResponse("r3", "Second answer."))))) {
            var r = CodexProcess.run(work, env(server), "make a file\ny\nanother question\n",
                    "-a", "unless-allow-listed", "-s", "disk-write-cwd");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("hi\n", Files.readString(work.resolve("made.txt")));
            assertTrue(r.stdout().contains("Allow this command?  bash -c 'echo hi > made.txt'"), r.stdout());
            assertTrue(r.stdout().contains("Made it.") && r.stdout().contains("Second answer."), r.stdout());
            assertTrue(r.stdout().contains("(outside the sandbox)"), "the user sees it ran unsandboxed: " + r.stdout());
            assertEquals(3, server.requests().size());
        }
    }

    @Test
    void deniedPatchIsNotAppliedAndTheModelIsTold() throws Exception {
        String patch = "*** Begin Patch\n*** Add File: nope.txt\n+no\n*** End Patch\n";
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("p1", "apply_patch", patch)))),
                sse(textResponse("r2", "Understood."))))) {
            var r = CodexProcess.run(work, env(server), "add a file\nn\n", "-a", "unless-allow-listed");
            assertEquals(0, r.exitCode(), r.stderr());
            assertFalse(Files.exists(work.resolve("nope.txt")));
            assertTrue(r.stdout().contains("Apply this patch?") && r.stdout().contains("add " + work.toRealPath()
                    .resolve("nope.txt")), r.stdout());
            assertTrue(r.stdout().contains("+no"), "the patch's content is shown: " + r.stdout());
            assertTrue(server.requests().get(1).encode().contains("rejected by user"));
        }
    }

    @Test
    void unknownPolicyNamesTheValidOnes() throws Exception {
        try (var server = new FakeModelServer(List.of())) {
            var r = CodexProcess.run(work, env(server), "", "-a", "sometimes");
            assertEquals(2, r.exitCode());
            assertTrue(r.stderr().contains("unless-allow-listed, auto-edit, on-failure, on-request, never, untrusted"), r.stderr());
        }
    }
}
