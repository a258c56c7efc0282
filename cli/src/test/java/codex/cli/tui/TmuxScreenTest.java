package codex.cli.tui;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.cli.CodexProcess;
import codex.cli.FakeModelServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full-screen client in a real terminal: tmux runs `codex` against a scripted model, keys are
 * typed with send-keys and the screen is read back with capture-pane, colours included.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TmuxScreenTest {
    @TempDir
    Path tmp;
    private final String socket = "codex-tui-" + UUID.randomUUID().toString().substring(0, 8);
    private boolean started;

    @AfterEach
    void killServer() throws Exception {
        if (started) {
            tmux("kill-server");
        }
    }

    private static boolean haveTmux() {
        try {
            return new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private String tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private String screen(boolean colours) throws Exception {
        return colours ? tmux("capture-pane", "-p", "-e", "-t", "codex") : tmux("capture-pane", "-p", "-t", "codex");
    }

    /** Waits (bounded) until the visible screen satisfies the check; fails with the screen. */
    private String waitFor(String what, Predicate<String> check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String s = "";
        while (System.nanoTime() < deadline) {
            s = screen(false);
            if (check.test(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("screen never showed " + what + ":\n" + s);
    }

    private void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "codex"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    private void type(String text) throws Exception {
        keys("-l", text);
        keys("Enter");
    }

    private void start(FakeModelServer server, Path work, int width, int height, String... args) throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!haveTmux()) {
            Assumptions.assumeTrue(ci, "tmux is not installed (.ci/setup.d/40-tmux.sh installs it); skipping");
            throw new AssertionError("CI=true but tmux is missing: .ci/setup.d/40-tmux.sh should have installed it");
        }
        List<String> cmd = new ArrayList<>(List.of("env", "-u", "NO_COLOR", "TERM=xterm-256color",
                "OPENAI_API_KEY=k", "OPENAI_BASE_URL=" + server.baseUrl(), "CODEX_HOME=" + tmp.resolve("home"),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", CodexProcess.classpath(), "codex.cli.CodexMain"));
        cmd.addAll(List.of(args));
        StringBuilder shell = new StringBuilder();
        for (String c : cmd) {
            shell.append('\'').append(c.replace("'", "'\\''")).append("' ");
        }
        // keep the pane after exit so the last screen can be read
        tmux("-f", "/dev/null", "new-session", "-d", "-s", "codex", "-x", String.valueOf(width), "-y", String.valueOf(height),
                "-c", work.toString(), shell + "; echo EXITED $?; sleep 30");
        started = true;
        waitFor("the composer", s -> s.contains("Ask Codex to do anything"));
    }

    private Path repo() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(work.resolve(".git"));
        return work;
    }

    @Test
    void taskWithApprovalsDenialDiffAndSlashCommands() throws Exception {
        Path work = repo();
        Files.writeString(work.resolve("notes.txt"), "old line\n");
        String patch = "*** Begin Patch\n*** Update File: notes.txt\n@@\n-old line\n+new line\n*** End Patch\n";
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo hi > made.txt")))),
                sse(toolCalls("r2", List.of(shellCall("p1", "apply_patch", patch)))),
                sse(textResponse("r3", "All **done**: see `notes.txt`."))))) {
            start(server, work, 80, 24, "-a", "unless-allow-listed");

            type("/help");
            waitFor("the help", s -> s.contains("never sent to the model"));
            type("/model gpt-test");
            waitFor("the model change", s -> s.contains("model set to gpt-test"));
            type("/frobnicate");
            waitFor("unknown command", s -> s.contains("unknown command /frobnicate"));
            assertEquals(0, server.requests().size(), "slash commands made no model request");

            type("make the change");
            waitFor("the command approval", s -> s.contains("Allow this command?") && s.contains("echo hi > made.txt"));
            keys("x"); // not an answer: ignored while the request waits
            keys("n");
            waitFor("the patch approval", s -> s.contains("Apply this patch?"));
            assertTrue(screen(false).contains("denied: bash -c 'echo hi > made.txt'"), screen(false));
            keys("y");
            String done = waitFor("the answer", s -> s.contains("All done: see notes.txt.") && s.contains("idle"));
            assertFalse(Files.exists(work.resolve("made.txt")), "the denied command did not run");
            assertEquals("new line\n", Files.readString(work.resolve("notes.txt")));
            assertTrue(done.contains("-old line") && done.contains("+new line"), done);
            String coloured = screen(true);
            assertTrue(coloured.matches("(?s).*\\e\\[(\\d+;)*3[12]m[-+](old|new) line.*"), "the diff is coloured: " + coloured);
            assertTrue(coloured.contains("\u001b[1m"), "bold markdown: " + coloured);
            assertEquals(3, server.requests().size());
            assertTrue(server.requests().get(0).encode().contains("gpt-test"), "/model applied to the next request");

            tmux("resize-window", "-t", "codex", "-x", "50", "-y", "16");
            String narrow = waitFor("a redraw at 50 columns", s -> s.lines().anyMatch(l -> l.startsWith(" idle")));
            assertTrue(narrow.lines().allMatch(l -> l.length() <= 50), narrow);
            assertTrue(narrow.contains("Ask Codex"), narrow);

            keys("C-d");
            waitFor("exit", s -> s.contains("EXITED 0"));
        }
    }

    @Test
    void ctrlCInterruptsTheRunningCommand() throws Exception {
        Path work = repo();
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "sleep 30; echo late > late.txt")))),
                sse(textResponse("r2", "unused"))))) {
            start(server, work, 80, 24, "-a", "never");
            type("wait a while");
            waitFor("the running command", s -> s.contains("running bash -c") && s.contains("working"));
            long before = System.nanoTime();
            keys("C-c");
            String s = waitFor("the interrupt", x -> x.contains("turn interrupted") && x.contains("idle"));
            assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(10), "interrupt took too long");
            assertTrue(s.contains("killed bash -c"), s);
            keys("C-c");
            waitFor("the hint", x -> x.contains("Ctrl-C again to quit"));
            keys("C-c");
            waitFor("exit", x -> x.contains("EXITED 0"));
            assertFalse(Files.exists(work.resolve("late.txt")));
        }
    }

    @Test
    void resumeOpensTheRecordedSessionWithItsTranscript() throws Exception {
        Path work = repo();
        String sessionId;
        try (var first = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo from-the-first-run")))),
                sse(textResponse("r2", "The earlier answer is **42**."))))) {
            var r = CodexProcess.run(work, java.util.Map.of("OPENAI_API_KEY", "k", "OPENAI_BASE_URL", first.baseUrl(),
                    "CODEX_HOME", tmp.resolve("home").toString()), null, "exec", "--json=seed", "--full-auto", "what is the answer");
            assertEquals(0, r.exitCode(), r.stderr());
            sessionId = new io.vertx.core.json.JsonObject(r.stdoutLines().get(0)).getString("session_id");
        }
        try (var second = new FakeModelServer(List.of(sse(textResponse("r3", "Still 42, now with tests."))))) {
            start(second, work, 80, 30, "resume", sessionId.substring(0, 8));
            String s = waitFor("the recorded transcript", x -> x.contains("The earlier answer is 42."));
            assertTrue(s.contains("› what is the answer"), s);
            assertTrue(s.contains("ran bash -c 'echo from-the-first-run'") && s.contains("| from-the-first-run"), s);
            assertTrue(s.contains("resumed session " + sessionId + " · recorded above"), s);
            assertTrue(s.contains("idle"), "nothing runs until asked: " + s);
            assertEquals(0, second.requests().size());
            type("add tests");
            waitFor("the new answer", x -> x.contains("Still 42, now with tests.") && x.contains("idle"));
            String input = second.requests().get(0).getJsonArray("input").encode();
            assertTrue(input.contains("what is the answer") && input.contains("add tests"), "the model has the history: " + input);
            keys("C-d");
            waitFor("exit", x -> x.contains("EXITED 0"));
        }
    }

    @Test
    void ctrlOExpandsAndCollapsesTheLastCommandsOutput() throws Exception {
        Path work = repo();
        try (var server = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "seq", "1", "8")))),
                sse(toolCalls("r2", List.of(shellCall("c2", "seq", "11", "18")))),
                sse(textResponse("r3", "Counted."))))) {
            start(server, work, 80, 40, "-a", "never");
            type("count twice");
            String s = waitFor("the answer", x -> x.contains("Counted.") && x.contains("idle"));
            Predicate<String> firstTail = x -> x.lines().anyMatch(l -> l.equals("  | 8")) && x.lines().noneMatch(l -> l.equals("  | 1"));
            assertTrue(firstTail.test(s) && s.lines().noneMatch(l -> l.equals("  | 11")), s);
            keys("C-o");
            s = waitFor("the last command in full", x -> x.lines().anyMatch(l -> l.equals("  | 11")));
            assertTrue(firstTail.test(s), "the earlier command keeps its tail: " + s);
            assertTrue(s.contains("(all 8 lines; Ctrl-O shows the tail again)"), s);
            keys("C-o");
            waitFor("the tail again", x -> x.lines().noneMatch(l -> l.equals("  | 11")) && x.lines().anyMatch(l -> l.equals("  | 18")));
            keys("C-d");
            waitFor("exit", x -> x.contains("EXITED 0"));
        }
    }
}
