package codex.sandbox;

import codex.protocol.SandboxPermission;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A permission list made concrete for one command: which roots are writable (canonical, existing),
 * whether reads and the network are unrestricted. Plain data; {@link SandboxedExecutor} turns
 * it into a Landlock ruleset and a seccomp filter.
 */
public final class SandboxPolicy {

    /** Directories readable (and executable) without {@code disk-full-read-access}: what programs need to run. */
    public static final List<Path> READ_ONLY_SYSTEM_DIRS = List.of(
            Path.of("/usr"), Path.of("/bin"), Path.of("/sbin"), Path.of("/lib"), Path.of("/lib32"),
            Path.of("/lib64"), Path.of("/libx32"), Path.of("/etc"));

    /**
     * The parts of /proc readable without {@code disk-full-read-access}: system-wide files only.
     * Neither /proc as a whole (every same-user process's environ and maps would be readable: Landlock's
     * ptrace scoping does not cover them) nor /proc/self (a rule on it would resolve to the executor's
     * own entry, not the child's) can be granted safely. readlink(/proc/self/exe), /dev/fd/N and
     * /dev/stdin-style links keep working: Landlock does not govern readlink or pipe access.
     */
    public static final List<Path> READ_ONLY_PROC_FILES = List.of(
            Path.of("/proc/cpuinfo"), Path.of("/proc/meminfo"), Path.of("/proc/stat"), Path.of("/proc/loadavg"),
            Path.of("/proc/uptime"), Path.of("/proc/version"), Path.of("/proc/filesystems"), Path.of("/proc/sys"));

    /** Device files readable without {@code disk-full-read-access}. */
    public static final List<Path> READ_ONLY_DEVICES = List.of(
            Path.of("/dev/zero"), Path.of("/dev/random"), Path.of("/dev/urandom"));

    /** Device files that stay readable and writable under every policy. */
    public static final List<Path> WRITABLE_DEVICES = List.of(Path.of("/dev/null"));

    /** Where disk-write-platform-global-temp-folder points. */
    public static final Path GLOBAL_TEMP = Path.of("/tmp");

    private final List<SandboxPermission> permissions;
    private final boolean fullRead;
    private final boolean fullWrite;
    private final boolean network;
    private final List<Path> writableRoots;
    private final boolean readOnlyMetadata;

    /** The folders {@code disk-read-only-metadata-folders} keeps read-only directly inside each writable root. */
    public static final List<String> METADATA_FOLDERS = List.of(".git", ".codex");

    private SandboxPolicy(List<SandboxPermission> permissions, boolean fullRead, boolean fullWrite, boolean network,
                          List<Path> writableRoots, boolean readOnlyMetadata) {
        this.permissions = List.copyOf(permissions);
        this.fullRead = fullRead;
        this.fullWrite = fullWrite;
        this.network = network;
        this.writableRoots = List.copyOf(writableRoots);
        this.readOnlyMetadata = readOnlyMetadata;
    }

    /**
     * @param cwd the command's working directory: the root of disk-write-cwd, and the base of relative
     *            disk-write-folder paths
     * @param env the child's environment: TMPDIR for disk-write-platform-user-temp-folder comes from it
     *            (or from this process when the child has none)
     */
    public static SandboxPolicy resolve(List<SandboxPermission> permissions, Path cwd, Map<String, String> env) {
        boolean fullRead = false;
        boolean fullWrite = false;
        boolean network = false;
        boolean readOnlyMetadata = false;
        Set<Path> roots = new LinkedHashSet<>();
        Path base = cwd.toAbsolutePath();
        for (SandboxPermission p : permissions) {
            switch (p.kind()) {
                case DISK_FULL_READ_ACCESS -> fullRead = true;
                case DISK_FULL_WRITE_ACCESS -> fullWrite = true;
                case NETWORK_FULL_ACCESS -> network = true;
                case DISK_WRITE_CWD -> addCanonical(roots, base);
                case DISK_WRITE_PLATFORM_GLOBAL_TEMP_FOLDER -> addCanonical(roots, GLOBAL_TEMP);
                case DISK_WRITE_PLATFORM_USER_TEMP_FOLDER -> {
                    String tmpdir = env.get("TMPDIR");
                    if (tmpdir == null || tmpdir.isBlank()) {
                        tmpdir = System.getenv("TMPDIR");
                    }
                    if (tmpdir != null && !tmpdir.isBlank()) {
                        addCanonical(roots, base.resolve(tmpdir));
                    }
                }
                case DISK_WRITE_FOLDER -> addCanonical(roots, base.resolve(p.folder()));
                case DISK_READ_ONLY_METADATA_FOLDERS -> readOnlyMetadata = true;
            }
        }
        return new SandboxPolicy(permissions, fullRead, fullWrite, network, new ArrayList<>(roots), readOnlyMetadata);
    }

    /** Symlinks are resolved because Landlock grants by inode; a root that does not exist grants nothing. */
    private static void addCanonical(Set<Path> roots, Path path) {
        try {
            roots.add(path.toRealPath());
        } catch (IOException e) {
            // does not exist (yet): skipped, as documented
        }
    }

    public List<SandboxPermission> permissions() {
        return permissions;
    }

    public boolean fullRead() {
        return fullRead;
    }

    public boolean fullWrite() {
        return fullWrite;
    }

    public boolean network() {
        return network;
    }

    /** Canonical writable roots that exist (empty under disk-full-write-access, which covers everything). */
    public List<Path> writableRoots() {
        return writableRoots;
    }

    /**
     * The metadata folders ({@link #METADATA_FOLDERS}, or files of those names, as a worktree's {@code .git}
     * file) that exist directly inside {@code root} and must stay read-only; empty without
     * {@code disk-read-only-metadata-folders}. Looked at when each command starts.
     */
    public List<Path> readOnlyEntries(Path root) {
        if (!readOnlyMetadata) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        for (String name : METADATA_FOLDERS) {
            Path entry = root.resolve(name);
            if (java.nio.file.Files.exists(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                out.add(entry);
            }
        }
        return out;
    }

    public boolean readOnlyMetadata() {
        return readOnlyMetadata;
    }

    /** True when nothing at all is enforced (disk-full-write-access and network-full-access). */
    public boolean unrestricted() {
        return fullWrite && network;
    }

    public boolean restrictsFilesystem() {
        return !fullWrite;
    }

    public boolean restrictsNetwork() {
        return !network;
    }

    /**
     * Read-only roots for a given program: the system list, the devices, and the folder of the
     * program (both where it was found and where its symlinks lead). Empty under full read access
     * (the whole tree is readable then).
     */
    public List<Path> readOnlyRoots(Path program) {
        if (fullRead) {
            return List.of(Path.of("/"));
        }
        Set<Path> out = new LinkedHashSet<>();
        for (Path p : READ_ONLY_SYSTEM_DIRS) {
            addCanonical(out, p);
        }
        for (Path p : READ_ONLY_DEVICES) {
            addCanonical(out, p);
        }
        for (Path p : READ_ONLY_PROC_FILES) {
            if (!isProcessEntry(p)) {
                addCanonical(out, p);
            }
        }
        if (program != null && program.getParent() != null) {
            addProgramFolder(out, program.getParent());
            try {
                Path real = program.toRealPath();
                if (real.getParent() != null) {
                    addProgramFolder(out, real.getParent());
                }
            } catch (IOException e) {
                // the spawn will report the missing program
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The folder of the program, unless it would grant far more than a program's neighbours: "/"
     * (full read access), or anything under /proc, /sys or /dev. argv[0] = /proc/self/exe is the
     * case in point: its folder is the executor's own /proc/PID (environ with every secret), and
     * the program it names is a JVM that happily reads files for the caller (@argfiles).
     */
    private static void addProgramFolder(Set<Path> out, Path folder) {
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            return;
        }
        if (real.getNameCount() == 0 || PSEUDO_FILESYSTEMS.stream().anyMatch(real::startsWith)) {
            return;
        }
        out.add(real);
    }

    /** Never granted as a program's folder: they describe processes and devices, not programs. */
    private static final List<Path> PSEUDO_FILESYSTEMS = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

    /** True for anything that resolves into a /proc/PID (or /proc/self) directory. */
    private static boolean isProcessEntry(Path path) {
        try {
            Path real = path.toRealPath();
            return real.getNameCount() >= 2 && real.getName(0).toString().equals("proc")
                    && real.getName(1).toString().chars().allMatch(Character::isDigit);
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "SandboxPolicy" + SandboxPermission.toStrings(permissions) + " writable=" + writableRoots;
    }

}
