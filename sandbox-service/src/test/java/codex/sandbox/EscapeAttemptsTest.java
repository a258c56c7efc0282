package codex.sandbox;

import static codex.sandbox.Sandboxes.EXECUTOR;
import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import codex.protocol.SandboxPermission;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a malicious or confused model-generated command would try, under the permission lists
 * agents really get. Each test tries the escape for real; when the door is only shut for root (or
 * only open for root), the test first checks that the door exists here, unsandboxed, and is
 * skipped otherwise.
 *
 * <p>Names ending in {@code _documentedLimit} assert today's behaviour where the sandbox cannot
 * (or by design does not) stop the attempt; each is listed under "Known limits" in the README.
 */
class EscapeAttemptsTest {
    private static final String PERL = "/usr/bin/perl";
    /** What agents usually run with. */
    private static final List<SandboxPermission> READ_ALL_WRITE_CWD = perms("disk-full-read-access", "disk-write-cwd");
    /** The narrowest useful list: no full read, cwd writable. */
    private static final List<SandboxPermission> CWD_ONLY = perms("disk-write-cwd");
    private static final List<SandboxPermission> READ_ONLY = perms("disk-full-read-access");
    private static final List<SandboxPermission> UNRESTRICTED = perms("disk-full-write-access", "network-full-access");
    private static final String PRECIOUS = "precious\n";

    @TempDir
    Path tmp;
    Path cwd;
    Path outside;
    /** A file outside every writable root that no attempt may change. */
    Path victim;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void dirs() throws Exception {
        cwd = Files.createDirectories(tmp.resolve("work"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        victim = Files.writeString(outside.resolve("keep"), PRECIOUS);
    }

    @AfterEach
    void stopHelpers() {
        started.forEach(Process::destroyForcibly);
    }

    // ---------------------------------------------------------------- helpers

    private ExecResult sh(List<SandboxPermission> perms, String script) {
        return Sandboxes.bash(cwd, perms, script);
    }

    private ExecResult perl(List<SandboxPermission> perms, String script, String... args) {
        assumeTrue(Files.isExecutable(Path.of(PERL)), "perl is needed for the syscall-level attempts");
        List<String> argv = new ArrayList<>(List.of(PERL, "-e", script));
        argv.addAll(List.of(args));
        return Sandboxes.run(cwd, perms, Map.of(), 10_000, argv);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean has(String tool) {
        return Stream.of("/usr/bin", "/bin", "/usr/sbin", "/sbin").anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private void assertVictimIntact() throws IOException {
        assertTrue(Files.exists(victim), "the file outside the roots is still there");
        assertEquals(PRECIOUS, Files.readString(victim), "the file outside the roots is unchanged");
    }

    /** An unrestricted process outside the sandbox (stands for the executor, an IDE, a shell...). */
    private Process bystander() throws IOException {
        Process p = new ProcessBuilder("sleep", "60").redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static String procField(long pid, String file, String prefix) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/" + file)).stream().filter(l -> l.startsWith(prefix))
                .findFirst().orElse("");
    }

    /** Field n (1-based, as in proc(5)) of /proc/pid/stat. */
    private static String statField(long pid, int n) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return rest[n - 3];
    }

    /** The executor's effective capabilities (non-zero when it runs as root). */
    private static long jvmCapabilities() throws IOException {
        return Long.parseLong(procField(ProcessHandle.current().pid(), "status", "CapEff:").split("\\s+")[1], 16);
    }

    private static void assumeSignalScoping() {
        assumeTrue(EXECUTOR.support().landlockAbi() >= 6, "needs Landlock ABI 6 (signal scoping)");
    }

    // ---------------------------------------------------------------- writing outside the roots

    @Nested
    class WritesOutsideTheRoots {
        @Test
        void hardLinkingAnOutsideFileIntoCwdIsRefused() throws Exception {
            String script = """
                    my ($victim) = @ARGV;
                    print link($victim, "hl") ? "LINKED\\n" : "link: $!\\n";
                    my $opath = syscall(257, -100, $victim, 0x200000, 0); # openat(O_PATH) needs no right
                    my $empty = ""; my $dst = "hl2"; my $via = "/proc/self/fd/$opath";
                    print syscall(265, $opath, $empty, -100, $dst, 0x1000) < 0 ? "linkat-empty-path: $!\\n" : "LINKED\\n";
                    print syscall(265, -100, $via, -100, $dst, 0x400) < 0 ? "linkat-proc-fd: $!\\n" : "LINKED\\n";
                    """;
            for (List<SandboxPermission> p : List.of(READ_ALL_WRITE_CWD, CWD_ONLY)) {
                ExecResult r = perl(p, script, victim.toString());
                assertFalse(r.stdout().contains("LINKED"), p + ": " + describe(r));
                assertTrue(r.stdout().contains("link: "), describe(r));
                Sandboxes.bash(cwd, p, "echo pwned >> hl; echo pwned >> hl2");
            }
            assertEquals(1, (int) Files.getAttribute(victim, "unix:nlink"), "no second name for the victim");
            assertVictimIntact();
        }

        @Test
        void renamingReplacingOrRemovingAnOutsideFileIsRefused() throws Exception {
            String v = victim.toString();
            ExecResult r = sh(READ_ALL_WRITE_CWD, "mv " + v + " ./moved; cp --remove-destination /etc/hostname " + v
                    + "; touch x; mv -f x " + v + "; ln -sf /etc/hostname " + v + "; rm -f " + v
                    + "; mv " + outside + " ./outside-moved; true");
            assertFalse(Files.exists(cwd.resolve("moved")), describe(r));
            assertFalse(Files.exists(cwd.resolve("outside-moved")), describe(r));
            assertTrue(r.stderr().contains("Permission denied"), describe(r));
            assertVictimIntact();
        }

        @Test
        void truncatingAnOutsideFileIsRefused() throws Exception {
            String v = victim.toString();
            ExecResult r = sh(READ_ALL_WRITE_CWD, ": > " + v + "; truncate -s 0 " + v
                    + "; perl -e 'use Fcntl; print sysopen(my $f, $ARGV[0], O_WRONLY|O_TRUNC) ? \"OPENED\" : \"o_trunc: $!\"' "
                    + v);
            assertTrue(r.stdout().contains("o_trunc: Permission denied"), describe(r));
            assertVictimIntact();
        }

        @Test
        void reopeningAReadOnlyFdForWritingThroughProcIsRefused() throws Exception {
            String script = """
                    use Fcntl;
                    my ($victim) = @ARGV;
                    sysopen(my $ro, $victim, O_RDONLY) or die "read-only open: $!\\n";
                    my $n = fileno($ro);
                    for my $p ("/proc/self/fd/$n", "/dev/fd/$n", "/proc/thread-self/fd/$n",
                               "/proc/self/root$victim", "/proc/" . getppid() . "/root$victim") {
                        print sysopen(my $w, $p, O_WRONLY|O_APPEND) ? "OPENED $p\\n" : "refused $p: $!\\n";
                    }
                    """;
            ExecResult r = perl(READ_ALL_WRITE_CWD, script, victim.toString());
            assertEquals(0, r.exitCode(), describe(r));
            assertEquals(5, r.stdout().lines().filter(l -> l.startsWith("refused")).count(), describe(r));
            assertVictimIntact();
        }

        @Test
        void aSymlinkMadeInCwdCannotBeWrittenThrough() throws Exception {
            ExecResult r = sh(READ_ALL_WRITE_CWD, "ln -s " + victim + " link && ln -s " + outside + " dir && "
                    + "{ echo pwned >> link; echo new > dir/new; cp /etc/hostname link; true; }");
            assertTrue(Files.isSymbolicLink(cwd.resolve("link")), describe(r));
            assertFalse(Files.exists(outside.resolve("new")), describe(r));
            assertVictimIntact();
        }

        @Test
        void openByHandleIsRefused() throws Exception {
            // Opening by handle skips the path walk; Landlock then checks whichever name of the inode
            // the kernel picks (EACCES here without the filter). The filter refuses it first (EPERM).
            String script = """
                    my ($victim, $dir) = @ARGV;
                    my $handle = pack("Lla128", 128, 0, "\\0" x 128); my $mount = pack("l", 0);
                    syscall(303, -100, $victim, $handle, $mount, 0) == 0 or die "name_to_handle_at: $!\\n";
                    opendir(my $d, $dir) or die "opendir: $!\\n";
                    my $fd = syscall(304, fileno($d) + 0, $handle, 1025); # O_WRONLY|O_APPEND
                    if ($fd < 0) { print "open_by_handle_at: $!\\n"; exit 0 }
                    open(my $w, ">&=", $fd) or die; print $w "pwned\\n"; close $w; print "WROTE\\n";
                    """;
            Path scratch = Files.writeString(outside.resolve("scratch"), "");
            ExecResult free = perl(UNRESTRICTED, script, scratch.toString(), cwd.toString());
            assumeTrue(free.stdout().contains("WROTE"), "open_by_handle_at needs CAP_DAC_READ_SEARCH: " + describe(free));
            for (List<SandboxPermission> p : List.of(READ_ALL_WRITE_CWD, CWD_ONLY, READ_ONLY)) {
                ExecResult r = perl(p, script, victim.toString(), cwd.toString());
                assertEquals("open_by_handle_at: Operation not permitted\n", r.stdout(), p + ": " + describe(r));
            }
            assertVictimIntact();
        }

        @Test
        void mountsBindsAndPivotRootInNewNamespacesAreRefused() throws Exception {
            String script = """
                    my ($outside, $cwd) = @ARGV;
                    mkdir "old";
                    for my $flags (0x10020000, 0x00020000) { # CLONE_NEWUSER|CLONE_NEWNS, then CLONE_NEWNS alone
                        my $pid = fork();
                        if ($pid == 0) {
                            print syscall(272, $flags) < 0 ? "unshare($flags): $!\\n" : "unshared($flags)\\n";
                            my $none = "none"; my $tmpfs = "tmpfs"; my $empty = ""; my $dot = "."; my $old = "old";
                            print syscall(165, $none, $outside, $tmpfs, 0, 0) < 0 ? "mount: $!\\n" : "MOUNTED\\n";
                            print syscall(165, $cwd, $outside, $empty, 4096, 0) < 0 ? "bind: $!\\n" : "MOUNTED\\n";
                            print syscall(155, $dot, $old) < 0 ? "pivot_root: $!\\n" : "PIVOTED\\n";
                            exit 0;
                        }
                        waitpid($pid, 0);
                    }
                    """;
            ExecResult r = perl(READ_ALL_WRITE_CWD, script, outside.toString(), cwd.toString());
            assertEquals(0, r.exitCode(), describe(r));
            assertTrue(r.stdout().contains("unshared(268566528)"), "a user namespace may be made: " + describe(r));
            assertFalse(r.stdout().contains("MOUNTED"), describe(r));
            assertFalse(r.stdout().contains("PIVOTED"), describe(r));
            assertVictimIntact();
        }

        @Test
        void chrootDoesNotWidenAccess() throws Exception {
            String script = """
                    my ($outside) = @ARGV;
                    chroot($outside) or die "chroot: $!\\n";
                    chdir("/");
                    print open(my $f, ">>", "/keep") ? "WROTE\\n" : "write after chroot: $!\\n";
                    """;
            ExecResult free = perl(UNRESTRICTED, "chroot('/') ? print 'ok' : print $!");
            assumeTrue("ok".equals(free.stdout()), "chroot needs CAP_SYS_CHROOT: " + describe(free));
            ExecResult r = perl(READ_ALL_WRITE_CWD, script, outside.toString());
            assertEquals("write after chroot: Permission denied\n", r.stdout(), describe(r));
            assertVictimIntact();
        }

        @Test
        void aProgramRunFromMemoryKeepsTheRestrictions() throws Exception {
            // memfd_create + execveat(AT_EMPTY_PATH): a binary that never touched the disk.
            String script = """
                    my ($victim) = @ARGV;
                    my $name = "x"; my $fd = syscall(319, $name, 0); die "memfd_create: $!\\n" if $fd < 0;
                    open(my $m, ">&=", $fd) or die; open(my $b, "<", "/bin/bash") or die "bash: $!\\n";
                    binmode $b; binmode $m; { local $/; my $all = <$b>; print $m $all; } close $b; $m->flush;
                    my @argv = ("bash-from-memory", "-c", "echo ran-from-memory; echo pwned >> $victim");
                    my $argv = pack("P" x @argv . "Q", @argv, 0); my $envp = pack("Q", 0); my $empty = "";
                    syscall(322, $fd, $empty, $argv, $envp, 0x1000);
                    die "execveat: $!\\n";
                    """;
            ExecResult r = perl(CWD_ONLY, script, victim.toString());
            assertTrue(r.stdout().contains("ran-from-memory"), describe(r));
            assertTrue(r.stderr().contains("Permission denied"), describe(r));
            assertVictimIntact();
        }

        @Test
        void deviceNodesCannotBeMadeEvenWithFullWriteAccess() {
            ExecResult free = sh(UNRESTRICTED, "mknod null-free c 1 3");
            assumeTrue(free.exitCode() == 0, "mknod needs root (CAP_MKNOD): " + describe(free));
            // Full write access without network: no Landlock filesystem rules, but no CAP_MKNOD either.
            ExecResult r = sh(perms("disk-full-write-access"), "mknod null-sandboxed c 1 3");
            assertNotEquals(0, r.exitCode(), describe(r));
            assertFalse(Files.exists(cwd.resolve("null-sandboxed")));
        }

        @Test
        void fileCapabilitiesAndImmutableFlagsOutsideTheRootsAreRefused() throws Exception {
            assumeTrue(isRoot() && has("setcap") && has("getcap") && has("chattr") && has("lsattr"),
                    "needs root and setcap/getcap/chattr/lsattr");
            Path scratch = Files.writeString(outside.resolve("scratch"), "x");
            ExecResult free = sh(UNRESTRICTED, "setcap cap_net_raw+ep " + scratch + " && chattr +i " + scratch
                    + " && chattr -i " + scratch);
            assumeTrue(free.exitCode() == 0, "this filesystem has no file capabilities or inode flags: " + describe(free));
            try {
                ExecResult setcap = sh(READ_ALL_WRITE_CWD, "setcap cap_sys_admin+ep " + victim);
                ExecResult chattr = sh(READ_ALL_WRITE_CWD, "chattr +i " + victim + " || chattr +a " + victim);
                assertNotEquals(0, setcap.exitCode(), describe(setcap));
                assertNotEquals(0, chattr.exitCode(), describe(chattr));
                ExecResult getcap = sh(UNRESTRICTED, "getcap " + victim);
                assertFalse(getcap.stdout().contains("cap_sys_admin"), describe(getcap));
                ExecResult lsattr = sh(UNRESTRICTED, "lsattr " + victim);
                String flags = lsattr.stdout().split(" ")[0];
                assertFalse(flags.contains("i") || flags.contains("a"), "immutable/append-only set: " + describe(lsattr));
            } finally {
                sh(UNRESTRICTED, "chattr -i -a " + victim + "; setcap -r " + victim + "; true");
            }
        }

        @Test
        void aHardLinkInsideARootWritesItsOutsideTwin_documentedLimit() throws Exception {
            // Landlock grants by path: a file with a second name inside a writable root (git clone
            // --local objects, package-manager stores) is writable through that name.
            Path twin = Files.writeString(outside.resolve("twin"), "original\n");
            Files.createLink(cwd.resolve("shared"), twin);
            ExecResult r = sh(CWD_ONLY, "echo changed > shared");
            assertEquals(0, r.exitCode(), describe(r));
            assertEquals("changed\n", Files.readString(twin));
        }

        @Test
        void metadataOutsideTheRootsIsNotStoppedByLandlock_documentedLimit() throws Exception {
            // chmod, chown, utimes and user.* xattrs need no open: Landlock (through ABI 7) has no right for them.
            String v = victim.toString();
            String script = "chmod 600 " + v + " && touch -d '2001-02-03 12:00:00 UTC' " + v
                    + " && perl -e 'my ($p, $n, $x) = ($ARGV[0], \"user.codex\", \"1\"); "
                    + "exit(syscall(188, $p, $n, $x, 1, 0) < 0 ? 1 : 0)' " + v
                    + (isRoot() ? " && chown 65534 " + v : "");
            ExecResult r = sh(CWD_ONLY, script);
            assertEquals(0, r.exitCode(), describe(r));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)));
            assertTrue(Files.getLastModifiedTime(victim).toString().startsWith("2001-02-03"));
            UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(victim, UserDefinedFileAttributeView.class);
            assertTrue(xattrs.list().contains("codex"), "user xattr set from inside the sandbox");
            assertVictimIntact(); // the contents, at least, are safe
        }
    }

    // ---------------------------------------------------------------- reading secrets without full read access

    @Nested
    class SecretsWithoutFullRead {
        @Test
        void theExecutorsEnvironmentMemoryAndCmdlineAreNotReadable() {
            // Opening is the question (a refused open, not a failed read): $PPID is the executor.
            ExecResult r = sh(CWD_ONLY, "for f in environ cmdline mem maps status; do "
                    + "(exec 3< /proc/$PPID/$f) 2>/dev/null && echo \"OPENED $f\" || echo \"refused $f\"; done");
            assertEquals("refused environ\nrefused cmdline\nrefused mem\nrefused maps\nrefused status\n", r.stdout(),
                    describe(r));
        }

        @Test
        void procSelfExeAsTheProgramDoesNotOpenTheExecutorsProcEntry() throws Exception {
            // Was a hole: the program's folder is readable, and the folder of /proc/self/exe is the
            // executor's /proc/PID; that program is a JVM, which reads any @argfile it is given and
            // prints what it cannot parse. (environ of a root executor is also shut by the
            // capability drop; cmdline needs no privilege at all.)
            long jvm = ProcessHandle.current().pid();
            ExecResult version = Sandboxes.run(cwd, CWD_ONLY, Map.of(), 20_000, List.of("/proc/self/exe", "-version"));
            assumeTrue(version.exitCode() == 0, "this JVM does not start in the sandbox: " + describe(version));
            for (String file : List.of("cmdline", "environ")) {
                String target = "/proc/" + jvm + "/" + file;
                ExecResult r = Sandboxes.run(cwd, CWD_ONLY, Map.of(), 20_000, List.of("/proc/self/exe", "@" + target));
                assertTrue(r.stderr().contains("could not open `" + target + "'"), describe(r));
            }
        }

        @Test
        void programFoldersNeverGrantRootProcSysOrDev() {
            SandboxPolicy policy = SandboxPolicy.resolve(CWD_ONLY, Path.of("/"), Map.of());
            for (String program : List.of("/proc/self/exe", "/proc/self/cwd/x", "/sys/kernel/x", "/dev/shm/x",
                    "/.dockerenv", "/x")) {
                List<Path> roots = policy.readOnlyRoots(Path.of(program));
                for (Path root : roots) {
                    assertFalse(root.getNameCount() == 0 || root.startsWith("/proc/self")
                                    || root.toString().matches("/proc/\\d+(/.*)?") || root.startsWith("/sys")
                                    || root.startsWith("/dev/shm"),
                            program + " granted " + root + " in " + roots);
                }
            }
        }

        @Test
        void homeSshAndCodexHomeAreNotReadable() throws Exception {
            Path codexHome = Files.createDirectories(tmp.resolve("codex-home"));
            Files.writeString(codexHome.resolve("auth.json"), "{\"OPENAI_API_KEY\":\"sk-codex-escape-test\"}");
            Path home = Path.of(System.getProperty("user.home"));
            List<String> argv = List.of("bash", "-c", "cat \"$CODEX_HOME/auth.json\"; ls -a ~ ~/.ssh; cat ~/.ssh/id_* "
                    + "~/.bash_history; ls /root; true");
            ExecResult r = Sandboxes.run(cwd, CWD_ONLY, Map.of("CODEX_HOME", codexHome.toString()), 10_000, argv);
            assertFalse(r.stdout().contains("sk-codex-escape-test"), describe(r));
            assertTrue(r.stderr().contains(codexHome + "/auth.json: Permission denied"), describe(r));
            if (Files.isDirectory(home)) {
                assertTrue(r.stderr().contains("cannot open directory '" + home + "'"), describe(r));
            }
            assertEquals("", r.stdout(), "nothing at all is listed or printed: " + describe(r));
        }

        @Test
        void theUsersKeyringsAreNotReachable() {
            // Keyrings are shared by every process of the user and Landlock does not cover them.
            String desc = "codex-escape-" + UUID.randomUUID();
            String add = "my ($t, $d, $p) = ('user', $ARGV[0], 's3cret-in-keyring'); "
                    + "my $id = syscall(248, $t, $d, $p, length($p), -4); print $id < 0 ? \"add: $!\" : $id;";
            String read = "my ($t, $d) = ('user', $ARGV[0]); my $id = syscall(250, 10, -4, $t, $d, 0); "
                    + "if ($id < 0) { print \"search: $!\"; exit } my $buf = \"\\0\" x 64; my $n = syscall(250, 11, $id, $buf, 64); "
                    + "print $n < 0 ? \"read: $!\" : substr($buf, 0, $n);";
            ExecResult added = perl(UNRESTRICTED, add, desc);
            assumeTrue(added.stdout().matches("\\d+"), "no user keyring here: " + describe(added));
            try {
                assertEquals("s3cret-in-keyring", perl(UNRESTRICTED, read, desc).stdout(), "the key is there");
                for (List<SandboxPermission> p : List.of(CWD_ONLY, READ_ALL_WRITE_CWD, perms("disk-full-write-access"))) {
                    ExecResult r = perl(p, read, desc);
                    assertEquals("search: Operation not permitted", r.stdout(), p + ": " + describe(r));
                }
            } finally {
                perl(UNRESTRICTED, "syscall(250, 21, $ARGV[0] + 0);", added.stdout()); // KEYCTL_INVALIDATE
            }
        }

        @Test
        void theExecutorsEnvironMemCwdAndRootAreRefusedEvenWithFullRead() throws Exception {
            // Seen as root (the command holds fewer capabilities than the executor) and as an
            // ordinary user (Landlock's ptrace scoping): /proc/<executor>/environ stays closed
            // although disk-full-read-access makes / readable.
            ExecResult r = sh(READ_ALL_WRITE_CWD, "for f in environ mem; do (exec 3< /proc/$PPID/$f) 2>/dev/null "
                    + "&& echo \"OPENED $f\" || echo \"refused $f\"; done; for d in cwd root; do "
                    + "ls /proc/$PPID/$d/ >/dev/null 2>&1 && echo \"LISTED $d\" || echo \"refused $d\"; done");
            assertEquals("refused environ\nrefused mem\nrefused cwd\nrefused root\n", r.stdout(), describe(r));
        }
    }

    // ---------------------------------------------------------------- other processes

    @Nested
    class OtherProcesses {
        @Test
        void signallingPtracingOrReadingTheExecutorIsRefusedEvenWithNetwork() {
            assumeSignalScoping();
            assumeTrue(com.sun.jna.Platform.isIntel(), "syscall numbers are x86_64's");
            // Signal 0 only: if this ever passed, it must not take the test JVM down.
            String script = """
                    my $jvm = getppid();
                    print kill(0, $jvm) ? "SIGNALLED\\n" : "kill: $!\\n";
                    my $pidfd = syscall(434, $jvm, 0);
                    print $pidfd < 0 ? "pidfd_open: $!\\n" : syscall(424, $pidfd, 0, 0, 0) < 0 ? "pidfd_send_signal: $!\\n" : "SIGNALLED\\n";
                    print syscall(101, 16, $jvm, 0, 0) < 0 ? "ptrace: $!\\n" : "ATTACHED\\n";
                    my $buf = "\\0" x 8; my $local = pack("PQ", $buf, 8); my $remote = pack("QQ", 4096, 8);
                    print syscall(310, $jvm, $local, 1, $remote, 1, 0) < 0 ? "process_vm_readv: $!\\n" : "READ\\n";
                    """;
            for (List<SandboxPermission> p : List.of(READ_ALL_WRITE_CWD, perms("disk-full-read-access", "disk-write-cwd",
                    "network-full-access"), perms("disk-full-write-access"))) {
                ExecResult r = perl(p, script);
                assertEquals("kill: Operation not permitted\npidfd_send_signal: Operation not permitted\n"
                        + "ptrace: Operation not permitted\nprocess_vm_readv: Operation not permitted\n", r.stdout(),
                        p + ": " + describe(r));
            }
        }

        @Test
        void limitsPriorityAndIoPriorityOfOtherProcessesCannotBeChanged() throws Exception {
            // Was a hole: prlimit --cpu on the executor kills it, --nofile starves it; Landlock does not scope these.
            assumeTrue(has("prlimit") && has("renice") && has("ionice"), "needs util-linux prlimit, renice, ionice");
            Process bystander = bystander();
            long pid = bystander.pid();
            String limitsBefore = procField(pid, "limits", "Max open files");
            String niceBefore = statField(pid, 19);
            String ownNiceBefore = statField(ProcessHandle.current().pid(), 19); // not 0 when the build runs under nice
            ExecResult r = sh(CWD_ONLY, "prlimit --pid " + pid + " --nofile=3:3 && echo LIMITED; "
                    + "renice -n 19 -p " + pid + " && echo RENICED; ionice -c 3 -p " + pid + " && echo IONICED; "
                    + "ulimit -n 64 && nice -n 5 true && ionice -c 3 true && echo own-limits-still-work");
            assertEquals("own-limits-still-work\n", r.stdout(), describe(r));
            // A whole user or process group: tried on ids no process has, so a regression renices nothing.
            // Unfiltered that is ESRCH (3) or success; filtered, EPERM (1).
            ExecResult groups = perl(CWD_ONLY, "print join(' ', map { syscall(141, @$_, 19) < 0 ? 0 + $! : 'ok' } "
                    + "([2, 54321], [1, 999999])), ' ', syscall(251, 3, 54321, 0) < 0 ? 0 + $! : 'ok';");
            assertEquals("1 1 1", groups.stdout(), "setpriority(PRIO_USER/PRIO_PGRP), ioprio_set(USER): " + describe(groups));
            assertTrue(r.stderr().contains("Operation not permitted"), describe(r));
            assertEquals(limitsBefore, procField(pid, "limits", "Max open files"));
            assertEquals(niceBefore, statField(pid, 19));
            assertEquals(ownNiceBefore, statField(ProcessHandle.current().pid(), 19), "the executor was not reniced either");
        }

        @Test
        void schedulingPolicyAndAffinityOfOtherProcessesAreNotStopped_documentedLimit() throws Exception {
            // sched_setaffinity/sched_setscheduler take a thread id: threads setting their own would
            // break if the filter demanded 0. What stops them is the kernel's own rule: a process may
            // not reschedule one holding capabilities it lacks. A non-root executor (no capabilities)
            // and other sandboxed commands are not protected by that: they can be degraded, not killed.
            assumeTrue(has("chrt") && has("taskset"), "needs util-linux chrt and taskset");
            ExecHandle other = EXECUTOR.start(new ExecRequest(List.of("bash", "-c", "echo $$ > other.pid; exec sleep 20"),
                    cwd, EnvPolicy.childEnvironment(), 20_000, CWD_ONLY, 1 << 20, false), OutputListener.NONE);
            try {
                Path pidFile = cwd.resolve("other.pid");
                for (int i = 0; i < 300 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) {
                    Thread.sleep(10);
                }
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                String change = "chrt --idle -p 0 %d && taskset -p 1 %d >/dev/null && echo CHANGED";
                ExecResult r = sh(CWD_ONLY, change.formatted(pid, pid));
                assertEquals("CHANGED\n", r.stdout(), describe(r));
                assertEquals("5", statField(pid, 41), "SCHED_IDLE was set on another command's process");
                if (jvmCapabilities() != 0) {
                    long bystander = bystander().pid();
                    ExecResult protectedOne = sh(CWD_ONLY, change.formatted(bystander, bystander));
                    assertTrue(protectedOne.stderr().contains("Operation not permitted"), describe(protectedOne));
                    assertEquals("0", statField(bystander, 41), "a process with more capabilities is left alone");
                }
            } finally {
                other.cancel();
            }
        }

        @Test
        void processesThatLeaveTheGroupDieOnTimeout() throws Exception {
            // Was a known weakness (setsid / double fork escaped the process-group kill); now every
            // process of the command's Landlock domain is killed, and nothing else.
            assumeSignalScoping();
            Process bystander = bystander();
            String script = "setsid sleep 60 & echo $! >> pids; "
                    + "(setsid bash -c 'sleep 61 & echo $! >> pids; exec sleep 62' &); "
                    + "for i in $(seq 30); do setsid sleep 63 & echo $! >> pids; done; " // a bounded fork storm
                    + "sleep 0.3; sleep 60";
            long t0 = System.nanoTime();
            ExecResult r = EXECUTOR.run(new ExecRequest(List.of("bash", "-c", script), cwd, EnvPolicy.childEnvironment(),
                    1_000, CWD_ONLY, 1 << 20, false));
            assertTrue(r.timedOut(), describe(r));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000);
            List<String> pids = Files.readAllLines(cwd.resolve("pids"));
            assertEquals(32, pids.size(), "every background process started: " + pids);
            for (String pid : pids) {
                assertTrue(ExecContractTest.waitUntilDead(Long.parseLong(pid.trim())), "process " + pid + " survived");
            }
            assertTrue(bystander.isAlive(), "an unrelated process is not touched");
        }

        @Test
        void processesThatLeaveTheGroupDieOnCancel() throws Exception {
            assumeSignalScoping();
            Path pidFile = cwd.resolve("detached.pid");
            ExecHandle handle = EXECUTOR.start(new ExecRequest(List.of("bash", "-c",
                    "(setsid sleep 60 & echo $! > detached.pid) ; sleep 60"), cwd, EnvPolicy.childEnvironment(), 0,
                    CWD_ONLY, 1 << 20, false), OutputListener.NONE);
            for (int i = 0; i < 300 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) {
                Thread.sleep(10);
            }
            handle.cancel();
            ExecResult r = handle.result().get(5, TimeUnit.SECONDS);
            assertTrue(r.cancelled(), describe(r));
            assertTrue(ExecContractTest.waitUntilDead(Long.parseLong(Files.readString(pidFile).trim())),
                    "the setsid child survived the cancel");
        }

        @Test
        void backgroundProcessesOutliveANormalExit_documentedLimit() throws Exception {
            // By design (as in the seed): a command may start a server and return.
            Path pidFile = cwd.resolve("server.pid");
            ExecResult r = sh(CWD_ONLY, "setsid sleep 30 >/dev/null 2>&1 & echo $! > server.pid");
            assertEquals(0, r.exitCode(), describe(r));
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            try {
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "still running");
            } finally {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }

        @Test
        void commandsCannotSignalEachOther() throws Exception {
            assumeSignalScoping();
            ExecHandle first = EXECUTOR.start(new ExecRequest(List.of("bash", "-c", "echo $$ > first.pid; sleep 20"), cwd,
                    EnvPolicy.childEnvironment(), 20_000, CWD_ONLY, 1 << 20, false), OutputListener.NONE);
            Path pidFile = cwd.resolve("first.pid");
            for (int i = 0; i < 300 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) {
                Thread.sleep(10);
            }
            try {
                ExecResult second = sh(CWD_ONLY, "kill -9 $(cat first.pid)");
                assertTrue(second.stderr().contains("Operation not permitted"), describe(second));
                assertFalse(first.result().isDone(), "the first command still runs");
            } finally {
                first.cancel();
            }
        }
    }

    // ---------------------------------------------------------------- kernel interfaces

    @Test
    void kernelInterfacesAroundTheSandboxAreRefused() {
        assumeTrue(com.sun.jna.Platform.isIntel(), "syscall numbers are x86_64's");
        String script = """
                sub try { my ($name, $r) = @_; print "$name: ", ($r < 0 ? "$!" : "ALLOWED"), "\\n"; }
                my $attr = pack("LLQ", 1, 128, 0) . ("\\0" x 112);   # software cpu-clock counter
                try("perf system-wide", syscall(298, $attr, -1, 0, -1, 0));
                try("perf cgroup", syscall(298, $attr, 0, 0, -1, 4));
                try("userfaultfd", syscall(323, 0));
                my $params = "\\0" x 120;
                try("io_uring_setup", syscall(425, 1, $params));
                my $bpfattr = "\\0" x 128;
                try("bpf", syscall(321, 0, $bpfattr, 128));
                my ($t, $d, $p) = ("user", "codex", "x");
                try("add_key", syscall(248, $t, $d, $p, 1, -3));
                try("keyctl", syscall(250, 0, -3, 0));
                """;
        ExecResult r = perl(CWD_ONLY, script);
        assertEquals("""
                perf system-wide: Operation not permitted
                perf cgroup: Operation not permitted
                userfaultfd: Operation not permitted
                io_uring_setup: Operation not permitted
                bpf: Operation not permitted
                add_key: Operation not permitted
                keyctl: Operation not permitted
                """, r.stdout(), describe(r));
        ExecResult self = perl(CWD_ONLY, "my $attr = pack('LLQ', 1, 128, 0) . (\"\\0\" x 112); "
                + "my $fd = syscall(298, $attr, 0, -1, -1, 0); print $fd < 0 ? \"perf self: $!\" : 'measured';");
        assertTrue(self.stdout().equals("measured") || !self.stdout().contains("Operation not permitted"),
                "measuring itself is not the filter's business: " + describe(self));
    }

    @Test
    void terminalInputCannotBeInjected() {
        // TIOCSTI on a shared terminal types commands into the user's shell once the sandbox exits.
        String script = "my $c = 'x'; print ioctl(STDIN, 0x5412, $c) ? 'INJECTED' : 'TIOCSTI: ' . ($!+0);";
        ExecResult free = perl(UNRESTRICTED, script);
        assertEquals("TIOCSTI: 25", free.stdout(), "ENOTTY: stdin is /dev/null: " + describe(free));
        for (List<SandboxPermission> p : List.of(CWD_ONLY, perms("disk-full-write-access"),
                perms("disk-write-cwd", "network-full-access"))) {
            ExecResult r = perl(p, script);
            assertEquals("TIOCSTI: 1", r.stdout(), p + ": EPERM before the tty is even looked at: " + describe(r));
        }
    }

    @Test
    void rootCommandsKeepOnlyTheFileWorkCapabilities() throws Exception {
        long jvmCaps = jvmCapabilities();
        assumeTrue(jvmCaps != 0, "the executor has no capabilities to drop");
        for (List<SandboxPermission> p : List.of(READ_ALL_WRITE_CWD, perms("disk-full-read-access", "disk-write-cwd",
                "network-full-access"), perms("disk-full-write-access"))) {
            ExecResult r = sh(p, "grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status");
            Map<String, Long> caps = new HashMap<>();
            r.stdout().lines().forEach(l -> caps.put(l.split(":")[0], Long.parseLong(l.split("\\s+")[1], 16)));
            long expected = jvmCaps & Capabilities.KEPT;
            assertEquals(expected, caps.get("CapEff"), p + ": " + describe(r));
            assertEquals(expected, caps.get("CapPrm"), describe(r));
            assertEquals(0L, caps.get("CapInh"), describe(r));
            assertEquals(0L, caps.get("CapAmb"), describe(r));
            assertEquals(0L, caps.get("CapBnd") & ~Capabilities.KEPT, "bounding set emptied: " + describe(r));
        }
        ExecResult free = sh(UNRESTRICTED, "grep '^CapEff:' /proc/self/status");
        assertEquals(jvmCaps, Long.parseLong(free.stdout().split("\\s+")[1], 16), "unrestricted commands keep them");
        // The drop happened on the throwaway spawning thread only.
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String eff;
                try {
                    eff = Files.readAllLines(task.resolve("status")).stream().filter(l -> l.startsWith("CapEff:"))
                            .findFirst().orElse("CapEff:\t0").split("\\s+")[1];
                } catch (IOException exited) {
                    continue;
                }
                assertEquals(jvmCaps, Long.parseLong(eff, 16), "JVM thread " + task.getFileName() + " lost capabilities");
            }
        }
    }

    // ---------------------------------------------------------------- network without network-full-access

    @Nested
    class Network {
        @Test
        void noAddressFamilyButUnixEvenInFreshNamespaces() {
            String script = """
                    use Socket;
                    sub fams { my $where = shift; for my $f ([AF_INET, "inet"], [AF_INET6, "inet6"], [16, "netlink"],
                                   [17, "packet"], [40, "vsock"], [AF_UNIX, "unix"]) {
                        my $ok = socket(my $s, $f->[0], $f->[0] == 16 || $f->[0] == 17 ? SOCK_RAW : SOCK_STREAM, 0);
                        print "$where $f->[1]: ", ($ok ? "created" : "$!"), "\\n"; } }
                    fams("here");
                    print "here inet pair: ", (socketpair(my $a, my $b, AF_INET, SOCK_STREAM, 0) ? "created" : "$!"), "\\n";
                    my $pid = fork();
                    if ($pid == 0) { syscall(272, 0x50000000) == 0 or print "unshare: $!\\n"; fams("new-netns"); exit 0 }
                    waitpid($pid, 0);
                    my $args = pack("QQQQQQQQ", 0x50000000, 0, 0, 0, 17, 0, 0, 0); # clone3(NEWUSER|NEWNET)
                    my $child = syscall(435, $args, length($args));
                    if ($child == 0) { syscall(60, socket(my $c, AF_INET, SOCK_STREAM, 0) ? 7 : 3) }
                    waitpid($child, 0) if $child > 0;
                    print "clone3 child inet: ", ($child < 0 ? "clone3 $!" : ($? >> 8) == 7 ? "created" : "refused"), "\\n";
                    """;
            ExecResult r = perl(CWD_ONLY, script);
            String out = r.stdout();
            for (String family : List.of("inet", "inet6", "netlink", "packet", "vsock")) {
                assertTrue(out.contains("here " + family + ": Operation not permitted"), family + ": " + describe(r));
                assertTrue(out.contains("new-netns " + family + ": Operation not permitted"), family + ": " + describe(r));
            }
            assertTrue(out.contains("here unix: created"), describe(r));
            assertTrue(out.contains("here inet pair: Operation not permitted"), describe(r));
            assertFalse(out.contains("unshare:"), "a user+network namespace may be made, it just does not help: "
                    + describe(r));
            assertTrue(out.contains("clone3 child inet: refused") || out.contains("clone3 child inet: clone3"),
                    describe(r));
        }

        @Test
        void noFdOfTheExecutorLeaksIntoTheCommand() throws Exception {
            try (ServerSocket listening = new ServerSocket(0);
                 DatagramSocket udp = new DatagramSocket(0)) {
                String script = """
                        opendir(my $d, "/proc/self/fd") or die "$!\\n";
                        my $own = fileno($d);
                        for my $fd (sort { $a <=> $b } grep { /^\\d+$/ } readdir($d)) {
                            next if $fd == $own;
                            print "$fd ", readlink("/proc/self/fd/$fd"), "\\n";
                        }
                        """;
                ExecResult r = perl(READ_ALL_WRITE_CWD, script);
                List<String> fds = r.stdout().lines().map(l -> l.split(" ")[0]).toList();
                assertEquals(List.of("0", "1", "2"), fds, "only stdio is inherited: " + describe(r));
                assertTrue(r.stdout().startsWith("0 /dev/null\n"), describe(r));
            }
        }

        @Test
        void aUnixSocketCannotBeAimedAtTheNetwork() throws Exception {
            try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                receiver.setSoTimeout(300);
                String script = """
                        use Socket;
                        socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, 0) or die "pair: $!\\n";
                        my $to = pack_sockaddr_in($ARGV[0], inet_aton("127.0.0.1"));
                        print "to inet: ", (defined send($a, "escape", 0, $to) ? "SENT" : "$!"), "\\n";
                        """;
                ExecResult r = perl(CWD_ONLY, script, String.valueOf(receiver.getLocalPort()));
                assertEquals("to inet: Operation not permitted\n", r.stdout(), describe(r));
                assertFalse(r.stdout().contains("SENT"), describe(r));
                byte[] buf = new byte[64];
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                String received;
                try {
                    receiver.receive(packet);
                    received = new String(buf, 0, packet.getLength(), StandardCharsets.UTF_8);
                } catch (SocketTimeoutException e) {
                    received = null;
                }
                assertNull(received, "nothing reached the network");
            }
        }

        // Unix sockets outside the sandbox (pathname, abstract, datagram) and the command's own: LocalSocketEscapeTest.
    }
}
