package codex.sandbox;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.util.concurrent.locks.LockSupport;

/**
 * The body of the short-lived spawning thread: restrict this thread (no_new_privs, capabilities,
 * Landlock, seccomp), posix_spawn the command, end. It allocates no native memory, takes no locks
 * that could start a thread, and creates no thread, so the restriction reaches the child and nothing
 * else. Everything it touches was prepared beforehand on an unrestricted thread.
 *
 * <p>With a kill switch (Landlock signal scoping in force), the thread does not end at once: it
 * reports the spawn, then waits in read(2) on the switch. One byte makes it send SIGKILL to
 * {@code -1} and end; end of file makes it just end. The thread belongs to the command's Landlock
 * domain and signals are scoped to that domain, so {@code kill(-1)} reaches exactly the command's
 * processes: those that left its process group (setsid, double fork) included, the executor and
 * every other process excluded. The thread still allocates nothing and starts nothing while it waits.
 */
final class Spawner implements Runnable {
    static final int STEP_NONE = 0;
    static final int STEP_NO_NEW_PRIVS = 1;
    static final int STEP_LANDLOCK = 2;
    static final int STEP_SECCOMP = 3;
    static final int STEP_SPAWN = 4;
    static final int STEP_CAPABILITIES = 5;
    static final int STEP_LIMITS = 6;

    private final SpawnPlan plan;
    private final boolean restrict;
    private final int rulesetFd;
    private final SeccompFilter.Installed seccomp;
    private final Capabilities capabilities;
    private final int killSwitchFd;
    private final Memory killSwitchByte;
    private final Thread waiter;
    /** Write ends of the command's cgroup {@code tasks} files (empty: none), and the text buffer for our tid. */
    private final int[] cgroupTaskFds;
    private final Memory tidText;
    private int tidLength;
    private final int gettid;
    /** Write ends of the parent groups' {@code tasks} files: after the spawn the thread moves there (empty: stays). */
    private int[] cgroupLeaveFds = new int[0];

    /** Which step failed (STEP_NONE when the command was started). */
    int failedStep = STEP_NONE;
    int errno;
    int pid;
    /** Set (after the fields above) once the spawn was attempted; {@link #awaitSpawn()} waits for it. */
    private volatile boolean spawnAttempted;
    /** True when the thread stays to serve the kill switch (the command started in a signal-scoped domain). */
    volatile boolean servingKillSwitch;

    /**
     * @param restrict     apply restrictions at all (false only when the policy is unrestricted)
     * @param capabilities capabilities to drop, or null
     * @param rulesetFd    Landlock ruleset to enforce, or -1
     * @param seccomp      network filter to install, or null
     * @param killSwitchFd read end of a pipe to wait on after the spawn, or -1; only valid when the
     *                     ruleset scopes signals, since kill(-1) outside such a domain would reach
     *                     every process this user may signal
     */
    Spawner(SpawnPlan plan, boolean restrict, Capabilities capabilities, int rulesetFd,
            SeccompFilter.Installed seccomp, int killSwitchFd) {
        this(plan, restrict, capabilities, rulesetFd, seccomp, killSwitchFd, new int[0], 0);
    }

    /**
     * @param cgroupTaskFds {@code tasks} files of the command's cgroups (v1): the thread writes its own
     *                      tid to each before anything else, so the child starts inside them
     * @param gettid        the gettid syscall number (used only with cgroup task files)
     */
    Spawner(SpawnPlan plan, boolean restrict, Capabilities capabilities, int rulesetFd,
            SeccompFilter.Installed seccomp, int killSwitchFd, int[] cgroupTaskFds, int gettid) {
        this.cgroupTaskFds = cgroupTaskFds;
        this.tidText = cgroupTaskFds.length > 0 ? new Memory(24) : null;
        this.gettid = gettid;
        this.plan = plan;
        this.restrict = restrict;
        this.capabilities = capabilities;
        this.rulesetFd = rulesetFd;
        this.seccomp = seccomp;
        this.killSwitchFd = restrict && rulesetFd >= 0 ? killSwitchFd : -1;
        this.killSwitchByte = this.killSwitchFd >= 0 ? new Memory(1) : null;
        this.waiter = Thread.currentThread();
    }

    @Override
    public void run() {
        try {
            spawn();
        } finally {
            spawnAttempted = true;
            LockSupport.unpark(waiter);
        }
        if (servingKillSwitch) {
            serveKillSwitch();
        }
    }

    /** Whether the spawn was attempted (the command started or failed). */
    boolean spawnAttempted() {
        return spawnAttempted;
    }

    /**
     * cgroup v1: once the child is spawned, move this thread to these groups' {@code tasks} (the parents), before
     * the spawn is reported; only with the task files given to the constructor. Call before the thread starts.
     */
    void leaveCgroupsAfterSpawn(int[] parentTaskFds) {
        if (cgroupTaskFds.length > 0) {
            this.cgroupLeaveFds = parentTaskFds;
        }
    }

    /** Called by the thread that made this spawner: returns once the spawn was attempted. */
    void awaitSpawn() {
        while (!spawnAttempted) {
            LockSupport.park(this);
        }
    }

    private void spawn() {
        if (cgroupTaskFds.length > 0) {
            int e = joinCgroups();
            if (e != 0) {
                fail(STEP_LIMITS, e);
                return;
            }
        }
        if (restrict) {
            if (LibC.prctl(LibC.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
                fail(STEP_NO_NEW_PRIVS, Native.getLastError());
                return;
            }
            if (capabilities != null) {
                int e = capabilities.drop();
                if (e != 0) {
                    fail(STEP_CAPABILITIES, e);
                    return;
                }
            }
            if (rulesetFd >= 0) {
                int e = Landlock.restrictSelf(rulesetFd);
                if (e != 0) {
                    fail(STEP_LANDLOCK, e);
                    return;
                }
            }
            if (seccomp != null) {
                int e = seccomp.install();
                if (e != 0) {
                    fail(STEP_SECCOMP, e);
                    return;
                }
            }
        }
        int rc = LibC.posix_spawn(plan.pidOut, plan.path, plan.fileActions, plan.attr, plan.argv, plan.envp);
        if (rc != 0) {
            fail(STEP_SPAWN, rc);
            return;
        }
        pid = plan.pidOut.getInt(0);
        // The child is inside now; this thread leaves, so the command's groups hold only the command. A
        // failed write leaves it there: the groups are then busy at the end and not reused, nothing worse.
        for (int fd : cgroupLeaveFds) {
            LibC.write(fd, tidText, tidLength);
        }
        // Only reached after this very thread entered the command's signal-scoped Landlock domain.
        servingKillSwitch = killSwitchFd >= 0;
    }

    /** Writes this thread's id into each cgroup's tasks file; digits by hand, nothing allocated. */
    private int joinCgroups() {
        long tid = LibC.syscall(gettid, 0, 0, 0, 0, 0);
        int length = 0;
        long rest = tid;
        do {
            length++;
            rest /= 10;
        } while (rest > 0);
        rest = tid;
        for (int i = length - 1; i >= 0; i--) {
            tidText.setByte(i, (byte) ('0' + rest % 10));
            rest /= 10;
        }
        tidLength = length;
        for (int fd : cgroupTaskFds) {
            if (LibC.write(fd, tidText, length) != length) {
                return Native.getLastError();
            }
        }
        return 0;
    }

    private void serveKillSwitch() {
        long n;
        do {
            n = LibC.read(killSwitchFd, killSwitchByte, 1);
        } while (n < 0 && Native.getLastError() == LibC.EINTR);
        if (n == 1) {
            // Twice: a process forking at the very moment of the first sweep may leave a child behind.
            LibC.kill(-1, LibC.SIGKILL);
            LibC.kill(-1, LibC.SIGKILL);
        }
    }

    /** Frees the native memory; only after the thread ended. */
    void close() {
        if (killSwitchByte != null) {
            killSwitchByte.close();
        }
        if (tidText != null) {
            tidText.close();
        }
    }

    private void fail(int step, int errno) {
        this.failedStep = step;
        this.errno = errno;
    }

    static String describeStep(int step) {
        return switch (step) {
            case STEP_NO_NEW_PRIVS -> "prctl(PR_SET_NO_NEW_PRIVS)";
            case STEP_LANDLOCK -> "landlock_restrict_self";
            case STEP_SECCOMP -> "installing the seccomp filter";
            case STEP_SPAWN -> "posix_spawn";
            case STEP_CAPABILITIES -> "dropping capabilities (capget/capset)";
            case STEP_LIMITS -> "joining the command's cgroups (resource limits)";
            default -> "nothing";
        };
    }
}
