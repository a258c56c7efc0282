package codex.sandbox;

import static codex.sandbox.Sandboxes.EXECUTOR;
import static codex.sandbox.Sandboxes.bash;
import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.SandboxPermission;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a caller sees: exit codes, signals, timeouts, cancellation, output capture, stdin, cwd, env. */
class ExecContractTest {
    private static final List<SandboxPermission> CWD = perms("disk-write-cwd");

    @TempDir
    Path cwd;

    private ExecRequest request(String script, long timeoutMs, int cap) {
        return new ExecRequest(List.of("bash", "-c", script), cwd, EnvPolicy.childEnvironment(), timeoutMs, CWD, cap,
                false);
    }

    @Test
    void exitCodePassesThrough() {
        ExecResult r = bash(cwd, CWD, "exit 42");
        assertEquals(42, r.exitCode());
        assertEquals(0, r.signal());
        assertFalse(r.timedOut());
        assertFalse(r.sandboxDenied());
    }

    @Test
    void signalPassesThroughAs128PlusSignal() {
        ExecResult r = bash(cwd, CWD, "kill -TERM $$");
        assertEquals(15, r.signal(), describe(r));
        assertEquals(128 + 15, r.exitCode());
    }

    @Test
    void stdoutAndStderrAreSeparate() {
        ExecResult r = bash(cwd, CWD, "echo out; echo err >&2");
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        assertEquals(0, r.droppedBytes());
    }

    @Test
    void stdinIsClosed() {
        ExecResult r = bash(cwd, CWD, "cat; read line; echo \"read=$?\"");
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals("read=1\n", r.stdout(), "stdin is at end of file at once");
    }

    @Test
    void runsInTheRequestedDirectoryWithTheRequestedEnvironment() throws Exception {
        Path sub = Files.createDirectories(cwd.resolve("sub"));
        Map<String, String> env = new HashMap<>(EnvPolicy.childEnvironment());
        env.put("GREETING", "bonjour");
        env.remove("NOT_THERE");
        ExecResult r = EXECUTOR.run(new ExecRequest(List.of("bash", "-c", "pwd; echo $GREETING; echo ${NOT_THERE-unset}"),
                sub, env, 10_000, CWD, 1 << 20, false));
        assertEquals(sub.toRealPath() + "\nbonjour\nunset\n", r.stdout(), describe(r));
    }

    @Test
    void programIsLookedUpOnTheChildsPath() throws Exception {
        Path bin = Files.createDirectories(cwd.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("only-here"), "#!/bin/sh\necho found\n");
        assertTrue(tool.toFile().setExecutable(true));
        Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin");
        ExecResult r = EXECUTOR.run(new ExecRequest(List.of("only-here"), cwd, env, 10_000, CWD, 1 << 20, false));
        assertEquals("found\n", r.stdout(), describe(r));
    }

    @Test
    void missingProgramGives127AndUnrunnableGives126() throws Exception {
        ExecResult missing = Sandboxes.run(cwd, CWD, Map.of(), 10_000, List.of("no-such-program-xyz"));
        assertEquals(127, missing.exitCode());
        assertTrue(missing.stderr().contains("command not found"), describe(missing));

        Path notExecutable = Files.writeString(cwd.resolve("plain.txt"), "echo hi\n");
        ExecResult unrunnable = Sandboxes.run(cwd, CWD, Map.of(), 10_000, List.of(notExecutable.toString()));
        assertEquals(126, unrunnable.exitCode(), describe(unrunnable));
        assertFalse(unrunnable.sandboxDenied(), "a missing execute bit is not the sandbox's doing");
    }

    @Test
    void timeoutKillsTheWholeProcessTreeEvenChildrenIgnoringSigterm() throws Exception {
        String script = "trap '' TERM; sleep 60 & echo $! > a.pid; "
                + "bash -c 'trap \"\" TERM; sleep 60' & echo $! > b.pid; sleep 60";
        long t0 = System.nanoTime();
        ExecResult r = EXECUTOR.run(request(script, 700, 1 << 20));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(r.timedOut(), describe(r));
        assertEquals(9, r.signal());
        assertEquals(137, r.exitCode());
        assertFalse(r.sandboxDenied());
        assertTrue(elapsedMs < 4_000, "returned after " + elapsedMs + " ms");
        for (String pidFile : List.of("a.pid", "b.pid")) {
            long pid = Long.parseLong(Files.readString(cwd.resolve(pidFile)).trim());
            assertTrue(waitUntilDead(pid), "process " + pid + " from " + pidFile + " survived the timeout");
        }
    }

    /** Dead = gone, or a zombie waiting for whoever adopted it. */
    static boolean waitUntilDead(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (!Files.exists(stat)) {
                return true;
            }
            try {
                String s = Files.readString(stat);
                char state = s.charAt(s.lastIndexOf(')') + 2);
                if (state == 'Z' || state == 'X') {
                    return true;
                }
            } catch (java.io.IOException gone) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void cancelKillsTheCommandAndSaysSo() throws Exception {
        ExecHandle handle = EXECUTOR.start(request("sleep 60 & echo $! > bg.pid; sleep 60", 0, 1 << 20),
                OutputListener.NONE);
        Path pidFile = cwd.resolve("bg.pid");
        for (int i = 0; i < 200 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) {
            Thread.sleep(10);
        }
        handle.cancel();
        ExecResult r = handle.result().get(5, TimeUnit.SECONDS);
        assertTrue(r.cancelled());
        assertFalse(r.timedOut());
        assertEquals(9, r.signal());
        assertTrue(waitUntilDead(Long.parseLong(Files.readString(pidFile).trim())), "background child survived");
    }

    @Test
    void outputOverTheCapIsTruncatedAndCounted() {
        List<byte[]> chunks = new java.util.ArrayList<>();
        ExecHandle h = EXECUTOR.start(request("head -c 5000 /dev/zero | tr '\\0' a; echo err >&2", 10_000, 1000),
                (stream, chunk) -> chunks.add(chunk));
        ExecResult r = h.result().join();
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals(1000, r.stdout().length() + r.stderr().length());
        assertEquals(5004 - 1000, r.droppedBytes());
        assertEquals(1000, chunks.stream().mapToInt(c -> c.length).sum(), "the listener sees what is kept");
    }

    @Test
    void defaultCapKeepsOneMebibyte() {
        ExecResult r = EXECUTOR.run(request("head -c 3145728 /dev/zero", 10_000, ExecRequest.DEFAULT_MAX_OUTPUT_BYTES));
        assertEquals(1024 * 1024, r.stdout().length());
        assertEquals(2L * 1024 * 1024, r.droppedBytes());
    }

    @Test
    void outputIsStreamedWhileTheCommandRuns() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ExecHandle h = EXECUTOR.start(request("echo first; sleep 1; echo second", 10_000, 1 << 20), (stream, chunk) -> {
            synchronized (all) {
                all.writeBytes(chunk);
                if (all.toString(StandardCharsets.UTF_8).contains("first")) {
                    firstSeen.countDown();
                }
            }
        });
        assertTrue(firstSeen.await(5, TimeUnit.SECONDS));
        assertFalse(h.result().isDone(), "the first chunk arrived before the command finished");
        ExecResult r = h.result().get(5, TimeUnit.SECONDS);
        assertEquals("first\nsecond\n", r.stdout());
        assertTrue(r.durationMs() >= 900, "duration " + r.durationMs());
    }

    @Test
    void backgroundChildHoldingThePipesDoesNotHoldTheResultForever() {
        long t0 = System.nanoTime();
        ExecResult r = EXECUTOR.run(request("sleep 30 & echo started", 0, 1 << 20));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(0, r.exitCode());
        assertEquals("started\n", r.stdout());
        assertTrue(elapsedMs < SandboxedExecutor.DRAIN_AFTER_EXIT_MS + 2_000, "took " + elapsedMs + " ms");
    }

    @Test
    void ordinaryFailuresAreNotSandboxDenials() {
        assertFalse(bash(cwd, CWD, "exit 1").sandboxDenied());
        assertFalse(bash(cwd, CWD, "ls /no/such/dir").sandboxDenied());
        ExecResult unrestricted = bash(cwd, perms("disk-full-write-access", "network-full-access"),
                "echo 'Permission denied' >&2; exit 1");
        assertFalse(unrestricted.sandboxDenied(), "nothing was restricted, so the sandbox denied nothing");
    }

    @Test
    void restrictedChildrenCarryTheRestrictionAndUnrestrictedOnesDoNot() {
        String status = "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status";
        ExecResult restricted = bash(cwd, perms("disk-full-read-access", "disk-write-cwd"), status);
        assertTrue(restricted.stdout().matches("(?s)NoNewPrivs:\\s+1\\nSeccomp:\\s+2\\n"), describe(restricted));
        ExecResult free = bash(cwd, perms("disk-full-write-access", "network-full-access"), status);
        assertTrue(free.stdout().matches("(?s)NoNewPrivs:\\s+0\\nSeccomp:\\s+0\\n"), describe(free));
    }

    @Test
    void sandboxedCommandCannotSignalTheExecutor() {
        org.junit.jupiter.api.Assumptions.assumeTrue(EXECUTOR.support().landlockAbi() >= 6, "needs Landlock ABI 6");
        ExecResult r = bash(cwd, CWD, "kill -0 " + ProcessHandle.current().pid());
        assertTrue(r.exitCode() != 0, describe(r));
        assertTrue(r.stderr().contains("Operation not permitted"), describe(r));
    }

    @Test
    void refusesToRunWhenTheKernelCannotEnforceThePolicy() {
        SandboxSupport noLandlock = new SandboxSupport("x86_64", 0, "the kernel has no Landlock support (ENOSYS)",
                true, null);
        SandboxSupport noSeccomp = new SandboxSupport("x86_64", 7, null, false, "seccomp is off");
        try (SandboxedExecutor withoutLandlock = new SandboxedExecutor(noLandlock);
             SandboxedExecutor withoutSeccomp = new SandboxedExecutor(noSeccomp)) {
            Path marker = cwd.resolve("ran");
            ExecRequest writes = request("touch ran", 10_000, 1 << 20);
            SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class,
                    () -> withoutLandlock.start(writes, OutputListener.NONE));
            assertTrue(e.getMessage().contains("Landlock is unavailable"), e.getMessage());
            assertTrue(e.getMessage().contains("ENOSYS"), e.getMessage());
            SandboxUnavailableException e2 = assertThrows(SandboxUnavailableException.class,
                    () -> withoutSeccomp.start(writes, OutputListener.NONE));
            assertTrue(e2.getMessage().contains("seccomp is unavailable"), e2.getMessage());
            assertFalse(Files.exists(marker), "nothing ran");

            ExecRequest free = new ExecRequest(List.of("bash", "-c", "touch ran"), cwd, EnvPolicy.childEnvironment(),
                    10_000, perms("disk-full-write-access", "network-full-access"), 1 << 20, false);
            assertEquals(0, withoutLandlock.run(free).exitCode(), "an unrestricted command needs no sandbox");
            assertTrue(Files.exists(marker));
        }
    }

    @Test
    void aMissingWorkingDirectoryIsRejectedUpFront() {
        ExecRequest r = new ExecRequest(List.of("true"), cwd.resolve("nope"), Map.of(), 1000, CWD, 1000, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EXECUTOR.start(r, OutputListener.NONE));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void manyCommandsCanRunAtOnce() throws Exception {
        AtomicLong ok = new AtomicLong();
        List<ExecHandle> handles = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            handles.add(EXECUTOR.start(request("sleep 0.2; echo " + i, 10_000, 1 << 20), OutputListener.NONE));
        }
        for (int i = 0; i < handles.size(); i++) {
            ExecResult r = handles.get(i).result().get(10, TimeUnit.SECONDS);
            if (r.exitCode() == 0 && r.stdout().equals(i + "\n")) {
                ok.incrementAndGet();
            }
        }
        assertEquals(16, ok.get());
    }
}
