package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-command process and memory limits, tried for real: a bounded fork flood and an allocation
 * past the limit, each while another command on the same executor keeps working.
 */
class ResourceLimitsTest {
    private static final int PROCESS_LIMIT = 64;
    private static final long MEMORY_LIMIT = 128 * CommandLimits.MIB;
    private static SandboxedExecutor limited;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        limited = new SandboxedExecutor(new CommandLimits(PROCESS_LIMIT, MEMORY_LIMIT));
    }

    @AfterAll
    static void stop() {
        limited.close();
    }

    private static boolean enforcedProcessLimit() {
        return limited.describeLimits().contains("process limit: " + PROCESS_LIMIT + " per command (cgroup")
                || limited.describeLimits().contains("(RLIMIT_NPROC");
    }

    private ExecResult run(long timeoutMs, String... argv) {
        return limited.run(new ExecRequest(List.of(argv), tmp, new HashMap<>(EnvPolicy.childEnvironment()),
                timeoutMs, Sandboxes.perms("disk-full-read-access", "disk-write-cwd"),
                ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false));
    }

    @Test
    void checkSaysWhichLimitsAreInForce() {
        String text = limited.describeLimits();
        assertTrue(text.contains("process limit: "), text);
        assertTrue(text.contains("memory limit: 128 MiB"), text);
    }

    @Test
    void aForkFloodStopsAtTheLimitWhileAnotherCommandKeepsWorking() throws Exception {
        assumeTrue(enforcedProcessLimit(), "no process limit can be enforced here: " + limited.describeLimits());
        // 3000 short sleepers at most; dash gives up at the first refused fork. Each sleeper ends by itself.
        CompletableFuture<ExecResult> flood = CompletableFuture.supplyAsync(() -> run(30_000, "/bin/sh", "-c",
                "i=0; while [ $i -lt 3000 ]; do sleep 3 & i=$((i+1)); done; echo all-started"));
        ExecResult bystander = run(10_000, "/bin/sh", "-c", "echo still-working");
        ExecResult r = flood.get(40, TimeUnit.SECONDS);
        assertEquals("still-working\n", bystander.stdout(), Sandboxes.describe(bystander));
        assertFalse(r.stdout().contains("all-started"), Sandboxes.describe(r));
        assertTrue(r.exitCode() != 0, Sandboxes.describe(r));
        assertTrue(r.stderr().contains("limit of " + PROCESS_LIMIT + " processes"), Sandboxes.describe(r));
        assertTrue(r.stderr().contains("[sandbox] max_processes"), Sandboxes.describe(r));
        ExecResult after = run(10_000, "/bin/sh", "-c", "echo next");
        assertEquals("next\n", after.stdout(), Sandboxes.describe(after));
    }

    @Test
    void anAllocationPastTheMemoryLimitIsStoppedAndReported() {
        // 400 MiB in one string: far past 128 MiB
        ExecResult r = run(30_000, "perl", "-e", "my $x = 'a' x (400 * 1024 * 1024); print qq(allocated\\n);");
        assertFalse(r.stdout().contains("allocated"), Sandboxes.describe(r));
        assertTrue(r.exitCode() != 0, Sandboxes.describe(r));
        assertTrue(r.stderr().contains("memory limit of 128 MiB"), Sandboxes.describe(r));
        ExecResult small = run(10_000, "perl", "-e", "my $x = 'a' x (16 * 1024 * 1024); print qq(fine\\n);");
        assertEquals("fine\n", small.stdout(), Sandboxes.describe(small));
    }

    @Test
    void limitsOutOfRangeAreRefusedWithTheKeyName() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CommandLimits(3, 0));
        assertTrue(e.getMessage().contains("max_processes"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CommandLimits.of(null, 4L));
        assertTrue(e.getMessage().contains("max_memory_mb"), e.getMessage());
    }

    @Test
    void defaultMemoryIsAQuarterOfTheMachineWithinBounds() {
        assertEquals(6L * 1024 * CommandLimits.MIB, CommandLimits.defaultMemoryBytes(24L * 1024 * CommandLimits.MIB));
        assertEquals(1024 * CommandLimits.MIB, CommandLimits.defaultMemoryBytes(2L * 1024 * CommandLimits.MIB));
        assertEquals(16L * 1024 * CommandLimits.MIB, CommandLimits.defaultMemoryBytes(256L * 1024 * CommandLimits.MIB));
    }

    @Test
    void commandsOfASandboxServiceThatDiedAreKilledWhenTheNextOneStarts() throws Exception {
        var pidsDir = ResourceLimiter.CgroupV1.ownDirectories().get("pids");
        assumeTrue(pidsDir != null && java.nio.file.Files.isWritable(pidsDir), "no writable pids cgroup here");
        // a group as a killed service leaves it: its pid is gone, its command still runs
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path stale = pidsDir.resolve("codex-sandbox-" + dead.pid() + "-1").resolve("cmd-1");
        java.nio.file.Files.createDirectories(stale);
        Process orphan = new ProcessBuilder("sleep", "60").start();
        try {
            java.nio.file.Files.writeString(stale.resolve("cgroup.procs"), Long.toString(orphan.pid()));
            new SandboxedExecutor(new CommandLimits(PROCESS_LIMIT, 0)).close();
            assertTrue(orphan.waitFor(5, TimeUnit.SECONDS), "the orphaned command was not killed");
            assertFalse(java.nio.file.Files.exists(stale.getParent()), "the stale group was not removed");
        } finally {
            orphan.destroyForcibly();
        }
    }

    /**
     * cgroup v1: an empty group of a finished command serves the next one (two mkdir and rmdir per command
     * serialised every spawn on the kernel's cgroup lock), with the limits still set and the earlier
     * command's OOM kill not blamed on the later one.
     */
    @Test
    void aFinishedCommandsGroupServesTheNextWithoutItsCounts() throws Exception {
        try (SandboxedExecutor own = new SandboxedExecutor(new CommandLimits(PROCESS_LIMIT, MEMORY_LIMIT))) {
            assumeTrue(own.describeLimits().contains("(cgroup v1 memory"), "no v1 memory cgroup here: " + own.describeLimits());
            java.util.function.Function<String, ExecResult> sh = script -> own.run(new ExecRequest(
                    List.of("/bin/sh", "-c", script), tmp, new HashMap<>(EnvPolicy.childEnvironment()), 30_000,
                    Sandboxes.perms("disk-full-read-access", "disk-write-cwd"), ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false));
            String group = "grep -E ':memory:' /proc/self/cgroup";
            ExecResult first = sh.apply(group);
            assertTrue(first.stdout().contains("/cmd-"), Sandboxes.describe(first));
            ExecResult oom = sh.apply(group + "; perl -e 'my $x = \"a\" x (400 * 1024 * 1024); print qq(allocated\\n);'");
            assertEquals(first.stdout(), oom.stdout().replace("allocated\n", ""), "the same group, reused");
            assertTrue(oom.stderr().contains("memory limit of 128 MiB"), Sandboxes.describe(oom));
            for (int i = 0; i < 3; i++) {
                ExecResult next = sh.apply(group + "; perl -e 'my $x = \"a\" x (16 * 1024 * 1024); print qq(fine\\n);'");
                assertEquals(first.stdout() + "fine\n", next.stdout(), Sandboxes.describe(next));
                assertFalse(next.stderr().contains("limit"), "an earlier command's OOM kill is not this one's: "
                        + Sandboxes.describe(next));
            }
            ExecResult big = sh.apply("perl -e 'my $x = \"a\" x (400 * 1024 * 1024); print qq(allocated\\n);'");
            assertTrue(big.stderr().contains("memory limit of 128 MiB"), "the reused group still limits: "
                    + Sandboxes.describe(big));
        }
    }
}
