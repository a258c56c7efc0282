package codex.cli;

import static codex.cli.FakeModelServer.completed;
import static codex.cli.FakeModelServer.message;
import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web client in a real browser: headless Chromium (Debian's, installed by
 * .ci/setup.d/45-chromium.sh) driven by playwright-core (npm, under .tools/playwright/) against
 * a real `codex serve` process and a scripted model. The browser part is
 * src/test/resources/web/webclient.spec.mjs; it saves screenshots under target/web-screenshots/.
 * Without chromium, node or playwright-core the test is skipped with the reason, except under
 * CI=true, where it fails.
 */
class WebClientBrowserTest {
    static final String TOKEN = "web-admin-token-0123456789";
    static final String ALICE = "alice-web-token-0123456789";

    @TempDir
    Path tmp;

    static Path repoRoot() {
        return CodexProcess.repoRoot();
    }

    static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Skips (or under CI=true fails) with the reason when a browser tool is missing. */
    static void need(boolean present, String what) {
        if (present) {
            return;
        }
        String why = what + " is missing: run .ci/setup.d/45-chromium.sh (Debian chromium, npm playwright-core"
                + " under .tools/playwright/)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + why);
        }
        Assumptions.abort(why);
    }

    /** Streams part of the text, pauses (the browser must show it already), then the rest. */
    static FakeModelServer.Reply slowText(String id, String first, long pauseMs, String rest) {
        return (resp, wire) -> {
            resp.setChunked(true).putHeader("content-type", "text/event-stream");
            java.util.function.Consumer<JsonObject> write = e ->
                    resp.write("event: " + e.getString("type") + "\ndata: " + e.encode() + "\n\n");
            write.accept(new JsonObject().put("type", "response.created").put("response", new JsonObject().put("id", id)));
            write.accept(new JsonObject().put("type", "response.output_text.delta").put("delta", first));
            Vertx.currentContext().owner().setTimer(pauseMs, t -> {
                write.accept(new JsonObject().put("type", "response.output_text.delta").put("delta", rest));
                write.accept(new JsonObject().put("type", "response.output_item.done").put("item", message(first + rest)));
                write.accept(completed(id));
                resp.end();
            });
        };
    }

    @Test
    void aWholeTaskWithApprovalsInTheBrowser() throws Exception {
        Path root = repoRoot();
        String chromium = System.getenv().getOrDefault("CHROMIUM", onPath("chromium"));
        String node = onPath("node");
        Path playwright = root.resolve(".tools/playwright/node_modules/playwright-core");
        need(chromium != null && Files.isExecutable(Path.of(chromium)), "chromium");
        need(node != null, "node");
        need(Files.isRegularFile(playwright.resolve("package.json")), "playwright-core");

        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("a.txt"), "one\ntwo\n");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("config.toml"), """
                [[gateway.tokens]]
                name = "alice"
                token = "%s"
                role = "user"
                [gateway.policy]
                approval_policies = ["unless-allow-listed", "on-failure"]
                sandbox_permissions = ["disk-full-read-access", "disk-write-cwd"]
                workspace_roots = ["%s"]
                """.formatted(ALICE, work));
        String patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n*** End Patch\n";
        List<FakeModelServer.Reply> script = List.of(
                slowText("r0", "Hello from the **scripted** model.\n\n", 2500,
                        "```\ncode <b>block</b>\n```\n\n<img src=x onerror=\"window.__xss=1\"> and [a link](javascript:alert(1)).\n"),
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo from-browser > made.txt")))),
                sse(textResponse("r2", "made it")),
                sse(toolCalls("r3", List.of(shellCall("p1", "apply_patch", patch)))),
                sse(textResponse("r4", "ok, leaving a.txt alone")),
                sse(toolCalls("r5", List.of(shellCall("c2", "bash", "-c", "echo second > second.txt")))),
                sse(textResponse("r6", "second done")),
                slowText("r7", "Part one. ", 1500, "Part two."),
                slowText("r8", "Working on the long task", 30_000, " (never seen: interrupted)"),
                sse(textResponse("r9", "queued answer")),
                sse(toolCalls("r10", List.of(shellCall("c3", "bash", "-c", "echo third > third.txt")))),
                sse(textResponse("r11", "third done")));
        Path shots = Path.of("target", "web-screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        try (var model = new FakeModelServer(script)) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", CodexProcess.classpath(), "codex.cli.CodexMain", "serve", "--port", "0");
            pb.environment().put("OPENAI_API_KEY", "k");
            pb.environment().put("OPENAI_BASE_URL", model.baseUrl());
            pb.environment().put("CODEX_HOME", home.toString());
            pb.environment().put("CODEX_SERVE_TOKEN", TOKEN);
            pb.redirectError(tmp.resolve("serve.err").toFile());
            Process serve = pb.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
                String link = null;
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("web client: ")) {
                        link = line.substring("web client: ".length()).split(" ")[0];
                        break;
                    }
                }
                assertTrue(link != null && link.contains("/?token="), "codex serve printed no login link; "
                        + Files.readString(tmp.resolve("serve.err")));
                String base = link.substring(0, link.indexOf("/?token="));

                ProcessBuilder browser = new ProcessBuilder(node, root.resolve("cli/src/test/resources/web/webclient.spec.mjs").toString())
                        .redirectErrorStream(true);
                browser.environment().put("BASE", base);
                browser.environment().put("LOGIN_LINK", link);
                browser.environment().put("TOKEN", TOKEN);
                browser.environment().put("ALICE", ALICE);
                browser.environment().put("WORK", work.toRealPath().toString());
                browser.environment().put("CHROMIUM", chromium);
                browser.environment().put("PLAYWRIGHT", playwright.toString());
                browser.environment().put("SHOTS", shots.toString());
                browser.environment().put("PROFILE", Files.createDirectories(tmp.resolve("profile")).toString());
                Process p = browser.start();
                List<String> lines = new ArrayList<>();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        System.out.println("browser: " + line);
                        lines.add(line);
                    }
                }
                assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the browser script did not finish");
                assertEquals(0, p.exitValue(), "the browser script failed:\n" + String.join("\n", lines)
                        + "\n--- serve stderr (tail) ---\n" + tail(Files.readString(tmp.resolve("serve.err")), 4000));
                assertTrue(lines.contains("ok: all steps"), String.join("\n", lines));

                // what the clicks did on disk
                assertEquals("from-browser\n", Files.readString(work.resolve("made.txt")), "approved from the card: the command ran");
                assertEquals("one\ntwo\n", Files.readString(work.resolve("a.txt")), "denied after seeing the diff: not patched");
                assertEquals("second\n", Files.readString(work.resolve("second.txt")), "approved from the second browser");
                assertEquals("third\n", Files.readString(work.resolve("third.txt")), "approved from the inbox panel");
                String log = Files.readString(tmp.resolve("serve.err"));
                assertFalse(log.contains(TOKEN) || log.contains(link.substring(link.indexOf("token=") + 6)),
                        "neither the token nor the login code reaches the log");
            } finally {
                serve.destroy();
                serve.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }
}
