package codex.execpolicy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs commands for real in a scratch git repository. Every command we call known-safe must leave
 * the files exactly as they were; every look-alike we reject is shown to actually change them, so
 * the rejection is not paranoia and the snapshot comparison is known to notice changes.
 */
class ReadOnlyClaimsTest {

    @BeforeAll
    static void needsTools() {
        for (String tool : List.of("/usr/bin/sed", "/usr/bin/find", "/usr/bin/git")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), "needs " + tool);
        }
    }

    static Stream<List<String>> safeCommands() {
        return Stream.of(
                List.of("sed", "-n", "1,5p", "f.txt"), List.of("sed", "-n", "10p", "f.txt"),
                List.of("sed", "-n", "$p", "f.txt"), List.of("sed", "-n", "1p;$p;", "f.txt"),
                List.of("sed", "-n", "-e", "3p", "-e", "7,9p", "f.txt", "g.txt"),
                List.of("sed", "--quiet", "--expression=2p", "f.txt"), List.of("sed", "-n", " 4 , 8 p ", "f.txt"),
                List.of("sed", "-n", "1p", "--", "-i"),
                List.of("find", ".", "-name", "*.txt"), List.of("find", ".", "-type", "f", "-newer", "g.txt", "-print"),
                List.of("git", "status"), List.of("git", "status", "--short"), List.of("git", "log", "-n", "3", "--oneline"),
                List.of("git", "diff", "HEAD", "--stat"), List.of("git", "show", "HEAD:f.txt"),
                List.of("git", "log", "--output-indicator-new=+", "-p"), List.of("git", "branch"),
                List.of("git", "branch", "-a", "-vv"), List.of("git", "branch", "--list", "ma*"),
                List.of("git", "branch", "--contains=HEAD"), List.of("git", "branch", "--show-current"));
    }

    static Stream<List<String>> dangerousLookAlikes() {
        return Stream.of(
                List.of("sed", "-n", "w out", "f.txt"), List.of("sed", "-n", "1,5p", "f.txt", "-i"),
                List.of("sed", "-n", "1e touch pwned", "f.txt"), List.of("sed", "-n", "s/1/x/w out", "f.txt"),
                List.of("sed", "-i", "s/1/x/", "f.txt"),
                List.of("find", ".", "-name", "g.txt", "-delete"), List.of("find", ".", "-fprint", "listing"),
                List.of("find", ".", "-name", "g.txt", "-exec", "rm", "{}", ";"),
                List.of("git", "diff", "--output=diff.out", "HEAD~0"), List.of("git", "branch", "newbranch"),
                List.of("git", "branch", "-c", "copied"), List.of("git", "branch", "-m", "renamed"),
                List.of("git", "-c", "core.fsmonitor=touch pwned", "status"));
    }

    @ParameterizedTest
    @MethodSource("safeCommands")
    void knownSafeCommandsChangeNothing(List<String> argv, @TempDir Path dir) throws Exception {
        assertTrue(SafeCommands.isKnownSafe(argv), () -> "classifier should accept " + argv);
        Path repo = scratchRepo(dir);
        Map<String, String> before = snapshot(repo);
        assertEquals(0, run(repo, argv), () -> argv + " should succeed (the fixture supports it)");
        assertEquals(before, snapshot(repo), () -> argv + " changed files");
    }

    @ParameterizedTest
    @MethodSource("dangerousLookAlikes")
    void rejectedLookAlikesReallyChangeFiles(List<String> argv, @TempDir Path dir) throws Exception {
        assertFalse(SafeCommands.isKnownSafe(argv), () -> "classifier should reject " + argv);
        Path repo = scratchRepo(dir);
        Map<String, String> before = snapshot(repo);
        run(repo, argv);
        assertNotEquals(before, snapshot(repo), () -> argv + " was expected to change something");
    }

    private static Path scratchRepo(Path dir) throws IOException, InterruptedException {
        Path repo = Files.createDirectory(dir.resolve("repo"));
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            lines.append(i).append('\n');
        }
        Files.writeString(repo.resolve("f.txt"), lines);
        Files.writeString(repo.resolve("g.txt"), "g\n");
        Files.writeString(repo.resolve("-i"), "a file whose name looks like an option\n");
        assertEquals(0, run(repo, List.of("git", "init", "-q", "-b", "main")));
        assertEquals(0, run(repo, List.of("git", "add", ".")));
        assertEquals(0, run(repo, List.of("git", "commit", "-q", "-m", "fixture")));
        return repo;
    }

    private static int run(Path cwd, List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", cwd.getParent().toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_AUTHOR_NAME", "test");
        env.put("GIT_AUTHOR_EMAIL", "test@example.invalid");
        env.put("GIT_COMMITTER_NAME", "test");
        env.put("GIT_COMMITTER_EMAIL", "test@example.invalid");
        env.put("GIT_PAGER", "cat");
        Process process = pb.start();
        process.getOutputStream().close();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), () -> argv + " did not finish");
        return process.exitValue();
    }

    /**
     * Every file and directory under {@code root} with a hash of its content. Git's index is left
     * out: {@code git status} may refresh its stat cache, which does not change any content.
     */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                String relative = root.relativize(p).toString();
                if (relative.equals(".git/index")) {
                    continue;
                }
                entries.put(relative, Files.isRegularFile(p) ? sha256(Files.readAllBytes(p)) : "dir");
            }
        }
        return entries;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
