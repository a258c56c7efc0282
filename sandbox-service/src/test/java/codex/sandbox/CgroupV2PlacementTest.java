package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup v2 path for real, on this machine's cgroup2 mount: each command is in its own
 * {@code cmd-N} group before it runs anything, its processes are killed through the group on a timeout,
 * and the group is removed afterwards. The mount here has no pids/memory controller to enable (they are
 * bound to v1), so the groups carry no limit: the test is about placement and clean-up; the limits
 * themselves are {@link ResourceLimitsTest}'s (v1 here) and {@link CgroupV2Test}'s (file contents).
 * Needs root and a writable cgroup2 mount; skipped otherwise (under CI=true, as root with a cgroup2 mount,
 * it must run).
 */
class CgroupV2PlacementTest {
    private static final Pattern V2_LINE = Pattern.compile("(?m)^0::(\\S*)$");
    private static SandboxedExecutor executor;
    private static Path base;
    private static Path parent;
    private static ResourceLimiter limiter;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Optional<CgroupV2.Location> location = CgroupV2.locate(Files.readAllLines(Path.of("/proc/self/cgroup")),
                Files.readAllLines(Path.of("/proc/self/mountinfo")));
        boolean ci = "true".equals(System.getenv("CI"));
        if (!root || location.isEmpty()) {
            Assumptions.abort(!root ? "needs root (a writable cgroup2 group of our own)" : "no cgroup2 mount here");
        }
        base = location.get().dir();
        if (!Files.isWritable(base.resolve("cgroup.procs"))) {
            assertFalse(ci, "under CI=true, as root, " + base + " must be writable");
            Assumptions.abort(base + " is not writable (a read-only cgroup mount)");
        }
        limiter = ResourceLimiter.v2(new CommandLimits(64, 0), base, Set.of(),
                ResourceLimiter.nextInstance(), true);
        executor = new SandboxedExecutor(SandboxSupport.probe(), limiter);
        parent = limiter.v2Directory();
        assertEquals(base, parent.getParent());
        assertTrue(Files.isDirectory(parent), parent + " missing");
    }

    @AfterAll
    static void stop() {
        if (executor != null) {
            executor.close();
            assertFalse(Files.exists(parent), "the executor's group is removed when it closes: " + parent);
            assertFalse(Files.exists(limiter.gateDirectory()), "the gate folder is removed when it closes");
        }
    }

    @AfterEach
    void noDelay() {
        ResourceLimiter.placementDelayMsForTests = 0;
        ResourceLimiter.blindForTests = false;
        ResourceLimiter.giveUpNanos = 30_000_000_000L;
    }

    private ExecResult run(long timeoutMs, List<String> perms, String... argv) {
        return executor.run(new ExecRequest(List.of(argv), tmp, new HashMap<>(EnvPolicy.childEnvironment()),
                timeoutMs, Sandboxes.perms(perms.toArray(String[]::new)), ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false));
    }

    private static String groupOf(ExecResult r) {
        Matcher m = V2_LINE.matcher(r.stdout());
        assertTrue(m.find(), "no 0:: line: " + Sandboxes.describe(r));
        return m.group(1);
    }

    private static List<String> commandGroups() throws Exception {
        List<String> out = new ArrayList<>();
        try (var entries = Files.list(parent)) {
            entries.filter(Files::isDirectory).forEach(p -> out.add(p.getFileName().toString()));
        }
        return out;
    }

    @Test
    void theCommandIsInItsGroupFromTheStartAndTheGroupIsGoneAfterwards() throws Exception {
        // The worker waits 300 ms before it places the child: a command placed after it started would
        // long have printed the service's group by then.
        ResourceLimiter.placementDelayMsForTests = 300;
        String prefix = "/" + base.relativize(parent) + "/cmd-";
        for (List<String> perms : List.of(List.of("disk-full-read-access", "disk-write-cwd"),
                List.of("disk-full-write-access", "network-full-access"))) { // sandboxed, and unrestricted
            ExecResult r = run(10_000, perms, "cat", "/proc/self/cgroup");
            assertEquals(0, r.exitCode(), Sandboxes.describe(r));
            String group = groupOf(r);
            assertTrue(group.startsWith(prefix), perms + ": " + group + " is not a command group under " + prefix);
            String name = group.substring(group.lastIndexOf('/') + 1);
            assertFalse(commandGroups().contains(name), "group " + name + " left behind: " + commandGroups());
        }
    }

    @Test
    void theGateWorksUnderLandlockWithoutFullReadAccess() {
        ExecResult r = run(10_000, List.of("disk-write-cwd"), "/bin/sh", "-c", "echo ran > out.txt; echo ok");
        assertEquals("ok\n", r.stdout(), Sandboxes.describe(r));
    }

    @Test
    void concurrentCommandsEachGetTheirOwnGroup() throws Exception {
        List<CompletableFuture<ExecResult>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> run(20_000, List.of("disk-full-read-access"),
                    "/bin/sh", "-c", "cat /proc/self/cgroup; sleep 0.2")));
        }
        Set<String> groups = new HashSet<>();
        for (CompletableFuture<ExecResult> f : runs) {
            ExecResult r = f.get(60, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode(), Sandboxes.describe(r));
            groups.add(groupOf(r));
        }
        assertEquals(8, groups.size(), "each command in a group of its own: " + groups);
        assertTrue(groups.stream().allMatch(g -> g.contains("/cmd-")), groups.toString());
    }

    @Test
    void aTimeoutKillsEveryProcessOfTheGroupSetsidIncluded() throws Exception {
        // Unrestricted: no Landlock domain, so no kill switch either; only the group reaches the setsid child.
        ExecResult r = run(1_000, List.of("disk-full-write-access", "network-full-access"), "/bin/sh", "-c",
                "setsid sh -c 'echo $$ > bg.pid; exec sleep 60' & cat /proc/self/cgroup; sleep 60");
        assertTrue(r.timedOut(), Sandboxes.describe(r));
        String name = groupOf(r).substring(groupOf(r).lastIndexOf('/') + 1);
        long background = Long.parseLong(Files.readString(tmp.resolve("bg.pid")).strip());
        long deadline = System.currentTimeMillis() + 5_000;
        while (ProcessHandle.of(background).map(ProcessHandle::isAlive).orElse(false)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(background).map(ProcessHandle::isAlive).orElse(false),
                "the setsid child survived the timeout");
        assertFalse(commandGroups().contains(name), "group " + name + " left behind: " + commandGroups());
    }

    @Test
    void aProgramThatCannotRunLeavesNoGroup() throws Exception {
        Path script = Files.writeString(tmp.resolve("not-executable.sh"), "echo no\n");
        ExecResult r = run(10_000, List.of("disk-full-read-access"), script.toString());
        assertEquals(126, r.exitCode(), Sandboxes.describe(r));
        assertEquals(List.of(), commandGroups());
    }

    @Test
    void aCommandThatCannotBePlacedIsNotRun() throws Exception {
        // the group vanishes while the worker waits to place the child: the child must die at the gate
        ResourceLimiter.placementDelayMsForTests = 500;
        List<String> before = commandGroups();
        CompletableFuture<Void> remover = CompletableFuture.runAsync(() -> {
            long deadline = System.currentTimeMillis() + 5_000;
            try {
                while (System.currentTimeMillis() < deadline) {
                    for (String name : commandGroups()) {
                        if (!before.contains(name)) {
                            Files.delete(parent.resolve(name));
                            return;
                        }
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        var e = org.junit.jupiter.api.Assertions.assertThrows(SandboxUnavailableException.class,
                () -> run(10_000, List.of("disk-full-read-access", "disk-write-cwd"), "/bin/sh", "-c", "echo ran > ran.txt"));
        remover.get(10, TimeUnit.SECONDS);
        assertTrue(e.getMessage().contains("resource-limit group") && e.getMessage().contains("was not run"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("ran.txt")), "the command ran although it could not be placed");
        // its spawning thread (restricted, serving the kill switch on Landlock ABI >= 6) has ended too
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("codex-sandbox-spawn") && t.isAlive()), "a spawning thread was left");
        ResourceLimiter.placementDelayMsForTests = 0;
        ExecResult next = run(10_000, List.of("disk-full-read-access"), "/bin/echo", "next");
        assertEquals("next\n", next.stdout(), Sandboxes.describe(next));
    }

    @Test
    void aGateOpenedBySomeoneElseBeforeThePlacementFailsTheCommand() throws Exception {
        // another process of the same user opens the command's FIFO for writing while the worker waits to
        // place it: the child runs on unplaced, so the worker must notice and kill it
        ResourceLimiter.placementDelayMsForTests = 700;
        CompletableFuture<Boolean> intruder = CompletableFuture.supplyAsync(() -> {
            long deadline = System.currentTimeMillis() + 5_000;
            try {
                while (System.currentTimeMillis() < deadline) {
                    try (var gates = Files.list(limiter.gateDirectory())) {
                        Optional<Path> gate = gates.findFirst();
                        if (gate.isPresent()) {
                            Thread.sleep(100); // let the child block on it
                            try (var release = new java.io.FileOutputStream(gate.get().toFile())) {
                                Thread.sleep(300);
                            }
                            return true;
                        }
                    }
                    Thread.sleep(2);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return false;
        });
        var e = org.junit.jupiter.api.Assertions.assertThrows(SandboxUnavailableException.class,
                () -> run(10_000, List.of("disk-full-read-access", "disk-write-cwd"), "/bin/sh", "-c",
                        "sleep 2; echo ran > ran.txt"));
        assertTrue(intruder.get(10, TimeUnit.SECONDS), "the intruder never saw the gate");
        assertTrue(e.getMessage().contains("before it was placed"), e.getMessage());
        Thread.sleep(2_500);
        assertFalse(Files.exists(tmp.resolve("ran.txt")), "the released command went on running");
    }

    @Test
    void aChildNeverFoundAtItsGateIsKilledAndTheRequestFails() {
        // as with unreadable /proc/PID/syscall: the worker gives up, lets it go and kills it at once
        ResourceLimiter.blindForTests = true;
        ResourceLimiter.giveUpNanos = 500_000_000L;
        long started = System.nanoTime();
        var e = org.junit.jupiter.api.Assertions.assertThrows(SandboxUnavailableException.class,
                () -> run(10_000, List.of("disk-full-read-access", "disk-write-cwd"), "/bin/sleep", "60"));
        assertTrue(e.getMessage().contains("not found at its gate"), e.getMessage());
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "gave up late");
        assertFalse(ProcessHandle.current().children().anyMatch(p -> p.info().command().orElse("").endsWith("sleep")),
                "the command outlived the failed placement");
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("codex-sandbox-spawn") && t.isAlive()), "a spawning thread was left");
    }

    @Test
    void manyCommandsLeaveNoFdGroupOrGateBehind() throws Exception {
        run(10_000, List.of("disk-full-read-access"), "/bin/true"); // warm
        int before = openFds();
        for (int i = 0; i < 40; i++) {
            ExecResult r = run(10_000, List.of(i % 2 == 0 ? "disk-full-read-access" : "disk-write-cwd"), "/bin/true");
            assertEquals(0, r.exitCode(), Sandboxes.describe(r));
        }
        int after = openFds();
        assertTrue(after - before <= 3, "fds before " + before + ", after " + after);
        assertEquals(List.of(), commandGroups());
        try (var left = Files.list(limiter.gateDirectory())) {
            assertEquals(0, left.count(), "gate FIFOs left in " + limiter.gateDirectory());
        }
    }

    private static int openFds() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    @Test
    void checkSaysWhyV2IsNotUsedForLimitsHere() {
        // this machine's cgroup2 mount has no pids/memory: the default executor falls back and says so
        String text = Sandboxes.EXECUTOR.describeLimits();
        assertTrue(text.contains("cgroups: cgroup v2 (") || text.contains("(cgroup v2 pids, "), text);
    }
}
