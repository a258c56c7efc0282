package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox process killed -9 in the middle of a command takes the command with it: the shell, its
 * background children and (with cgroups) a child that left the process group with setsid are
 * gone within moments, and a child that would have written a file three seconds later never
 * does. Real processes, a real SIGKILL.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommandsDieWithTheSandboxTest {
    @TempDir
    Path work;

    @Test
    void aCommandAndItsChildrenDieWithTheSandboxProcess() throws Exception {
        // without Landlock (a fresh clone elsewhere) the command runs unsandboxed: it must die all the same
        String mode = Sandboxes.EXECUTOR.support().landlockWorks() ? "restricted" : "unrestricted";
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", classpath,
                SandboxKilledChild.class.getName(), work.toString(), mode)
                .redirectError(work.resolveSibling(work.getFileName() + ".err").toFile()).start();
        try {
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue(line != null && line.startsWith("cgroups="), "the child started: " + line);
            boolean cgroups = line.endsWith("true");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(work.resolve("ready")) || Files.readAllLines(work.resolve("pids")).size() < 3) {
                assertTrue(System.nanoTime() < deadline, "the command never got going");
                Thread.sleep(20);
            }
            List<Long> pids = new ArrayList<>();
            Files.readAllLines(work.resolve("pids")).forEach(p -> pids.add(Long.parseLong(p.trim())));
            long escaper = Long.parseLong(Files.readString(work.resolve("setsid-pid")).trim());
            pids.forEach(p -> assertTrue(alive(p), "running before the kill: " + p));

            long killedAt = System.nanoTime();
            child.destroyForcibly(); // kill -9 of the sandbox process, mid-command
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (pids.stream().anyMatch(CommandsDieWithTheSandboxTest::alive) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long goneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            for (long p : pids) {
                assertFalse(alive(p), "process " + p + " outlived the sandbox process");
            }
            if (cgroups) {
                while (alive(escaper) && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(1)) {
                    Thread.sleep(10);
                }
                assertFalse(alive(escaper), "the setsid child outlived the sandbox process (cgroup sweep)");
            } else if (alive(escaper)) {
                ProcessHandle.of(escaper).ifPresent(ProcessHandle::destroyForcibly); // documented limit without cgroups
            }
            Thread.sleep(Math.max(0, 4_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)));
            assertFalse(Files.exists(work.resolve("late.txt")), "a child wrote its file after the sandbox died");
            System.out.println("sandbox process killed -9: its command's processes gone after " + goneMs + " ms"
                    + (cgroups ? " (setsid child too, by the cgroup sweep)" : ""));
        } finally {
            child.destroyForcibly();
        }
    }

    /** Alive and not a zombie (a reparented child may wait for a reaper that never comes). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
