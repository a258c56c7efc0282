package codex.sandbox;

import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Landlock restricts root too, but root has other doors: device nodes and kernel administration.
 * These tests only mean something as root (elsewhere the kernel refuses on its own), so they
 * first check that the door is open when unsandboxed.
 */
class RootEscapeTest {
    @TempDir
    Path cwd;

    @Test
    void deviceNodesCannotBeCreatedEvenInAWritableRoot() {
        String mknod = "mknod null2 c 1 3";
        ExecResult free = Sandboxes.bash(cwd, perms("disk-full-write-access", "network-full-access"), mknod);
        assumeTrue(free.exitCode() == 0, "mknod needs root (CAP_MKNOD): " + describe(free));
        assertTrue(Files.exists(cwd.resolve("null2")));
        ExecResult sandboxed = Sandboxes.bash(cwd, perms("disk-write-cwd"), "mknod null3 c 1 3");
        assertTrue(sandboxed.exitCode() != 0, describe(sandboxed));
        assertFalse(Files.exists(cwd.resolve("null3")));
        ExecResult fifo = Sandboxes.bash(cwd, perms("disk-write-cwd"), "mkfifo pipe");
        assertEquals(0, fifo.exitCode(), "FIFOs are still fine: " + describe(fifo));
    }

    @Test
    void kernelAdministrationIsDeniedEvenWithNetworkAllowed() {
        assumeTrue(com.sun.jna.Platform.isIntel(), "syscall number is x86_64's");
        // swapoff of a path that does not exist: ENOENT (2) when allowed, EPERM (1) when filtered.
        String script = "my $n = '/codex/no/such/swap'; my $r = syscall(168, $n); print $r < 0 ? 0 + $! : 'ok';";
        List<String> argv = List.of("/usr/bin/perl", "-e", script);
        ExecResult free = Sandboxes.run(cwd, perms("disk-full-write-access", "network-full-access"), Map.of(), 10_000,
                argv);
        assumeTrue("2".equals(free.stdout()), "needs root (CAP_SYS_ADMIN) and swap support: " + describe(free));
        ExecResult fsOnly = Sandboxes.run(cwd, perms("disk-write-cwd", "network-full-access"), Map.of(), 10_000, argv);
        assertEquals("1", fsOnly.stdout(), describe(fsOnly));
        ExecResult netOnly = Sandboxes.run(cwd, perms("disk-full-write-access"), Map.of(), 10_000, argv);
        assertEquals("1", netOnly.stdout(), describe(netOnly));
    }

    @Test
    void mountingIsDeniedWhenFilesAreRestricted() throws Exception {
        Files.createDirectories(cwd.resolve("m"));
        ExecResult free = Sandboxes.bash(cwd, perms("disk-full-write-access", "network-full-access"),
                "mount -t tmpfs none m && umount m");
        assumeTrue(free.exitCode() == 0, "mount needs root (CAP_SYS_ADMIN): " + describe(free));
        ExecResult sandboxed = Sandboxes.bash(cwd, perms("disk-write-cwd", "network-full-access"),
                "mount -t tmpfs none m");
        assertTrue(sandboxed.exitCode() != 0, describe(sandboxed));
        ExecResult check = Sandboxes.bash(cwd, perms("disk-full-write-access", "network-full-access"),
                "mountpoint -q m && umount m && echo was-mounted; true");
        assertEquals("", check.stdout(), "the sandboxed mount must not have happened");
    }
}
