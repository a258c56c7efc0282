package codex.sandbox;

import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code codex sandbox}: the child shares our stdio, so these commands stay quiet on stdout (the
 * test JVM's stdout belongs to the test runner) and leave their traces in files instead.
 */
class SandboxCommandTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @Test
    void exitCodeOfTheCommandIsReturned() {
        assertEquals(7, SandboxCommand.run(perms("disk-write-cwd"), tmp, List.of("bash", "-c", "exit 7"), err));
        assertEquals(0, SandboxCommand.run(perms("disk-write-cwd"), tmp, List.of("true"), err));
    }

    @Test
    void signalBecomes128PlusSignal() {
        assertEquals(128 + 9, SandboxCommand.run(perms(), tmp, List.of("bash", "-c", "kill -KILL $$"), err));
    }

    @Test
    void permissionsAndDirectoryAreEnforced() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        int code = SandboxCommand.run(perms("disk-write-cwd"), work,
                List.of("bash", "-c", "touch here; touch " + outside + "/there 2>/dev/null"), err);
        assertTrue(code != 0);
        assertTrue(Files.exists(work.resolve("here")), "-C sets the directory the command runs and writes in");
        assertFalse(Files.exists(outside.resolve("there")));
    }

    @Test
    void noTimeoutApplies() {
        long t0 = System.nanoTime();
        assertEquals(0, SandboxCommand.run(perms(), tmp, List.of("sleep", "0.3"), err));
        assertTrue(System.nanoTime() - t0 >= 300_000_000L);
    }

    @Test
    void mistakesAreExplained() {
        assertEquals(SandboxCommand.EXIT_USAGE, SandboxCommand.run(perms(), tmp, List.of(), err));
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("no command given"));
        errBytes.reset();
        assertEquals(SandboxCommand.EXIT_USAGE, SandboxCommand.run(perms(), tmp.resolve("missing"), List.of("true"), err));
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("does not exist"));
        errBytes.reset();
        assertEquals(127, SandboxCommand.run(perms(), tmp, List.of("no-such-program-xyz"), err));
    }

    @Test
    void checkReportsLandlockAbiAndSeccomp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = SandboxCommand.check(new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        SandboxSupport support = SandboxSupport.probe();
        assertEquals(support.fullyAvailable() ? 0 : 1, code);
        if (support.landlockWorks()) {
            assertTrue(text.contains("landlock: ABI " + support.landlockAbi()), text);
            assertTrue(support.landlockAbi() >= 1);
        } else {
            assertTrue(text.contains("landlock: UNAVAILABLE"), text);
        }
        assertTrue(text.contains(support.seccompWorks() ? "seccomp: works" : "seccomp: UNAVAILABLE"), text);
    }
}
