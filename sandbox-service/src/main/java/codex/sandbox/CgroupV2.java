package codex.sandbox;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * cgroup v2 for per-command limits: where this process's own group is, whether it is delegated to
 * us (writable, with the controllers we need), how to take it over without breaking the
 * no-internal-process rule, what to write into a command's group, and how to find a spawning child
 * to place it before it runs. The parsing and the file contents are plain functions (unit-tested on
 * fixtures); the rest acts on the folder it is given.
 */
final class CgroupV2 {
    private CgroupV2() {
    }

    /** The leaf this JVM moves into, so that its own group can hand controllers to the command groups. */
    static final String SERVICE_LEAF = "service";

    /** This process's cgroup v2 folder: the mount it lies under and its path there. */
    record Location(Path mountPoint, String ownPath, Path dir) {
    }

    /**
     * Finds the {@code 0::PATH} line of {@code /proc/self/cgroup} and the cgroup2 mount of
     * {@code /proc/self/mountinfo} that holds it (its root a prefix of PATH: inside a cgroup
     * namespace both are "/"). Empty when there is no cgroup2 mount or we are not under it.
     */
    static Optional<Location> locate(List<String> procSelfCgroup, List<String> mountinfo) {
        String own = null;
        for (String line : procSelfCgroup) {
            if (line.startsWith("0::")) {
                own = line.substring(3).trim();
            }
        }
        if (own == null || !own.startsWith("/") || own.endsWith(" (deleted)")) {
            return Optional.empty();
        }
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (left.length < 5 || right.length < 1 || !right[0].equals("cgroup2")) {
                continue;
            }
            String root = unescape(left[3]);
            Path mountPoint = Path.of(unescape(left[4]));
            if (!(own.equals(root) || root.equals("/") || own.startsWith(root + "/"))) {
                continue;
            }
            String relative = own.substring(root.equals("/") ? 0 : root.length()).replaceFirst("^/+", "");
            return Optional.of(new Location(mountPoint, own, relative.isEmpty() ? mountPoint : mountPoint.resolve(relative)));
        }
        return Optional.empty();
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The controllers the limits need: {@code pids} for a process limit, {@code memory} for a memory limit. */
    static Set<String> needed(CommandLimits limits) {
        Set<String> out = new LinkedHashSet<>();
        if (limits.maxProcesses() > 0) {
            out.add("pids");
        }
        if (limits.maxMemoryBytes() > 0) {
            out.add("memory");
        }
        return out;
    }

    /**
     * Why our v2 group {@code dir} cannot hold the command groups, or null when it can: every controller
     * the limits need must be in its {@code cgroup.controllers} (the parent hands it down) and the group
     * must be writable by us (delegated: its folder, {@code cgroup.procs} and {@code cgroup.subtree_control}).
     */
    static String unusableBecause(Path dir, Set<String> needed, Set<String> available, boolean writable) {
        if (!available.containsAll(needed)) {
            Set<String> missing = new java.util.TreeSet<>(needed);
            missing.removeAll(available);
            return "cgroup v2 (" + dir + "): " + String.join(", ", missing) + " not available (cgroup.controllers: "
                    + (available.isEmpty() ? "none" : String.join(" ", available)) + ")";
        }
        if (!writable) {
            return "cgroup v2 (" + dir + "): not delegated to this user (not writable)";
        }
        return null;
    }

    /** A space-separated controller list ({@code cgroup.controllers}, {@code cgroup.subtree_control}); empty when unreadable. */
    static Set<String> readList(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() ? Set.of() : new LinkedHashSet<>(List.of(text.split("\\s+")));
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** The hierarchy's real root has no {@code cgroup.type}; only there may processes sit beside enabled controllers. */
    static boolean isHierarchyRoot(Path dir) {
        return Files.isDirectory(dir) && !Files.exists(dir.resolve("cgroup.type"));
    }

    /**
     * Takes over the delegated folder {@code dir} for command groups: unless it is the hierarchy's root,
     * every process in it (this JVM, and whatever shares its group: a container's other processes) moves
     * into {@code dir/service} first, since a non-root group with processes cannot enable controllers for
     * its children; then {@code controllers} are enabled in {@code dir/cgroup.subtree_control}. A JVM that
     * finds itself in {@code X/service} where X already hands out the controllers (a second executor, or a
     * restarted one) uses X. Returns the folder under which command groups are made.
     */
    static Path delegate(Path dir, Set<String> controllers) throws IOException {
        Path base = dir;
        Path parent = dir.getParent();
        if (dir.getFileName() != null && dir.getFileName().toString().equals(SERVICE_LEAF) && parent != null
                && readList(parent.resolve("cgroup.subtree_control")).containsAll(controllers)
                && Files.exists(parent.resolve("cgroup.procs"))) {
            return parent;
        }
        if (!isHierarchyRoot(base) && !controllers.isEmpty()
                && !readList(base.resolve("cgroup.subtree_control")).containsAll(controllers)) {
            List<String> procs = lines(base.resolve("cgroup.procs"));
            if (!procs.isEmpty()) {
                Path leaf = base.resolve(SERVICE_LEAF);
                if (!Files.isDirectory(leaf)) {
                    Files.createDirectory(leaf);
                }
                for (String pid : procs) {
                    try {
                        Files.writeString(leaf.resolve("cgroup.procs"), pid);
                    } catch (IOException e) {
                        if (Files.exists(Path.of("/proc", pid))) {
                            throw new IOException("cannot move process " + pid + " into " + leaf + ": " + e.getMessage(), e);
                        } // gone meanwhile
                    }
                }
            }
        }
        enable(base, controllers);
        return base;
    }

    /** Writes {@code +c} for each controller not yet enabled in {@code dir/cgroup.subtree_control}. */
    static void enable(Path dir, Set<String> controllers) throws IOException {
        Set<String> enabled = readList(dir.resolve("cgroup.subtree_control"));
        StringBuilder add = new StringBuilder();
        for (String c : new java.util.TreeSet<>(controllers)) { // a stable order, for the tests
            if (!enabled.contains(c)) {
                add.append(add.length() == 0 ? "" : " ").append('+').append(c);
            }
        }
        if (add.length() > 0) {
            Files.writeString(dir.resolve("cgroup.subtree_control"), add.toString());
        }
    }

    /**
     * What a command's group gets, in order: {@code pids.max}; {@code memory.max}, {@code memory.swap.max = 0}
     * (swap must not extend the limit) and {@code memory.oom.group = 1} (an OOM kill takes the whole command,
     * not one random process of it), each only where the kernel has the file and the controller is enabled.
     */
    static Map<String, String> limitFiles(CommandLimits limits, Set<String> controllers, Predicate<String> exists) {
        Map<String, String> out = new LinkedHashMap<>();
        if (limits.maxProcesses() > 0 && controllers.contains("pids")) {
            out.put("pids.max", Integer.toString(limits.maxProcesses()));
        }
        if (limits.maxMemoryBytes() > 0 && controllers.contains("memory")) {
            out.put("memory.max", Long.toString(limits.maxMemoryBytes()));
            if (exists.test("memory.swap.max")) {
                out.put("memory.swap.max", "0");
            }
            if (exists.test("memory.oom.group")) {
                out.put("memory.oom.group", "1");
            }
        }
        return out;
    }

    /**
     * What the kernel refused a command, in words, from its group's {@code pids.events} ({@code max}: forks
     * refused) and {@code memory.events} ({@code oom_kill}, {@code oom_group_kill}); null when nothing.
     */
    static String limitNote(Path group, CommandLimits limits) {
        List<String> notes = new ArrayList<>();
        long refused = counter(group.resolve("pids.events"), "max");
        if (refused > 0) {
            notes.add("the command reached its limit of " + limits.maxProcesses() + " processes: " + refused + " fork"
                    + (refused == 1 ? " was" : "s were") + " refused ([sandbox] max_processes raises it)");
        }
        long killed = Math.max(counter(group.resolve("memory.events"), "oom_kill"),
                counter(group.resolve("memory.events"), "oom_group_kill"));
        if (killed > 0) {
            notes.add("the command reached its memory limit of " + limits.maxMemoryBytes() / CommandLimits.MIB
                    + " MiB and was killed ([sandbox] max_memory_mb raises it)");
        }
        return notes.isEmpty() ? null : "codex-sandbox: " + String.join("; ", notes) + "\n";
    }

    /** The number after {@code key} in a flat keyed file, 0 when absent. */
    static long counter(Path file, String key) {
        return ResourceLimiter.CgroupV1.counter(file, key);
    }

    /** {@code populated} in {@code cgroup.events}: a process is in the group or beneath it. */
    static boolean populated(Path group) {
        return counter(group.resolve("cgroup.events"), "populated") > 0;
    }

    /** Pids in the group ({@code cgroup.procs}: v2 places whole processes, so never this JVM). */
    static List<Long> members(Path group) {
        List<Long> out = new ArrayList<>();
        for (String line : lines(group.resolve("cgroup.procs"))) {
            out.add(Long.parseLong(line));
        }
        return out;
    }

    /**
     * SIGKILL to every process of the group: {@code cgroup.kill} (Linux 5.14) kills them all at once, a fork in
     * flight included; older kernels get a sweep of {@code cgroup.procs}. Waits (at most {@code waitMs}) until
     * the group is empty; returns whether it is.
     */
    static boolean killAll(Path group, long waitMs) {
        Path kill = group.resolve("cgroup.kill");
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        do {
            boolean sent = false;
            if (Files.exists(kill)) {
                try {
                    Files.writeString(kill, "1");
                    sent = true;
                } catch (IOException e) {
                    // fall back to the sweep
                }
            }
            if (!sent) {
                members(group).forEach(pid -> LibC.kill(pid.intValue(), LibC.SIGKILL));
            }
            if (!populated(group) && members(group).isEmpty()) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        } while (System.nanoTime() < deadline);
        return members(group).isEmpty();
    }

    private static List<String> lines(Path file) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(line.trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return out;
    }

    // --- finding the child to place --------------------------------------------------------------------

    /** The parent pid in a {@code /proc/PID/stat} line (after the command name, which may hold spaces and ')'). */
    static long parentOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] rest = stat.substring(close + 1).trim().split(" ");
        return rest.length > 1 ? Long.parseLong(rest[1]) : -1;
    }

    /**
     * The path argument's address when a {@code /proc/PID/syscall} line shows the task blocked in
     * {@code openat} (number {@code openat}, arguments dirfd, path, ...), else 0. A running task shows
     * "running".
     */
    static long openatPathAddress(String syscallLine, int openat) {
        String[] parts = syscallLine.trim().split(" ");
        if (parts.length < 3 || !parts[0].equals(Integer.toString(openat))) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(parts[2].replaceFirst("^0x", ""), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The child of this process that is blocked opening {@code gate}, or 0 while there is none (yet).
     * posix_spawn's child shares our memory until it execs (CLONE_VM), so the path its openat points at
     * can be read from our own {@code /proc/self/mem}: that identifies this command's child exactly, even
     * with other spawns under way. Candidates are the pids allocated since {@code lastPidBefore}
     * ({@code ns_last_pid}), or every process when that is unknown or wrapped.
     */
    static int findGatedChild(long lastPidBefore, String gate, int openat) {
        return findGatedChild(lastPidBefore, gate, openat, new java.util.HashSet<>());
    }

    /**
     * The same, skipping and adding to {@code notOurs} the pids that are someone else's: a pid already handed
     * out to another parent cannot become our child later (short of a pid wrap), so a worker polling again
     * reads only the new ones.
     */
    static int findGatedChild(long lastPidBefore, String gate, int openat, Set<Long> notOurs) {
        long self = ProcessHandle.current().pid();
        long last = lastPid();
        List<Long> candidates = new ArrayList<>();
        if (lastPidBefore > 0 && last >= lastPidBefore) {
            for (long p = last; p > lastPidBefore; p--) {
                candidates.add(p);
            }
        } else {
            try (var entries = Files.list(Path.of("/proc"))) {
                entries.map(e -> e.getFileName().toString()).filter(n -> n.matches("\\d+"))
                        .forEach(n -> candidates.add(Long.parseLong(n)));
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
        for (long pid : candidates) {
            if (notOurs.contains(pid)) {
                continue;
            }
            try {
                if (parentOf(readProc("/proc/" + pid + "/stat")) != self) {
                    notOurs.add(pid);
                    continue;
                }
                if (atGate(pid, gate, openat)) {
                    return (int) pid;
                }
            } catch (IOException | RuntimeException e) {
                // not a process, gone, or not ours
            }
        }
        return 0;
    }

    /** Whether our child {@code pid} is (still) blocked in openat on {@code gate}. */
    static boolean atGate(long pid, String gate, int openat) {
        byte[] want = (gate + "\0").getBytes(StandardCharsets.UTF_8);
        try {
            long address = openatPathAddress(readProc("/proc/" + pid + "/syscall"), openat);
            return address != 0 && java.util.Arrays.equals(readOwnMemory(address, want.length), want);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The last pid the kernel handed out in our pid namespace, or -1. */
    static long lastPid() {
        try {
            return Long.parseLong(readProc("/proc/sys/kernel/ns_last_pid").trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * A /proc file in one read: Files.readString reads a file of size 0 byte by byte at first, and a sysctl
     * file answers a read at offset 1 with end of file (ns_last_pid would lose all but its first digit).
     */
    static String readProc(String path) throws IOException {
        try (java.io.FileInputStream in = new java.io.FileInputStream(path)) {
            byte[] buffer = new byte[4096];
            int length = 0;
            for (int n; length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
                length += n;
            }
            return new String(buffer, 0, length, StandardCharsets.UTF_8);
        }
    }

    private static byte[] readOwnMemory(long address, int length) throws IOException {
        try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "r")) {
            mem.seek(address);
            byte[] out = new byte[length];
            mem.readFully(out);
            return out;
        }
    }

    /** libc calls only the v2 path needs. */
    static final class Lib {
        static {
            Native.register(Lib.class, LibC.C);
        }

        private Lib() {
        }

        static native int mkfifo(String path, int mode);

        static native int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int oflag, int mode);
    }
}
