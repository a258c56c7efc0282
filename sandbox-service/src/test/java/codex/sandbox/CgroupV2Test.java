package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup v2 logic on fixture files and temporary folders: no cgroup, no root needed. */
class CgroupV2Test {
    @TempDir
    Path tmp;

    private static final String HOST_V2 = "29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot";
    private static final String HYBRID_V1 = "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory";
    private static final String HYBRID_V2 = "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw";
    private static final String PROC = "22 28 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw";

    @Test
    void aSystemdServiceOnAV2HostIsItsUnitsFolder() {
        Optional<CgroupV2.Location> l = CgroupV2.locate(List.of("0::/system.slice/codex.service"), List.of(PROC, HOST_V2));
        assertEquals(Path.of("/sys/fs/cgroup/system.slice/codex.service"), l.orElseThrow().dir());
        assertEquals(Path.of("/sys/fs/cgroup"), l.get().mountPoint());
    }

    @Test
    void aContainerWithItsOwnCgroupNamespaceIsTheMountsRoot() {
        Optional<CgroupV2.Location> l = CgroupV2.locate(List.of("0::/"), List.of(HOST_V2));
        assertEquals(Path.of("/sys/fs/cgroup"), l.orElseThrow().dir());
    }

    @Test
    void aHybridHostUsesTheUnifiedMountAndIgnoresTheV1Lines() {
        Optional<CgroupV2.Location> l = CgroupV2.locate(
                List.of("9:name=systemd:/", "4:memory:/process_api/3ae8", "0::/"), List.of(HYBRID_V1, HYBRID_V2));
        assertEquals(Path.of("/sys/fs/cgroup/unified"), l.orElseThrow().dir());
    }

    @Test
    void aContainerWithoutCgroupNamespaceSeesItsGroupAsTheMountRoot() {
        // Docker with cgroupns=host and the host's group bind-mounted: root field = the container's path
        String mount = "900 800 0:26 /system.slice/docker-abc.scope /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw";
        assertEquals(Path.of("/sys/fs/cgroup"),
                CgroupV2.locate(List.of("0::/system.slice/docker-abc.scope"), List.of(mount)).orElseThrow().dir());
        assertEquals(Path.of("/sys/fs/cgroup/sub"),
                CgroupV2.locate(List.of("0::/system.slice/docker-abc.scope/sub"), List.of(mount)).orElseThrow().dir());
        // a sibling whose name merely starts the same is not under it
        assertTrue(CgroupV2.locate(List.of("0::/system.slice/docker-abc.scopeX"), List.of(mount)).isEmpty());
    }

    @Test
    void noV2LineNoMountOrADeletedGroupFindsNothing() {
        assertTrue(CgroupV2.locate(List.of("4:memory:/x"), List.of(HOST_V2)).isEmpty());
        assertTrue(CgroupV2.locate(List.of("0::/a"), List.of(PROC, HYBRID_V1)).isEmpty());
        assertTrue(CgroupV2.locate(List.of("0::/a (deleted)"), List.of(HOST_V2)).isEmpty());
    }

    @Test
    void escapedMountPointsAreDecoded() {
        String mount = "41 31 0:38 / /mnt/with\\040space rw - cgroup2 cgroup2 rw";
        assertEquals(Path.of("/mnt/with space/a"), CgroupV2.locate(List.of("0::/a"), List.of(mount)).orElseThrow().dir());
    }

    @Test
    void theLimitsNeedTheirControllersOnly() {
        assertEquals(Set.of("pids", "memory"), CgroupV2.needed(new CommandLimits(64, 128 * CommandLimits.MIB)));
        assertEquals(Set.of("pids"), CgroupV2.needed(new CommandLimits(64, 0)));
        assertEquals(Set.of(), CgroupV2.needed(CommandLimits.NONE));
    }

    @Test
    void v2IsUnusableWithoutTheControllersOrWithoutDelegation() {
        Path dir = Path.of("/sys/fs/cgroup/unified");
        String missing = CgroupV2.unusableBecause(dir, Set.of("pids", "memory"), Set.of("hugetlb"), true);
        assertEquals("cgroup v2 (/sys/fs/cgroup/unified): memory, pids not available (cgroup.controllers: hugetlb)", missing);
        assertTrue(CgroupV2.unusableBecause(dir, Set.of("pids"), Set.of("memory"), true).contains("pids not available"));
        assertTrue(CgroupV2.unusableBecause(dir, Set.of("pids"), Set.of(), true).contains("cgroup.controllers: none"));
        assertTrue(CgroupV2.unusableBecause(dir, Set.of("pids"), Set.of("pids", "memory"), false).contains("not delegated"));
        assertNull(CgroupV2.unusableBecause(dir, Set.of("pids", "memory"), Set.of("cpu", "memory", "pids"), true));
    }

    @Test
    void aCommandsGroupGetsItsLimitsWhereTheKernelHasTheFiles() {
        CommandLimits limits = new CommandLimits(64, 128 * CommandLimits.MIB);
        assertEquals(Map.of("pids.max", "64", "memory.max", "134217728", "memory.swap.max", "0", "memory.oom.group", "1"),
                CgroupV2.limitFiles(limits, Set.of("pids", "memory"), f -> true));
        assertEquals(List.of("pids.max", "memory.max", "memory.swap.max", "memory.oom.group"),
                List.copyOf(CgroupV2.limitFiles(limits, Set.of("pids", "memory"), f -> true).keySet()), "order");
        // no swap accounting, old kernel without oom.group
        assertEquals(Map.of("pids.max", "64", "memory.max", "134217728"),
                CgroupV2.limitFiles(limits, Set.of("pids", "memory"), f -> false));
        assertEquals(Map.of("pids.max", "64"), CgroupV2.limitFiles(new CommandLimits(64, 0), Set.of("pids", "memory"), f -> true));
        assertEquals(Map.of(), CgroupV2.limitFiles(limits, Set.of(), f -> true), "controllers not enabled: nothing to write");
    }

    @Test
    void theEventCountersSayWhichLimitWasReached() throws Exception {
        CommandLimits limits = new CommandLimits(64, 128 * CommandLimits.MIB);
        Path group = Files.createDirectories(tmp.resolve("cmd-1"));
        Files.writeString(group.resolve("pids.events"), "max 0\n");
        Files.writeString(group.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\noom_group_kill 0\n");
        assertNull(CgroupV2.limitNote(group, limits), "memory.max hits without an OOM kill are not a failure");
        Files.writeString(group.resolve("pids.events"), "max 3\n");
        assertEquals("codex-sandbox: the command reached its limit of 64 processes: 3 forks were refused "
                + "([sandbox] max_processes raises it)\n", CgroupV2.limitNote(group, limits));
        Files.writeString(group.resolve("pids.events"), "max 0\n");
        Files.writeString(group.resolve("memory.events"), "oom 1\noom_kill 0\noom_group_kill 1\n");
        assertEquals("codex-sandbox: the command reached its memory limit of 128 MiB and was killed "
                + "([sandbox] max_memory_mb raises it)\n", CgroupV2.limitNote(group, limits));
    }

    @Test
    void takingOverAGroupMovesItsProcessesIntoALeafThenEnablesTheControllers() throws Exception {
        Path own = Files.createDirectories(tmp.resolve("codex.service"));
        Files.writeString(own.resolve("cgroup.type"), "domain\n");
        long self = ProcessHandle.current().pid();
        Files.writeString(own.resolve("cgroup.procs"), self + "\n");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        Path base = CgroupV2.delegate(own, Set.of("pids", "memory"));
        assertEquals(own, base);
        assertEquals(Long.toString(self), Files.readString(own.resolve("service/cgroup.procs")), "moved into the leaf");
        assertEquals("+memory +pids", Files.readString(own.resolve("cgroup.subtree_control")));
    }

    @Test
    void theHierarchysRootNeedsNoLeafAndEnabledControllersAreNotWrittenAgain() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root")); // no cgroup.type: the real root
        Files.writeString(root.resolve("cgroup.procs"), "1\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "memory\n");
        assertEquals(root, CgroupV2.delegate(root, Set.of("pids", "memory")));
        assertFalse(Files.exists(root.resolve("service")));
        assertEquals("+pids", Files.readString(root.resolve("cgroup.subtree_control")));
    }

    @Test
    void aJvmAlreadyInTheServiceLeafUsesTheGroupAbove() throws Exception {
        Path own = Files.createDirectories(tmp.resolve("codex.service"));
        Files.writeString(own.resolve("cgroup.procs"), "");
        Files.writeString(own.resolve("cgroup.subtree_control"), "memory pids\n");
        Path leaf = Files.createDirectories(own.resolve("service"));
        Files.writeString(leaf.resolve("cgroup.type"), "domain\n");
        Files.writeString(leaf.resolve("cgroup.procs"), "42\n");
        assertEquals(own, CgroupV2.delegate(leaf, Set.of("pids", "memory")));
        assertFalse(Files.exists(leaf.resolve("service")), "no leaf inside the leaf");
    }

    @Test
    void aV2LimiterWritesEachCommandsLimitsAndSaysHow() throws Exception {
        // on a plain folder standing in for a delegated group: what goes into the files, and --check's text
        Path base = Files.createDirectories(tmp.resolve("delegated"));
        CommandLimits limits = new CommandLimits(64, 128 * CommandLimits.MIB);
        ResourceLimiter limiter = ResourceLimiter.v2(limits, base, Set.of("pids", "memory"), ResourceLimiter.nextInstance(),
                false);
        try {
            Path parent = limiter.v2Directory();
            assertEquals("+memory +pids", Files.readString(parent.resolve("cgroup.subtree_control")));
            String text = limiter.describe();
            assertTrue(text.contains("process limit: 64 per command (cgroup v2 pids, " + parent + ")"), text);
            assertTrue(text.contains("memory limit: 128 MiB per command (cgroup v2 memory, " + parent + ")"), text);
            assertFalse(text.contains("cgroups:"), "nothing to excuse: " + text);
            ResourceLimiter.Group group = limiter.prepare();
            Path dir = parent.resolve("cmd-1");
            assertEquals("64", Files.readString(dir.resolve("pids.max")));
            assertEquals("134217728", Files.readString(dir.resolve("memory.max")));
            assertTrue(Files.exists(group.gate()), "the command's gate FIFO");
            Files.writeString(dir.resolve("pids.events"), "max 2\n");
            assertTrue(group.limitNote().contains("limit of 64 processes: 2 forks were refused"), group.limitNote());
            group.closeTaskFds();
            assertFalse(Files.exists(group.gate()), "the gate goes once the child passed it");
        } finally {
            limiter.close();
        }
    }

    @Test
    void aV2LimiterWithoutTheControllersSaysTheLimitsAreNotEnforced() throws Exception {
        ResourceLimiter limiter = ResourceLimiter.v2(new CommandLimits(64, 0), Files.createDirectories(tmp.resolve("d")),
                Set.of(), ResourceLimiter.nextInstance(), true);
        try {
            String text = limiter.describe();
            assertTrue(text.contains("process limit: not enforced: cgroup v2 pids is not enabled in"), text);
            assertTrue(text.contains("memory limit: none (0 configured)"), text);
        } finally {
            limiter.close();
        }
    }

    @Test
    void theLastPidIsReadWhole() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        // Files.readString would give only the first digit of the sysctl file
        assertTrue(CgroupV2.lastPid() >= p.pid() || CgroupV2.lastPid() < 300, "ns_last_pid " + CgroupV2.lastPid()
                + " below a pid just handed out, " + p.pid() + " (a wrap aside)");
    }

    @Test
    void theSpawningChildIsRecognisedFromProcFiles() {
        assertEquals(77, CgroupV2.parentOf("123 (a) b) S 77 123 123 0 -1 4194560 103 0 0 0"));
        assertEquals(0x7f1500559b60L, CgroupV2.openatPathAddress(
                "257 0xffffffffffffff9c 0x7f1500559b60 0x80000 0x0 0x0 0x0 0x7ffd354f22f8 0x7f15006422ad", 257));
        assertEquals(0, CgroupV2.openatPathAddress("running", 257));
        assertEquals(0, CgroupV2.openatPathAddress("0 0x3 0x7f15004c7000 0x20000 0x0 0x0 0x0 0x1 0x2", 257), "read, not openat");
        assertEquals(0x10L, CgroupV2.openatPathAddress("56 0xffffffffffffff9c 0x10 0x0 0x0 0x0 0x0 0x1 0x2", 56));
    }
}
