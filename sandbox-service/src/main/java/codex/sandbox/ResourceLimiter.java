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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts {@link CommandLimits} on each command, with the strongest mechanism this process may use:
 *
 * <ul>
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
 * <p>cgroup v2 needs a delegated subtree in which this process owns a leaf; that is not
 * implemented yet, so on a v2-only host the rlimits apply (see the README).
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

    private ResourceLimiter(CommandLimits limits, Map<String, Path> parents, String cgroupProblem, boolean root) {
        this.limits = limits;
        this.parents = parents;
        this.cgroupProblem = cgroupProblem;
        this.root = root;
    }

    static ResourceLimiter create(CommandLimits limits) {
        boolean root = "root".equals(System.getProperty("user.name")) || uid() == 0;
        if (!limits.any()) {
            return new ResourceLimiter(limits, Map.of(), "no limits configured", root);
        }
        Map<String, Path> parents = new HashMap<>();
        List<String> problems = new ArrayList<>();
        Map<String, Path> dirs = CgroupV1.ownDirectories();
        int instance = INSTANCES.incrementAndGet();
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

    /** Groups left by services that died: removed when their process is gone and they are empty. */
    private static void removeStaleGroups(Path dir) {
        try (var children = Files.list(dir)) {
            children.filter(p -> p.getFileName().toString().matches("codex-sandbox-\\d+-\\d+"))
                    .filter(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString().split("-")[2])).isEmpty())
                    .forEach(p -> {
                        // the commands of a sandbox service that died: none may outlive it
                        try (var commands = Files.list(p)) {
                            commands.filter(Files::isDirectory).forEach(group -> {
                                // SIGKILL takes effect asynchronously: wait (at most 2 s) until the group is empty
                                for (int round = 0; round < 100 && !CgroupV1.members(group).isEmpty(); round++) {
                                    CgroupV1.members(group).forEach(pid -> LibC.kill(pid.intValue(), LibC.SIGKILL));
                                    sleepQuietly(20);
                                }
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
        if (parents.containsKey(controller)) {
            return cgroupText + " (cgroup v1 " + controller + ", " + parents.get(controller) + ")";
        }
        return rlimitText;
    }

    /** Whether the command is limited through cgroups (then it must be spawned from a fresh thread). */
    boolean usesCgroups() {
        return !parents.isEmpty();
    }

    /** Makes the command's groups and opens their task files; null when no cgroup is used. */
    Group prepare() {
        sweepLeftovers();
        if (parents.isEmpty()) {
            return null;
        }
        String name = "cmd-" + counter.incrementAndGet();
        List<Path> made = new ArrayList<>();
        List<Integer> fds = new ArrayList<>();
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
                int fd = LibC.open(dir.resolve("tasks").toString(), LibC.O_WRONLY | LibC.O_CLOEXEC, 0);
                if (fd < 0) {
                    throw new IOException("cannot open " + dir.resolve("tasks") + ": "
                            + LibC.describe(Native.getLastError()));
                }
                fds.add(fd);
            }
        } catch (IOException | RuntimeException e) {
            fds.forEach(LibC::close);
            made.forEach(ResourceLimiter::removeQuietly);
            throw new SandboxUnavailableException("could not set up the command's resource limits: " + e
                    + " (set [sandbox] max_processes = 0 and max_memory_mb = 0 to run without them)");
        }
        return new Group(made, fds.stream().mapToInt(Integer::intValue).toArray());
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
        for (int i = leftovers.size(); i > 0; i--) {
            Path dir = leftovers.poll();
            if (dir != null && !removeQuietly(dir)) {
                leftovers.add(dir);
            }
        }
    }

    @Override
    public void close() {
        sweepLeftovers();
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

        private Group(List<Path> dirs, int[] taskFds) {
            this.dirs = dirs;
            this.taskFds = taskFds;
        }

        /** The spawning thread has moved (or failed): the task files are no longer needed. */
        void closeTaskFds() {
            for (int i = 0; i < taskFds.length; i++) {
                if (taskFds[i] >= 0) {
                    LibC.close(taskFds[i]);
                    taskFds[i] = -1;
                }
            }
        }

        /** What the kernel refused the command, as a line for its stderr, or null. */
        String limitNote() {
            List<String> notes = new ArrayList<>();
            for (Path dir : dirs) {
                if (dir.getParent().equals(parents.get("pids"))) {
                    long refused = CgroupV1.counter(dir.resolve("pids.events"), "max");
                    if (refused > 0) {
                        notes.add("the command reached its limit of " + limits.maxProcesses() + " processes: "
                                + refused + " fork" + (refused == 1 ? " was" : "s were")
                                + " refused ([sandbox] max_processes raises it)");
                    }
                } else {
                    long killed = CgroupV1.counter(dir.resolve("memory.oom_control"), "oom_kill");
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

        /** Removes the groups, or keeps them for later when background processes still live in them. */
        void release() {
            closeTaskFds();
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
         * task inside, and the spawning (kill-switch) thread of this JVM sits in the group while the
         * command runs.
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
