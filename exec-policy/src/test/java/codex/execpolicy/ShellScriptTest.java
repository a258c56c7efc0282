package codex.execpolicy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ShellScriptTest {

    private static List<List<String>> argvs(String script) {
        return ShellScript.parse(script).orElseThrow(() -> new AssertionError("did not parse: " + script))
                .stream().map(ShellScript.Command::argv).toList();
    }

    @Test
    void splitsOnEveryAllowedOperator() {
        assertEquals(List.of(List.of("ls"), List.of("wc", "-l"), List.of("git", "status"), List.of("pwd"), List.of("true")),
                argvs("ls | wc -l && git status; pwd || true"));
    }

    @Test
    void removesQuotesTheWayShellsDo() {
        assertEquals(List.of(List.of("grep", "a > b", "file")), argvs("grep 'a > b' file"));
        assertEquals(List.of(List.of("echo", "it's", "\\n", "a\"b", "$x", "c\\d")),
                argvs("echo \"it's\" '\\n' \"a\\\"b\" \"\\$x\" \"c\\d\""));
        assertEquals(List.of(List.of("echo", "ab c", "")), argvs("echo a'b c' ''"));
        assertEquals(List.of(List.of("echo", "a;b", "|")), argvs("echo a\\;b \\|"));
        assertEquals(List.of(List.of("ls", "-la")), argvs("ls \\\n-la"));
    }

    @Test
    void marksWordsTheShellWouldStillExpand() {
        List<ShellScript.Word> words = ShellScript.parse("ls *.java '*.txt' a\\? ~/x =ls a=b").orElseThrow()
                .get(0).words();
        assertEquals(List.of(false, true, false, false, true, true, false),
                words.stream().map(ShellScript.Word::expands).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo x > f", "echo $(id)", "echo `id`", "echo \"$HOME\"", "echo ${X}", "(ls)", "{ ls; }",
            "ls &", "ls |& cat", "cat <<EOF", "ls # c", "! ls", "echo {a,b}", "", "\n\n", "ls &&", "&& ls", "ls ;; ls",
            "echo 'x", "echo \"x", "ls \\", "ls\n;"})
    void rejectsWhatItDoesNotUnderstand(String script) {
        assertTrue(ShellScript.parse(script).isEmpty(), () -> "should not parse: " + script);
    }

    // ---- Differential test: what the real shell passes to each program must equal our words. ----

    static Stream<String> agreedScripts() {
        return Stream.of(
                "grep 'a > b' file",
                "grep \"a > b\" file | wc -l",
                "cat a\\ b \"c'd\" 'e\"f' \"g\\\\h\" \"i\\j\" \"k\\$l\" \"m\\`n\"",
                "ls -la && head -n 3 f; wc -c g && false || cat h",
                "ls \\\n  -la\n\ncat x &&\n wc",
                "sed -n '1,5p' f | head",
                "find . -name '*.java' -type f",
                "echo; cat '' \"\" x",
                "grep a\\>b f\tg");
    }

    @ParameterizedTest
    @MethodSource("agreedScripts")
    void realShellsSeeTheSameWords(String script, @TempDir Path dir) throws Exception {
        List<List<String>> expected = argvs(script);
        for (String shell : List.of("/bin/bash", "/bin/sh", "/bin/zsh")) {
            if (!Files.isExecutable(Path.of(shell))) {
                continue;
            }
            List<List<String>> seen = runWithRecordingStubs(shell, script, dir, dir);
            // Built-ins (echo, cd, pwd, true, false) never reach the stubs, so compare only stubbed calls.
            // Pipeline stages run concurrently, so the log order is not the script order.
            List<List<String>> expectedStubbed = expected.stream().filter(c -> STUBBED.contains(c.get(0))).toList();
            assertEquals(sorted(expectedStubbed), sorted(seen), () -> shell + " disagrees on: " + script);
        }
    }

    private static List<String> sorted(List<List<String>> calls) {
        return calls.stream().map(c -> String.join("\u0000", c)).sorted().toList();
    }

    /** Why globbed arguments make sed/find/git/rg unsafe: a file name can become an option. */
    @Test
    void aGlobCanTurnAFileNameIntoAnOption(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.writeString(work.resolve("-i"), "");
        Files.writeString(work.resolve("notes.txt"), "hello\n");
        String script = "sed -n 1p *";

        List<List<String>> seen = runWithRecordingStubs("/bin/bash", script, dir, work);

        assertEquals(List.of(List.of("sed", "-n", "1p", "-i", "notes.txt")), seen,
                "bash expands * to a name sed reads as its in-place option");
        assertFalse(SafeCommands.isKnownSafe(List.of("bash", "-lc", script)));
        // The same glob under a program that has no dangerous option stays safe.
        assertTrue(SafeCommands.isKnownSafe(List.of("bash", "-lc", "cat *")));
    }

    private static final List<String> STUBBED = List.of("ls", "cat", "grep", "head", "wc", "sed", "find");

    /**
     * Runs the script with PATH holding only stubs that record their argv instead of doing anything.
     * Each call writes its own file (named by the stub's pid) because pipeline stages run at once.
     */
    private static List<List<String>> runWithRecordingStubs(String shell, String script, Path dir, Path cwd)
            throws IOException, InterruptedException {
        Path bin = dir.resolve("stub-bin");
        Path logs = dir.resolve("argv-logs");
        Files.createDirectories(bin);
        Files.createDirectories(logs);
        try (Stream<Path> old = Files.list(logs)) {
            for (Path file : old.toList()) {
                Files.delete(file); // left by the previous shell in the same test
            }
        }
        for (String name : STUBBED) {
            Path stub = bin.resolve(name);
            Files.writeString(stub, "#!/bin/sh\n"
                    + "{ printf '%s\\0' \"${0##*/}\"; for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }"
                    + " > \"$ARGV_LOGS/$$\"\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder(shell, "-c", script).directory(cwd.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", bin.toString());
        env.put("ARGV_LOGS", logs.toString());
        env.put("HOME", dir.toString());
        Process process = pb.start();
        process.getOutputStream().close();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "shell did not finish");

        List<List<String>> calls = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                String[] fields = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\0", -1);
                // Every field ends with a NUL, so the last split element is always empty.
                calls.add(List.of(fields).subList(0, fields.length - 1));
            }
        }
        return calls;
    }
}
