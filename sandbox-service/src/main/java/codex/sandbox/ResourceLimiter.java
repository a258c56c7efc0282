package codex.sandbox;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts {@link CommandLimits} on each command, with the strongest mechanism this process may use:
 *
 * <ul>
 *   <li><b>cgroup v2</b> (our own group delegated to us: writable, with {@code pids}/{@code memory} in its
 *   {@code cgroup.controllers}): the JVM moves into {@code <own>/service} (no-internal-process rule), and each
 *   command gets {@code <own>/codex-sandbox-PID-N/cmd-M}. v2 places whole processes, not threads, so the
 *   child of posix_spawn first blocks opening a per-command FIFO (its first file action); this worker finds
 *   it, writes its pid into the group's {@code cgroup.procs}, then opens the FIFO, and only then does the child
 *   go on to exec.</li>
 *   <li><b>cgroup v1</b> ({@code pids} and {@code memory} hierarchies the service may write, e.g. as
 *   root on a host with v1 controllers): one group per command. The spawning thread moves itself
 *   into the group (v1 places threads one by one) before it spawns, so the command is inside from
 *   its first instruction; every process it ever starts, setsid or not, stays counted.</li>
 *   <li><b>rlimits</b> otherwise: {@code RLIMIT_DATA} (memory) and, for a non-root user,
 *   {@code RLIMIT_NPROC} set on the child with prlimit right after the spawn. Weaker: NPROC counts
 *   every process of the user (root ignores it), and what the child forks in the microseconds
 *   before the prlimit is not limited.</li>
 * </ul>
 *
 * <p>Chosen in that order: v2 when it has every controller the limits need, else v1, else rlimits.
 */
final class ResourceLimiter implements AutoCloseable {
    private static final int RLIMIT_NPROC = 6;
    private static final int RLIMIT_DATA = 2;

    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

    private final CommandLimits limits;
    /** Parent folders made for this process, per controller ("pids", "memory"); absent = not usable. */
    private final Map<String, Path> parents;
    private final String cgroupProblem;
    private final boolean root;
    private final AtomicLong counter = new AtomicLong();
    /** Groups whose command left background processes behind: removed once they are empty. */
    private final ConcurrentLinkedQueue<Path> leftovers = new ConcurrentLinkedQueue<>();
    /**
     * cgroup v1: groups of finished commands, empty and with their limits still set, for the next commands.
     * Making and removing two groups per command serialised every spawn on the kernel's cgroup_mutex (at
     * 500 sessions most sandbox threads sat in mkdir or rmdir); a reused group costs neither.
     */
    private final ConcurrentLinkedQueue<V1Groups> idleV1 = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger idleV1Count = new java.util.concurrent.atomic.AtomicInteger();
    /** At most this many idle groups are kept (each costs the kernel some memory); the rest are removed. */
    static final int MAX_IDLE_V1_GROUPS = 1024;
    /** cgroup v2: this executor's folder ({@code <delegated>/codex-sandbox-PID-N}), or null when v2 is not used. */
    private final Path v2Parent;
    /** cgroup v2: the controllers enabled for the command groups (empty in a placement-only test). */
    private final Set<String> v2Controllers;
    /** cgroup v2: private folder (0700) of the per-command gate FIFOs. */
    private final Path gateDir;

    /** How long a worker looks for the child at its gate before it gives up (a broken /proc); tests shorten it. */
    static volatile long giveUpNanos = 30_000_000_000L;
    /** Tests only: the worker does not see the child at its gate (as with unreadable /proc files). */
    static volatile boolean blindForTests;

    /** Tests only: how long the worker waits before placing a gated child (shows that the child waits). */
    static volatile long placementDelayMsForTests;

    /** The delegated v2 folder this JVM took over (once per JVM: it moved itself into its leaf), and for which controllers. */
    private static Path delegatedBase;
    private static Set<String> delegatedControllers = Set.of();

    private ResourceLimiter(CommandLimits limits, Map<String, Path> parents, String cgroupProblem, boolean root) {
        this(limits, parents, cgroupProblem, root, null, Set.of(), null);
    }

    private ResourceLimiter(CommandLimits limits, Map<String, Path> parents, String cgroupProblem, boolean root,
            Path v2Parent, Set<String> v2Controllers, Path gateDir) {
        this.limits = limits;
        this.parents = parents;
        this.cgroupProblem = cgroupProblem;
        this.root = root;
        this.v2Parent = v2Parent;
        this.v2Controllers = v2Controllers;
        this.gateDir = gateDir;
    }

    static ResourceLimiter create(CommandLimits limits) {
        boolean root = "root".equals(System.getProperty("user.name")) || uid() == 0;
        if (!limits.any()) {
            return new ResourceLimiter(limits, Map.of(), "no limits configured", root);
        }
        List<String> problems = new ArrayList<>();
        int instance = INSTANCES.incrementAndGet();
        Set<String> needed = CgroupV2.needed(limits);
        Path base = delegatedV2(needed, problems);
        if (base != null) {
            try {
                return v2(limits, base, needed, instance, root);
            } catch (IOException | RuntimeException e) {
                problems.add("cgroup v2: cannot make this executor's group under " + base + " (" + e.getMessage() + ")");
            }
        }
        Map<String, Path> parents = new HashMap<>();
        Map<String, Path> dirs = CgroupV1.ownDirectories();
        for (String controller : List.of("pids", "memory")) {
            boolean wanted = controller.equals("pids") ? limits.maxProcesses() > 0 : limits.maxMemoryBytes() > 0;
            if (!wanted) {
                continue;
            }
            Path dir = dirs.get(controller);
            if (dir == null) {
                problems.add("no cgroup v1 " + controller + " hierarchy");
                continue;
            }
            // one folder per executor: two executors of one JVM (tests) must not remove each other's
            Path parent = dir.resolve("codex-sandbox-" + ProcessHandle.current().pid() + "-" + instance);
            removeStaleGroups(dir);
            try {
                Files.createDirectories(parent);
                parents.put(controller, parent);
            } catch (IOException | SecurityException e) {
                problems.add("cannot create a " + controller + " cgroup under " + dir + " (" + e.getMessage() + ")");
            }
        }
        ResourceLimiter limiter = new ResourceLimiter(limits, Map.copyOf(parents),
                problems.isEmpty() ? null : String.join("; ", problems), root);
        if (!parents.isEmpty()) {
            // an executor nobody closes (a test JVM, a killed service) still leaves no empty group behind
            Runtime.getRuntime().addShutdownHook(new Thread(limiter::close, "codex-sandbox-cgroup-cleanup"));
        }
        return limiter;
    }

    /**
     * The folder under which v2 command groups can be made with {@code needed} enabled, taking the delegated
     * group over on first use; null (and why in {@code problems}) when v2 cannot be used here.
     */
    private static synchronized Path delegatedV2(Set<String> needed, List<String> problems) {
        if (delegatedBase != null && delegatedControllers.containsAll(needed)) {
            return delegatedBase;
        }
        Optional<CgroupV2.Location> location;
        try {
            location = CgroupV2.locate(Files.readAllLines(Path.of("/proc/self/cgroup")),
                    Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException | RuntimeException e) {
            location = Optional.empty();
        }
        if (location.isEmpty()) {
            problems.add("cgroup v2: this process is in no cgroup2 mount");
            return null;
        }
        Path dir = location.get().dir();
        String why = CgroupV2.unusableBecause(dir, needed, CgroupV2.readList(dir.resolve("cgroup.controllers")),
                Files.isWritable(dir) && Files.isWritable(dir.resolve("cgroup.procs"))
                        && Files.isWritable(dir.resolve("cgroup.subtree_control")));
        if (why != null) {
            problems.add(why);
            return null;
        }
        if (!Files.isReadable(Path.of("/proc/self/syscall"))) {
            problems.add("cgroup v2: /proc/PID/syscall is missing (needed to place a command before it runs)");
            return null;
        }
        int ptraceScope = yamaPtraceScope();
        if (ptraceScope >= 3 || (ptraceScope == 2 && uid() != 0)) {
            // reading a child's /proc/PID/syscall is a ptrace-level access
            problems.add("cgroup v2: kernel.yama.ptrace_scope = " + ptraceScope
                    + " forbids reading our children's /proc/PID/syscall (needed to place a command before it runs)");
            return null;
        }
        try {
            delegatedBase = CgroupV2.delegate(dir, needed);
            delegatedControllers = Set.copyOf(needed);
            return delegatedBase;
        } catch (IOException | RuntimeException e) {
            problems.add("cgroup v2 (" + dir + "): cannot take the group over (" + e.getMessage() + ")");
            return null;
        }
    }

    /**
     * A limiter whose commands get v2 groups under {@code base} with {@code controllers} enabled. Tests call it
     * with a base whose controllers cannot be enabled (placement only, no limit).
     */
    static ResourceLimiter v2(CommandLimits limits, Path base, Set<String> controllers, int instance, boolean root)
            throws IOException {
        removeStaleV2Groups(base);
        Path parent = base.resolve("codex-sandbox-" + ProcessHandle.current().pid() + "-" + instance);
        Files.createDirectories(parent);
        Path gates = null;
        try {
            CgroupV2.enable(parent, controllers);
            // /dev/shm: writable only under disk-full-write-access or an explicit disk-write-folder (unlike /tmp),
            // so commands cannot normally open, remove or replace another one's gate (placeChild checks anyway)
            Path shm = Path.of("/dev/shm");
            var mode = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            gates = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "codex-sandbox-gates-", mode)
                    : Files.createTempDirectory("codex-sandbox-gates-", mode);
        } catch (IOException | RuntimeException e) {
            removeQuietly(parent);
            throw e;
        }
        ResourceLimiter limiter = new ResourceLimiter(limits, Map.of(), null, root, parent, Set.copyOf(controllers),
                gates);
        Runtime.getRuntime().addShutdownHook(new Thread(limiter::close, "codex-sandbox-cgroup-cleanup"));
        return limiter;
    }

    /** v2 groups of services that died: their commands are killed (cgroup.kill) and the groups removed. */
    private static void removeStaleV2Groups(Path base) {
        removeDeadServicesGroups(base, group -> CgroupV2.killAll(group, 2_000));
    }

    /** A number for a new executor's folder (two executors of one JVM must not remove each other's). */
    static int nextInstance() {
        return INSTANCES.incrementAndGet();
    }

    /** Groups left by services that died: removed when their process is gone and they are empty. */
    private static void removeStaleGroups(Path dir) {
        removeDeadServicesGroups(dir, group -> {
            // SIGKILL takes effect asynchronously: wait (at most 2 s) until the group is empty
            for (int round = 0; round < 100 && !CgroupV1.members(group).isEmpty(); round++) {
                CgroupV1.members(group).forEach(pid -> LibC.kill(pid.intValue(), LibC.SIGKILL));
                sleepQuietly(20);
            }
        });
    }

    /**
     * The {@code codex-sandbox-PID-N} folders under {@code dir} whose service is gone: the commands of each
     * command group are killed by {@code killAll} (none may outlive their service), then the groups removed.
     */
    private static void removeDeadServicesGroups(Path dir, java.util.function.Consumer<Path> killAll) {
        try (var children = Files.list(dir)) {
            children.filter(p -> p.getFileName().toString().matches("codex-sandbox-\\d+-\\d+"))
                    .filter(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString().split("-")[2])).isEmpty())
                    .forEach(p -> {
                        try (var commands = Files.list(p)) {
                            commands.filter(Files::isDirectory).forEach(group -> {
                                killAll.accept(group);
                                removeQuietly(group);
                            });
                        } catch (IOException | RuntimeException e) {
                            // not ours to clean
                        }
                        removeQuietly(p);
                    });
        } catch (IOException | RuntimeException e) {
            // nothing to sweep
        }
    }

    CommandLimits limits() {
        return limits;
    }

    /** cgroup v2: the folder of the gate FIFOs (tests check it is left empty), else null. */
    Path gateDirectory() {
        return gateDir;
    }

    /** cgroup v2: this executor's folder, parent of the command groups, else null. */
    Path v2Directory() {
        return v2Parent;
    }

    /** One line per limit for {@code codex sandbox --check}. */
    String describe() {
        StringBuilder out = new StringBuilder();
        out.append("process limit: ").append(describeOne(limits.maxProcesses() > 0, "pids",
                limits.maxProcesses() + " per command", root
                        ? "not enforced: root ignores RLIMIT_NPROC and no pids cgroup is writable"
                        : limits.maxProcesses() + " processes of this user (RLIMIT_NPROC; weaker than a pids cgroup)"))
                .append('\n');
        out.append("memory limit: ").append(describeOne(limits.maxMemoryBytes() > 0, "memory",
                limits.maxMemoryBytes() / CommandLimits.MIB + " MiB per command",
                limits.maxMemoryBytes() / CommandLimits.MIB + " MiB of data per process (RLIMIT_DATA; a memory cgroup "
                        + "would bound the command as a whole)")).append('\n');
        if (cgroupProblem != null && limits.any()) {
            out.append("cgroups: ").append(cgroupProblem).append('\n');
        }
        return out.toString();
    }

    /** {@link #describe()} for a limiter made only to be described: its folders are removed again. */
    String describeAndRelease() {
        try {
            return describe();
        } finally {
            close();
        }
    }

    private String describeOne(boolean wanted, String controller, String cgroupText, String rlimitText) {
        if (!wanted) {
            return "none (0 configured)";
        }
        if (v2Parent != null) {
            return v2Controllers.contains(controller) ? cgroupText + " (cgroup v2 " + controller + ", " + v2Parent + ")"
                    : "not enforced: cgroup v2 " + controller + " is not enabled in " + v2Parent;
        }
        if (parents.containsKey(controller)) {
            return cgroupText + " (cgroup v1 " + controller + ", " + parents.get(controller) + ")";
        }
        return rlimitText;
    }

    /** The folders this limiter made for its commands' groups (v1: one per controller; v2: the parent). */
    java.util.Collection<Path> parentDirs() {
        List<Path> out = new ArrayList<>(parents.values());
        if (v2Parent != null) {
            out.add(v2Parent);
        }
        return out;
    }

    /** Makes the command's groups and opens their task files; null when no cgroup is used. */
    Group prepare() {
        sweepLeftovers(4); // a few per command: all of them each time made every spawn pay for every leftover
        if (v2Parent != null) {
            return prepareV2("cmd-" + counter.incrementAndGet());
        }
        if (parents.isEmpty()) {
            return null;
        }
        V1Groups reused = idleV1.poll();
        if (reused != null) {
            idleV1Count.decrementAndGet();
        }
        V1Groups groups = reused != null ? reused : makeV1Groups("cmd-" + counter.incrementAndGet());
        List<Integer> fds = new ArrayList<>();
        List<Integer> leaveFds = new ArrayList<>();
        try {
            for (Path dir : groups.dirs) {
                fds.add(openTasks(dir));
                leaveFds.add(openTasks(dir.getParent())); // where the spawning thread goes once the child runs
            }
        } catch (IOException | RuntimeException e) {
            fds.forEach(LibC::close);
            leaveFds.forEach(LibC::close);
            groups.dirs.forEach(ResourceLimiter::removeQuietly);
            throw new SandboxUnavailableException("could not set up the command's resource limits: " + e
                    + " (set [sandbox] max_processes = 0 and max_memory_mb = 0 to run without them)");
        }
        return new Group(groups, fds.stream().mapToInt(Integer::intValue).toArray(),
                leaveFds.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int openTasks(Path dir) throws IOException {
        int fd = LibC.open(dir.resolve("tasks").toString(), LibC.O_WRONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot open " + dir.resolve("tasks") + ": " + LibC.describe(Native.getLastError()));
        }
        return fd;
    }

    /** A fresh set of v1 groups (one per hierarchy in use) with the limits written. */
    private V1Groups makeV1Groups(String name) {
        List<Path> made = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> e : parents.entrySet()) {
                Path dir = e.getValue().resolve(name);
                Files.createDirectory(dir);
                made.add(dir);
                if (e.getKey().equals("pids")) {
                    write(dir.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
                } else {
                    write(dir.resolve("memory.limit_in_bytes"), Long.toString(limits.maxMemoryBytes()));
                    Path swap = dir.resolve("memory.memsw.limit_in_bytes");
                    if (Files.exists(swap)) {
                        write(swap, Long.toString(limits.maxMemoryBytes())); // swap must not extend the limit
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            made.forEach(ResourceLimiter::removeQuietly);
            throw new SandboxUnavailableException("could not set up the command's resource limits: " + e
                    + " (set [sandbox] max_processes = 0 and max_memory_mb = 0 to run without them)");
        }
        return new V1Groups(made);
    }

    /**
     * One command's v1 groups, reused by later commands once empty. The kernel's counters only grow, so
     * the values a command found on arrival are kept, and its note counts what it added.
     */
    private static final class V1Groups {
        final List<Path> dirs;
        long refusedForksBefore;
        long oomKillsBefore;

        V1Groups(List<Path> dirs) {
            this.dirs = dirs;
        }
    }

    private Group prepareV2(String name) {
        Path dir = v2Parent.resolve(name);
        Path gate = gateDir.resolve(name);
        try {
            Files.createDirectory(dir);
            for (Map.Entry<String, String> e : CgroupV2.limitFiles(limits, v2Controllers,
                    file -> Files.exists(dir.resolve(file))).entrySet()) {
                write(dir.resolve(e.getKey()), e.getValue());
            }
            if (CgroupV2.Lib.mkfifo(gate.toString(), 0600) != 0) {
                throw new IOException("mkfifo " + gate + ": " + LibC.describe(Native.getLastError()));
            }
        } catch (IOException | RuntimeException e) {
            removeQuietly(dir);
            removeQuietly(gate);
            throw new SandboxUnavailableException("could not set up the command's resource limits: " + e
                    + " (set [sandbox] max_processes = 0 and max_memory_mb = 0 to run without them)");
        }
        return new Group(List.of(dir), new int[0], dir, gate);
    }

    /** The rlimit fallback, applied to the child right after the spawn. */
    void limitChild(int pid, Arch arch) {
        if (limits.maxMemoryBytes() > 0 && !parents.containsKey("memory")) {
            setLimit(arch, pid, RLIMIT_DATA, limits.maxMemoryBytes());
        }
        if (limits.maxProcesses() > 0 && !parents.containsKey("pids") && !root) {
            setLimit(arch, pid, RLIMIT_NPROC, limits.maxProcesses());
        }
    }

    private static void setLimit(Arch arch, int pid, int resource, long value) {
        try (Memory rlimit = new Memory(16)) {
            rlimit.setLong(0, value);
            rlimit.setLong(8, value);
            LibC.syscall(arch.prlimit64, pid, resource, com.sun.jna.Pointer.nativeValue(rlimit), 0, 0);
        }
    }

    private void sweepLeftovers() {
        sweepLeftovers(Integer.MAX_VALUE);
    }

    /**
     * Tries to remove up to {@code max} leftover groups. Each rmdir takes the kernel's cgroup_mutex, even
     * one refused for a busy group, so a v1 group that still has tasks is not even tried.
     */
    private void sweepLeftovers(int max) {
        for (int i = Math.min(max, leftovers.size()); i > 0; i--) {
            Path dir = leftovers.poll();
            if (dir == null) {
                return;
            }
            boolean busy = v2Parent == null && !CgroupV1.empty(dir) && Files.isDirectory(dir);
            if (busy || !removeQuietly(dir)) {
                leftovers.add(dir);
            }
        }
    }

    /** Whether every group is empty, giving processes that were just killed a few milliseconds to leave. */
    private static boolean emptySoon(List<Path> dirs) {
        for (int round = 0; round < 10; round++) {
            if (dirs.stream().allMatch(CgroupV1::empty)) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(500_000);
        }
        return false;
    }

    @Override
    public void close() {
        sweepLeftovers();
        if (v2Parent != null) {
            try (var commands = Files.list(v2Parent)) {
                commands.filter(Files::isDirectory).forEach(ResourceLimiter::removeQuietly);
            } catch (IOException | RuntimeException e) {
                // already gone
            }
            removeQuietly(v2Parent);
            try (var gates = Files.list(gateDir)) {
                gates.forEach(ResourceLimiter::removeQuietly);
            } catch (IOException | RuntimeException e) {
                // already gone
            }
            removeQuietly(gateDir);
        }
        for (Path parent : parents.values()) {
            try (var commands = Files.list(parent)) {
                commands.filter(Files::isDirectory).forEach(ResourceLimiter::removeQuietly);
            } catch (IOException | RuntimeException e) {
                // already gone
            }
            removeQuietly(parent);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean removeQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir); // rmdir: a cgroup with processes in it refuses (EBUSY)
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    private static int yamaPtraceScope() {
        try {
            return Integer.parseInt(CgroupV2.readProc("/proc/sys/kernel/yama/ptrace_scope").trim());
        } catch (IOException | RuntimeException e) {
            return 0; // no Yama
        }
    }

    private static int uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: treat as not root
        }
        return -1;
    }

    /** One command's groups. */
    final class Group {
        private final List<Path> dirs;
        /** Write ends of the groups' {@code tasks} files, for the spawning thread. */
        final int[] taskFds;
        /** cgroup v2: the command's group and its gate FIFO (the child's first file action opens it), else null. */
        private final Path v2Dir;
        private final Path gate;
        /** cgroup v2: our end of the gate, open once the child was placed (it may go on then). */
        private int gateFd = -1;
        /** cgroup v2: why the child could not be placed (it was killed before it ran), or null. */
        private volatile String placementProblem;

        /** cgroup v1: the groups (reused once this command is over and they are empty), else null. */
        private final V1Groups v1;
        /**
         * cgroup v1: write ends of the parent groups' {@code tasks} files: the spawning thread moves there right
         * after the spawn, so the command's groups hold only the command (empty once it ended, then reused)
         * and a JVM thread's slow exit never keeps them busy. Empty for v2.
         */
        final int[] leaveFds;

        private Group(List<Path> dirs, int[] taskFds, Path v2Dir, Path gate) {
            this.dirs = dirs;
            this.taskFds = taskFds;
            this.v2Dir = v2Dir;
            this.gate = gate;
            this.v1 = null;
            this.leaveFds = new int[0];
        }

        private Group(V1Groups v1, int[] taskFds, int[] leaveFds) {
            this.dirs = v1.dirs;
            this.taskFds = taskFds;
            this.v2Dir = null;
            this.gate = null;
            this.v1 = v1;
            this.leaveFds = leaveFds;
        }

        /** The FIFO the child must open before it may run (add it to its spawn plan and Landlock rules), or null. */
        Path gate() {
            return gate;
        }

        /**
         * cgroup v2, on the thread that started the spawning thread, while that one is in posix_spawn: finds the
         * child (blocked opening the gate), writes its pid into the group's {@code cgroup.procs}, then opens the
         * gate, which lets it go on to exec. A child that cannot be placed is killed; {@link #placementProblem()}
         * says why. Returns once the child is placed or the spawn attempt is over (it failed before the gate).
         *
         * @param lastPidBefore {@code ns_last_pid} read before the spawning thread started
         */
        void placeChild(Spawner spawner, long lastPidBefore) {
            if (gate == null) {
                return;
            }
            int openat = Arch.current() == Arch.AARCH64 ? 56 : 257;
            String gatePath = gate.toString();
            long pauseNanos = 10_000;
            long start = System.nanoTime();
            Set<Long> notOurs = new java.util.HashSet<>();
            while (!spawner.spawnAttempted()) {
                if (System.nanoTime() - start > giveUpNanos) {
                    // Never found (its /proc files unreadable?): let it go on rather than hang posix_spawn for
                    // ever; the executor kills it (and its domain) the moment posix_spawn returns.
                    placementProblem = "the command's process was not found at its gate within "
                            + giveUpNanos / 1_000_000_000L + " s (are our children's /proc/PID/syscall unreadable?)";
                    gateFd = LibC.open(gatePath, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
                    return;
                }
                // after a second, every process: in case ns_last_pid does not count in /proc's namespace
                boolean slow = System.nanoTime() - start > 1_000_000_000L;
                int pid = blindForTests ? 0
                        : CgroupV2.findGatedChild(slow ? -1 : lastPidBefore, gatePath, openat, notOurs);
                if (pid > 0) {
                    if (placementDelayMsForTests > 0) {
                        sleepQuietly(placementDelayMsForTests);
                    }
                    try {
                        Files.writeString(v2Dir.resolve("cgroup.procs"), Integer.toString(pid));
                    } catch (IOException | RuntimeException e) {
                        placementProblem = "cannot move the command into " + v2Dir + ": " + e.getMessage();
                        LibC.kill(pid, LibC.SIGKILL);
                        return;
                    }
                    if (!CgroupV2.atGate(pid, gatePath, openat)) {
                        // someone else opened the gate for writing: it may have run before it was placed
                        placementProblem = "the command left its gate before it was placed in " + v2Dir;
                        LibC.kill(pid, LibC.SIGKILL);
                        return;
                    }
                    gateFd = LibC.open(gatePath, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
                    if (gateFd < 0) {
                        placementProblem = "cannot open " + gatePath + ": " + LibC.describe(Native.getLastError());
                        LibC.kill(pid, LibC.SIGKILL);
                    }
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
                pauseNanos = Math.min(pauseNanos * 2, 250_000); // the child is usually at its gate within a millisecond
            }
            if (spawner.failedStep == Spawner.STEP_NONE) {
                // started but never seen at its gate: someone else released it (or put a file in its place)
                placementProblem = "the command passed its gate before it was placed in " + v2Dir;
            }
        }

        /** Why the command could not be placed into its group (it was not run), or null. */
        String placementProblem() {
            return placementProblem;
        }

        /** The spawning thread has moved (or failed): the task files and the gate are no longer needed. */
        void closeTaskFds() {
            for (int[] fds : new int[][] {taskFds, leaveFds}) {
                for (int i = 0; i < fds.length; i++) {
                    if (fds[i] >= 0) {
                        LibC.close(fds[i]);
                        fds[i] = -1;
                    }
                }
            }
            if (gateFd >= 0) {
                LibC.close(gateFd);
                gateFd = -1;
            }
            if (gate != null) {
                removeQuietly(gate);
            }
        }

        /** What the kernel refused the command, as a line for its stderr, or null. */
        String limitNote() {
            if (v2Dir != null) {
                return CgroupV2.limitNote(v2Dir, limits);
            }
            List<String> notes = new ArrayList<>();
            for (Path dir : dirs) {
                if (dir.getParent().equals(parents.get("pids"))) {
                    long refused = CgroupV1.counter(dir.resolve("pids.events"), "max") - v1.refusedForksBefore;
                    if (refused > 0) {
                        notes.add("the command reached its limit of " + limits.maxProcesses() + " processes: "
                                + refused + " fork" + (refused == 1 ? " was" : "s were")
                                + " refused ([sandbox] max_processes raises it)");
                    }
                } else {
                    long killed = CgroupV1.counter(dir.resolve("memory.oom_control"), "oom_kill") - v1.oomKillsBefore;
                    if (killed > 0) {
                        notes.add("the command reached its memory limit of " + limits.maxMemoryBytes() / CommandLimits.MIB
                                + " MiB and was killed ([sandbox] max_memory_mb raises it)");
                    }
                }
            }
            return notes.isEmpty() ? null : "codex-sandbox: " + String.join("; ", notes) + "\n";
        }

        /** SIGKILL to every process still in the group (the timeout and cancel path). */
        void killAll() {
            if (v2Dir != null) {
                CgroupV2.killAll(v2Dir, 2_000);
                return;
            }
            for (Path dir : dirs) {
                for (int round = 0; round < 20; round++) {
                    List<Long> pids = CgroupV1.members(dir);
                    if (pids.isEmpty()) {
                        break;
                    }
                    pids.forEach(p -> LibC.kill(p.intValue(), LibC.SIGKILL));
                }
            }
        }

        /**
         * Hands empty v1 groups to the next command (call it once the spawning thread has ended: it sits in the
         * groups until then); removes other groups, or keeps them for later when background processes still
         * live in them.
         */
        void release() {
            closeTaskFds();
            if (v1 != null && emptySoon(dirs)) {
                if (idleV1Count.incrementAndGet() <= MAX_IDLE_V1_GROUPS) {
                    for (Path dir : dirs) {
                        if (dir.getParent().equals(parents.get("pids"))) {
                            v1.refusedForksBefore = CgroupV1.counter(dir.resolve("pids.events"), "max");
                        } else {
                            v1.oomKillsBefore = CgroupV1.counter(dir.resolve("memory.oom_control"), "oom_kill");
                        }
                    }
                    idleV1.add(v1);
                    return;
                }
                idleV1Count.decrementAndGet();
            }
            for (Path dir : dirs) {
                if (!removeQuietly(dir)) {
                    leftovers.add(dir);
                }
            }
        }
    }

    /** Reading the v1 hierarchy this process belongs to. */
    static final class CgroupV1 {
        private CgroupV1() {
        }

        /** Controller name -> this process's folder in that v1 hierarchy, for the hierarchies mounted here. */
        static Map<String, Path> ownDirectories() {
            Map<String, Path> out = new HashMap<>();
            try {
                Map<String, String> membership = new HashMap<>();
                for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                    String[] parts = line.split(":", 3);
                    if (parts.length == 3 && !parts[1].isEmpty()) {
                        for (String c : parts[1].split(",")) {
                            membership.put(c, parts[2]);
                        }
                    }
                }
                for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                    int dash = line.indexOf(" - ");
                    if (dash < 0) {
                        continue;
                    }
                    String[] left = line.substring(0, dash).split(" ");
                    String[] right = line.substring(dash + 3).split(" ");
                    if (right.length < 3 || !right[0].equals("cgroup") || left.length < 5) {
                        continue;
                    }
                    String mountRoot = left[3];
                    Path mountPoint = Path.of(left[4]);
                    for (String option : right[2].split(",")) {
                        String own = membership.get(option);
                        if (own == null || !own.startsWith(mountRoot)) {
                            continue;
                        }
                        String relative = own.substring(mountRoot.length()).replaceFirst("^/+", "");
                        out.putIfAbsent(option, relative.isEmpty() ? mountPoint : mountPoint.resolve(relative));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return Map.of();
            }
            return out;
        }

        /** Whether no task (thread) is in the group: {@code tasks} is empty, or unreadable (gone). */
        static boolean empty(Path dir) {
            try (java.io.InputStream in = Files.newInputStream(dir.resolve("tasks"))) {
                return in.read() < 0;
            } catch (IOException | RuntimeException e) {
                return false; // cannot tell: not reused
            }
        }

        /** The number after {@code key} in a flat keyed file (pids.events, memory.oom_control), 0 when absent. */
        static long counter(Path file, String key) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] kv = line.trim().split("\\s+");
                    if (kv.length == 2 && kv[0].equals(key)) {
                        return Long.parseLong(kv[1]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such counter on this kernel
            }
            return 0;
        }

        /**
         * Processes in the group, never this one: v1's cgroup.procs lists the thread group of every
         * task inside, and the spawning thread of this JVM is in the group until the child is spawned
         * (for good if its move back to the parent failed).
         */
        static List<Long> members(Path dir) {
            long self = ProcessHandle.current().pid();
            List<Long> out = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                    if (!line.isBlank() && Long.parseLong(line.trim()) != self) {
                        out.add(Long.parseLong(line.trim()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
            return out;
        }
    }
}
