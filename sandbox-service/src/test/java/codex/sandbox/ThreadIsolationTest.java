package codex.sandbox;

import static codex.sandbox.Sandboxes.EXECUTOR;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.SandboxPermission;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The design's promise: restrictions land on the throwaway spawning thread and the command only.
 * No other JVM thread (pools, JDK process reaper, JNA cleaner) ever carries no_new_privs or a
 * seccomp filter, no fd leaks, and no child is left unreaped.
 */
class ThreadIsolationTest {
    @TempDir
    Path cwd;

    private static final List<List<SandboxPermission>> POLICIES = List.of(
            perms("disk-write-cwd"),
            perms("disk-full-read-access", "disk-write-cwd"),
            perms("disk-full-write-access"),
            perms("disk-write-cwd", "network-full-access"),
            perms("disk-full-write-access", "network-full-access"));

    private ExecRequest request(int i) {
        return new ExecRequest(List.of("bash", "-c", "echo " + i + "; echo e >&2"), cwd, EnvPolicy.childEnvironment(),
                10_000, POLICIES.get(i % POLICIES.size()), 1 << 20, false);
    }

    @Test
    void noJvmThreadInheritsARestriction() throws Exception {
        List<CompletableFuture<ExecResult>> running = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            running.add(EXECUTOR.start(request(i), OutputListener.NONE).result());
            if (running.size() == 4) { // a few at a time, so several spawners and workers overlap
                for (CompletableFuture<ExecResult> f : running) {
                    assertEquals(0, f.get(10, TimeUnit.SECONDS).exitCode());
                }
                running.clear();
            }
        }
        for (CompletableFuture<ExecResult> f : running) {
            assertEquals(0, f.get(10, TimeUnit.SECONDS).exitCode());
        }
        // Wake the JDK's lazily created threads now, after the sandboxed spawns.
        Process p = new ProcessBuilder("cat", "/proc/self/status").redirectErrorStream(true).start();
        String childStatus = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertTrue(childStatus.contains("NoNewPrivs:\t0"), "a ProcessBuilder child is unrestricted:\n" + childStatus);
        assertTrue(childStatus.matches("(?s).*Seccomp:\\s+0\\n.*"), childStatus);
        CompletableFuture.supplyAsync(() -> 1).join();
        try (com.sun.jna.Memory m = new com.sun.jna.Memory(64)) {
            m.clear();
        }

        List<String> restricted = restrictedThreads();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!restricted.isEmpty() && System.nanoTime() < deadline) {
            // Only a spawning thread that is still on its way out may show up here.
            for (String t : restricted) {
                assertTrue(t.startsWith("codex-sandbox-s") || t.startsWith("codex-sandbox-p"),
                        "restricted JVM thread that is not a spawner: " + t);
            }
            Thread.sleep(20);
            restricted = restrictedThreads();
        }
        assertEquals(List.of(), restricted, "no live thread may carry a restriction");
    }

    /** "name (tid)" of every thread of this JVM with NoNewPrivs: 1 or Seccomp: 2. */
    static List<String> restrictedThreads() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String status;
                String name;
                try {
                    status = Files.readString(task.resolve("status"));
                    name = Files.readString(task.resolve("comm")).trim();
                } catch (IOException exited) {
                    continue;
                }
                if (status.contains("NoNewPrivs:\t1") || status.matches("(?s).*\\nSeccomp:\\s+2\\n.*")) {
                    out.add(name + " (" + task.getFileName() + ")");
                }
            }
        }
        return out;
    }

    @Test
    void fileDescriptorsDoNotLeakAndNoChildIsLeftUnreaped() throws Exception {
        for (int i = 0; i < 20; i++) { // warm up: pools, JIT, lazily opened files
            EXECUTOR.run(request(i));
        }
        int before = openFds();
        for (int i = 0; i < 300; i++) {
            ExecResult r = EXECUTOR.run(request(i));
            assertEquals(0, r.exitCode());
        }
        EXECUTOR.run(new ExecRequest(List.of("no-such-program-xyz"), cwd, EnvPolicy.childEnvironment(), 1000,
                perms("disk-write-cwd"), 1000, false));
        int after = openFds();
        assertTrue(after - before <= 3, "fds before " + before + ", after " + after);
        assertEquals(List.of(), childrenOfThisJvm(), "every command was reaped");
    }

    /** The one child that stays: the command reaper, which waits for this JVM to end. */
    private static final String REAPER = Long.toString(CommandReaper.get().watcherPid());

    private static int openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    private static List<String> childrenOfThisJvm() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String children = Files.readString(task.resolve("children")).trim();
                    children = java.util.Arrays.stream(children.split("\\s+")).filter(c -> !c.equals(REAPER))
                            .collect(java.util.stream.Collectors.joining(" "));
                    if (!children.isEmpty()) {
                        out.add(children);
                    }
                } catch (IOException exited) {
                    // thread ended meanwhile
                }
            }
        }
        return out;
    }
}
