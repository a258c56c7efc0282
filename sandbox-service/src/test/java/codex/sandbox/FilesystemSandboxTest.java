package codex.sandbox;

import static codex.sandbox.Sandboxes.bash;
import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Landlock filesystem rules, tried for real (as root: only Landlock can say no). */
class FilesystemSandboxTest {
    @TempDir
    Path tmp;
    Path cwd;
    Path outside;

    @BeforeEach
    void dirs() throws Exception {
        cwd = Sandboxes.mkdirs(tmp.resolve("work"));
        outside = Sandboxes.mkdirs(tmp.resolve("outside"));
    }

    @Test
    void writeInsideCwdWorks() throws Exception {
        ExecResult r = bash(cwd, perms("disk-write-cwd"), "echo hello > f && mkdir -p d/e && ln -s f link && cat link");
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals("hello\n", r.stdout());
        assertEquals("hello\n", Files.readString(cwd.resolve("f")));
        assertTrue(Files.isDirectory(cwd.resolve("d/e")));
        assertTrue(Files.isSymbolicLink(cwd.resolve("link")));
    }

    @Test
    void writeOutsideCwdFailsAndLeavesNoFile() {
        Path target = outside.resolve("f");
        ExecResult r = bash(cwd, perms("disk-write-cwd", "disk-full-read-access"), "echo x > " + target);
        assertTrue(r.exitCode() != 0, describe(r));
        assertTrue(r.stderr().contains("Permission denied"), describe(r));
        assertTrue(r.sandboxDenied(), "a refused write is flagged as a sandbox denial");
        assertFalse(Files.exists(target));
    }

    @Test
    void existingFileOutsideCannotBeTruncatedAppendedOrRemoved() throws Exception {
        Path victim = Files.writeString(outside.resolve("keep"), "precious");
        ExecResult truncate = bash(cwd, perms("disk-write-cwd"), ": > " + victim);
        ExecResult append = bash(cwd, perms("disk-write-cwd"), "echo more >> " + victim);
        ExecResult remove = bash(cwd, perms("disk-write-cwd"), "rm -f " + victim);
        assertTrue(truncate.exitCode() != 0, describe(truncate));
        assertTrue(append.exitCode() != 0, describe(append));
        assertTrue(remove.exitCode() != 0, describe(remove));
        assertEquals("precious", Files.readString(victim));
    }

    @Test
    void writeThroughSymlinkOutOfCwdFails() throws Exception {
        Files.createSymbolicLink(cwd.resolve("escape"), outside);
        ExecResult r = bash(cwd, perms("disk-write-cwd", "disk-full-read-access"), "echo x > escape/f");
        assertTrue(r.exitCode() != 0, describe(r));
        assertFalse(Files.exists(outside.resolve("f")));
    }

    @Test
    void moveOutOfCwdFails() throws Exception {
        Files.writeString(cwd.resolve("f"), "data");
        ExecResult r = bash(cwd, perms("disk-write-cwd", "disk-full-read-access"), "mv f " + outside + "/");
        assertTrue(r.exitCode() != 0, describe(r));
        assertTrue(Files.exists(cwd.resolve("f")), "the source is still there");
        assertFalse(Files.exists(outside.resolve("f")), "nothing arrived outside");
    }

    @Test
    void moveWithinCwdWorks() throws Exception {
        Files.writeString(cwd.resolve("f"), "data");
        Files.createDirectories(cwd.resolve("sub"));
        ExecResult r = bash(cwd, perms("disk-write-cwd"), "mv f sub/g");
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals("data", Files.readString(cwd.resolve("sub/g")));
    }

    @Test
    void globalTempNeedsItsPermission() throws Exception {
        Path target = Path.of("/tmp", "codex-sbx-" + UUID.randomUUID());
        try {
            ExecResult denied = bash(cwd, perms("disk-write-cwd"), "echo x > " + target);
            assertTrue(denied.exitCode() != 0, describe(denied));
            assertFalse(Files.exists(target));

            ExecResult allowed = bash(cwd, perms("disk-write-cwd", "disk-write-platform-global-temp-folder"),
                    "echo x > " + target);
            assertEquals(0, allowed.exitCode(), describe(allowed));
            assertTrue(Files.exists(target));
        } finally {
            Files.deleteIfExists(target);
        }
    }

    @Test
    void userTempFolderIsTheChildsTmpdir() throws Exception {
        Path userTmp = Sandboxes.mkdirs(tmp.resolve("usertmp"));
        Map<String, String> env = Map.of("TMPDIR", userTmp.toString());
        List<String> argv = List.of("bash", "-c", "echo x > \"$TMPDIR/f\"");
        ExecResult denied = Sandboxes.run(cwd, perms("disk-write-cwd"), env, 10_000, argv);
        assertTrue(denied.exitCode() != 0, describe(denied));
        ExecResult allowed = Sandboxes.run(cwd, perms("disk-write-cwd", "disk-write-platform-user-temp-folder"),
                env, 10_000, argv);
        assertEquals(0, allowed.exitCode(), describe(allowed));
        assertTrue(Files.exists(userTmp.resolve("f")));
    }

    @Test
    void devShmAndHomeAreNotWritable() {
        String name = "codex-sbx-" + UUID.randomUUID();
        Path home = Path.of(System.getProperty("user.home"));
        List<String> all = List.of("disk-write-cwd", "disk-write-platform-global-temp-folder",
                "disk-write-platform-user-temp-folder", "disk-full-read-access");
        ExecResult shm = bash(cwd, perms(all.toArray(String[]::new)), "echo x > /dev/shm/" + name);
        ExecResult inHome = bash(cwd, perms(all.toArray(String[]::new)), "echo x > " + home.resolve(name));
        assertTrue(shm.exitCode() != 0, describe(shm));
        assertTrue(inHome.exitCode() != 0, describe(inHome));
        assertFalse(Files.exists(Path.of("/dev/shm", name)));
        assertFalse(Files.exists(home.resolve(name)));
    }

    @Test
    void writeFolderAllowsItButNotItsSibling() throws Exception {
        Path allowed = Sandboxes.mkdirs(tmp.resolve("a"));
        Path sibling = Sandboxes.mkdirs(tmp.resolve("b"));
        ExecResult r = bash(cwd, perms("disk-write-folder=" + allowed),
                "echo in > " + allowed + "/f; echo out > " + sibling + "/f; echo cwd > " + cwd + "/f; true");
        assertEquals(0, r.exitCode(), describe(r));
        assertTrue(Files.exists(allowed.resolve("f")));
        assertFalse(Files.exists(sibling.resolve("f")));
        assertFalse(Files.exists(cwd.resolve("f")), "disk-write-folder alone does not make the cwd writable");
    }

    @Test
    void relativeWriteFolderIsResolvedAgainstCwd() throws Exception {
        Sandboxes.mkdirs(cwd.resolve("out"));
        ExecResult r = bash(cwd, perms("disk-write-folder=out"), "echo x > out/f && echo y > g");
        assertTrue(r.exitCode() != 0, describe(r));
        assertTrue(Files.exists(cwd.resolve("out/f")));
        assertFalse(Files.exists(cwd.resolve("g")));
    }

    @Test
    void writeFolderReachedThroughASymlinkIsCanonicalized() throws Exception {
        Path real = Sandboxes.mkdirs(tmp.resolve("real"));
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), real);
        ExecResult r = bash(cwd, perms("disk-write-folder=" + alias), "echo x > " + alias + "/f");
        assertEquals(0, r.exitCode(), describe(r));
        assertTrue(Files.exists(real.resolve("f")));
    }

    @Test
    void fullWriteAllowsEverything() throws Exception {
        Path target = outside.resolve("f");
        ExecResult r = bash(cwd, perms("disk-full-write-access"), "echo x > " + target);
        assertEquals(0, r.exitCode(), describe(r));
        assertTrue(Files.exists(target));
    }

    @Test
    void devNullStaysWritable() {
        ExecResult r = bash(cwd, perms(), "echo x > /dev/null && head -c 4 /dev/urandom | wc -c");
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals("4", r.stdout().trim());
    }

    @Test
    void readsOutsideTheListNeedFullReadAccess() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.txt"), "s3cret");
        ExecResult denied = bash(cwd, perms("disk-write-cwd"), "cat " + secret);
        assertTrue(denied.exitCode() != 0, describe(denied));
        assertFalse(denied.stdout().contains("s3cret"));
        assertTrue(denied.sandboxDenied());

        ExecResult allowed = bash(cwd, perms("disk-write-cwd", "disk-full-read-access"), "cat " + secret);
        assertEquals(0, allowed.exitCode(), describe(allowed));
        assertEquals("s3cret", allowed.stdout());
    }

    @Test
    void systemFoldersStayReadableWithoutFullRead() {
        ExecResult r = bash(cwd, perms(), "head -c 5 /etc/passwd >/dev/null && ls /usr/bin >/dev/null && "
                + "perl -e 'print 6*7' && head -c 9 /proc/cpuinfo >/dev/null");
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals("42", r.stdout());
    }

    @Test
    void theFolderOfTheProgramIsReadable() throws Exception {
        Path bin = Sandboxes.mkdirs(tmp.resolve("tools/bin"));
        Path tool = Files.writeString(bin.resolve("hello.sh"), "#!/bin/bash\necho from-tool\n");
        tool.toFile().setExecutable(true);
        ExecResult r = Sandboxes.run(cwd, perms(), Map.of(), 10_000, List.of(tool.toString()));
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals("from-tool\n", r.stdout());
    }

    @Test
    void anInterpreterOutsideTheReadableFoldersIsASandboxDenial() throws Exception {
        Path interpreters = Sandboxes.mkdirs(tmp.resolve("interpreters"));
        Path bash = Files.copy(Path.of("/usr/bin/bash"), interpreters.resolve("bash"));
        Path bin = Sandboxes.mkdirs(tmp.resolve("bin"));
        Path script = Files.writeString(bin.resolve("run"), "#!" + bash + "\necho ran\n");
        assertTrue(script.toFile().setExecutable(true));
        ExecResult r = Sandboxes.run(cwd, perms("disk-write-cwd"), Map.of(), 10_000, List.of(script.toString()));
        assertEquals(126, r.exitCode(), describe(r));
        assertTrue(r.sandboxDenied(), describe(r));
        ExecResult withRead = Sandboxes.run(cwd, perms("disk-write-cwd", "disk-full-read-access"), Map.of(), 10_000,
                List.of(script.toString()));
        assertEquals("ran\n", withRead.stdout(), describe(withRead));
    }

    @Test
    void otherProcessesSecretsInProcAreNotReadable() {
        long jvm = ProcessHandle.current().pid();
        ExecResult r = bash(cwd, perms("disk-write-cwd"), "cat /proc/" + jvm + "/environ");
        assertTrue(r.exitCode() != 0, describe(r));
        assertTrue(r.stdout().isEmpty());
    }
}
