package codex.sandbox;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * Drops the capabilities a root command could use around Landlock, on the spawning thread only
 * (capabilities are per thread; with no_new_privs set, the command can never get them back at exec).
 *
 * <p>Landlock does not govern extended attributes, inode flags, perf, fanotify or real-time
 * scheduling. As root a sandboxed command could otherwise give any binary outside its roots file
 * capabilities ({@code setcap}, CAP_SETFCAP), make outside files immutable ({@code chattr +i},
 * CAP_LINUX_IMMUTABLE), watch or block every file open on the machine (fanotify, CAP_SYS_ADMIN),
 * sample other processes' registers and stacks (system-wide perf, CAP_PERFMON) or starve the
 * machine (SCHED_FIFO, CAP_SYS_NICE). What a root command keeps is what file work as root needs:
 * ownership and permission overrides, set*id, kill (signals stay scoped by Landlock), binding low
 * ports and raw sockets (only reachable with network-full-access), chroot, audit writes.
 * For a non-root executor this changes nothing: it has no capabilities to drop.
 */
final class Capabilities {
    static final int CAP_CHOWN = 0;
    static final int CAP_DAC_OVERRIDE = 1;
    static final int CAP_DAC_READ_SEARCH = 2;
    static final int CAP_FOWNER = 3;
    static final int CAP_FSETID = 4;
    static final int CAP_KILL = 5;
    static final int CAP_SETGID = 6;
    static final int CAP_SETUID = 7;
    static final int CAP_NET_BIND_SERVICE = 10;
    static final int CAP_NET_RAW = 13;
    static final int CAP_SYS_CHROOT = 18;
    static final int CAP_AUDIT_WRITE = 29;

    /** The capabilities a restricted command keeps (when it had them). */
    static final long KEPT = bit(CAP_CHOWN) | bit(CAP_DAC_OVERRIDE) | bit(CAP_DAC_READ_SEARCH) | bit(CAP_FOWNER)
            | bit(CAP_FSETID) | bit(CAP_KILL) | bit(CAP_SETGID) | bit(CAP_SETUID) | bit(CAP_NET_BIND_SERVICE)
            | bit(CAP_NET_RAW) | bit(CAP_SYS_CHROOT) | bit(CAP_AUDIT_WRITE);

    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int PR_CAPBSET_DROP = 24;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_CLEAR_ALL = 4;

    /** Highest capability number a kernel can know (64 bits); numbers it does not know fail with EINVAL. */
    private static final int LAST_POSSIBLE_CAP = 63;

    private final Arch arch;
    /** struct __user_cap_header_struct {u32 version; int pid;} then two {u32 effective, permitted, inheritable}. */
    private final Memory header = new Memory(8);
    private final Memory data = new Memory(24);

    /** Prepared on an unrestricted thread; {@link #drop()} only passes pointers. Not shared between threads. */
    Capabilities(Arch arch) {
        this.arch = arch;
    }

    private static long bit(int cap) {
        return 1L << cap;
    }

    /**
     * Runs on the spawning thread, after no_new_privs: empties the bounding set of everything not
     * kept (where we may: needs CAP_SETPCAP), clears the ambient set, and reduces the effective and
     * permitted sets to {@link #KEPT} and the inheritable set to nothing. Returns 0 or the errno of
     * capget/capset (the bounding-set and ambient steps are best effort: with no_new_privs, a root
     * command's permitted set after exec cannot exceed the permitted set reduced here).
     */
    int drop() {
        for (int cap = 0; cap <= LAST_POSSIBLE_CAP; cap++) {
            if ((KEPT & bit(cap)) == 0) {
                LibC.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
            }
        }
        LibC.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        header.setInt(0, LINUX_CAPABILITY_VERSION_3);
        header.setInt(4, 0);
        if (LibC.syscall(arch.capget, com.sun.jna.Pointer.nativeValue(header), com.sun.jna.Pointer.nativeValue(data),
                0, 0, 0) < 0) {
            return Native.getLastError();
        }
        int keptLow = (int) KEPT;
        int keptHigh = (int) (KEPT >>> 32);
        data.setInt(0, data.getInt(0) & keptLow); // effective
        data.setInt(4, data.getInt(4) & keptLow); // permitted
        data.setInt(8, 0); // inheritable
        data.setInt(12, data.getInt(12) & keptHigh);
        data.setInt(16, data.getInt(16) & keptHigh);
        data.setInt(20, 0);
        header.setInt(0, LINUX_CAPABILITY_VERSION_3);
        header.setInt(4, 0);
        if (LibC.syscall(arch.capset, com.sun.jna.Pointer.nativeValue(header), com.sun.jna.Pointer.nativeValue(data),
                0, 0, 0) < 0) {
            return Native.getLastError();
        }
        return 0;
    }

    void close() {
        header.close();
        data.close();
    }
}
