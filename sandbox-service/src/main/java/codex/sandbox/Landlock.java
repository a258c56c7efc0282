package codex.sandbox;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Landlock constants and ruleset construction. The ruleset is built on an unrestricted thread;
 * only {@code landlock_restrict_self} runs on the spawning thread.
 */
final class Landlock {
    private Landlock() {
    }

    // LANDLOCK_ACCESS_FS_*
    static final long EXECUTE = 1L;
    static final long WRITE_FILE = 1L << 1;
    static final long READ_FILE = 1L << 2;
    static final long READ_DIR = 1L << 3;
    static final long REMOVE_DIR = 1L << 4;
    static final long REMOVE_FILE = 1L << 5;
    static final long MAKE_CHAR = 1L << 6;
    static final long MAKE_DIR = 1L << 7;
    static final long MAKE_REG = 1L << 8;
    static final long MAKE_SOCK = 1L << 9;
    static final long MAKE_FIFO = 1L << 10;
    static final long MAKE_BLOCK = 1L << 11;
    static final long MAKE_SYM = 1L << 12;
    static final long REFER = 1L << 13; // ABI 2
    static final long TRUNCATE = 1L << 14; // ABI 3
    static final long IOCTL_DEV = 1L << 15; // ABI 5

    // LANDLOCK_ACCESS_NET_* (ABI 4)
    static final long NET_BIND_TCP = 1L;
    static final long NET_CONNECT_TCP = 1L << 1;

    // LANDLOCK_SCOPE_* (ABI 6)
    static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1L << 0;
    static final long SCOPE_SIGNAL = 1L << 1;

    static final long READ = EXECUTE | READ_FILE | READ_DIR;
    /**
     * Never granted, even in writable roots: a root command could otherwise mknod a device node for
     * a disk or /dev/mem inside its root and reach everything through it.
     */
    static final long DEVICE_NODES = MAKE_CHAR | MAKE_BLOCK;
    /** The only rights a rule on a non-directory may carry (the kernel rejects the others with EINVAL). */
    static final long FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV;

    private static final int LANDLOCK_CREATE_RULESET_VERSION = 1;
    private static final int LANDLOCK_RULE_PATH_BENEATH = 1;
    /** struct landlock_path_beneath_attr is packed: u64 allowed_access, s32 parent_fd. */
    private static final int PATH_BENEATH_ATTR_SIZE = 12;

    /** Every filesystem right the given ABI knows. */
    static long fsRights(int abi) {
        long rights = (1L << 13) - 1; // ABI 1: EXECUTE .. MAKE_SYM
        if (abi >= 2) {
            rights |= REFER;
        }
        if (abi >= 3) {
            rights |= TRUNCATE;
        }
        if (abi >= 5) {
            rights |= IOCTL_DEV;
        }
        return rights;
    }

    /** The kernel's Landlock ABI version (>= 1), or minus the errno (ENOSYS, EOPNOTSUPP) when it has none. */
    static int abi() {
        long r = LibC.syscall(Arch.LANDLOCK_CREATE_RULESET, 0, 0, LANDLOCK_CREATE_RULESET_VERSION, 0, 0);
        if (r < 0) {
            return -Native.getLastError();
        }
        return (int) r;
    }

    /** One path rule: everything beneath {@code path} gets {@code access} (masked to what the ruleset handles). */
    record Rule(Path path, long access) {
    }

    /**
     * Creates a ruleset fd (O_CLOEXEC) holding the rules. Paths that do not exist are skipped.
     *
     * @param handledFs  filesystem rights the ruleset restricts (0 = filesystem unrestricted)
     * @param handledNet network rights the ruleset restricts (needs ABI 4)
     * @param scoped     scopes (needs ABI 6)
     */
    static int createRuleset(int abi, long handledFs, long handledNet, long scoped, List<Rule> rules) {
        int attrSize = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
        try (Memory attr = new Memory(24); Memory pathBeneath = new Memory(PATH_BENEATH_ATTR_SIZE)) {
            attr.clear();
            attr.setLong(0, handledFs);
            attr.setLong(8, handledNet);
            attr.setLong(16, scoped);
            long fd = LibC.syscall(Arch.LANDLOCK_CREATE_RULESET, com.sun.jna.Pointer.nativeValue(attr) , attrSize, 0, 0, 0);
            if (fd < 0) {
                throw new SandboxUnavailableException("landlock_create_ruleset failed: "
                        + LibC.describe(Native.getLastError()));
            }
            int rulesetFd = (int) fd;
            boolean ok = false;
            try {
                for (Rule rule : rules) {
                    long access = rule.access() & handledFs;
                    if (access == 0) {
                        continue;
                    }
                    int pathFd = LibC.open(rule.path().toString(), LibC.O_PATH | LibC.O_CLOEXEC, 0);
                    if (pathFd < 0) {
                        continue; // gone or never existed: nothing to grant
                    }
                    try {
                        if (!Files.isDirectory(rule.path())) {
                            access &= FILE_RIGHTS;
                        }
                        pathBeneath.setLong(0, access);
                        pathBeneath.setInt(8, pathFd);
                        long r = LibC.syscall(Arch.LANDLOCK_ADD_RULE, rulesetFd, LANDLOCK_RULE_PATH_BENEATH,
                                com.sun.jna.Pointer.nativeValue(pathBeneath), 0, 0);
                        if (r < 0) {
                            throw new IllegalStateException("landlock_add_rule for " + rule.path() + " failed: "
                                    + LibC.describe(Native.getLastError()));
                        }
                    } finally {
                        LibC.close(pathFd);
                    }
                }
                ok = true;
                return rulesetFd;
            } finally {
                if (!ok) {
                    LibC.close(rulesetFd);
                }
            }
        }
    }

    /** Restricts the calling thread (and what it spawns afterwards). Returns 0 or the errno. */
    static int restrictSelf(int rulesetFd) {
        long r = LibC.syscall(Arch.LANDLOCK_RESTRICT_SELF, rulesetFd, 0, 0, 0, 0);
        return r < 0 ? Native.getLastError() : 0;
    }
}
