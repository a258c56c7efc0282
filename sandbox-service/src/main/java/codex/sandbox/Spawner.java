package codex.sandbox;

import com.sun.jna.Native;

/**
 * The body of the short-lived spawning thread: restrict this thread (no_new_privs, Landlock,
 * seccomp), posix_spawn the command, end. It allocates no native memory, takes no locks that
 * could start a thread, and creates no thread, so the restriction reaches the child and nothing
 * else. Everything it touches was prepared beforehand on an unrestricted thread.
 */
final class Spawner implements Runnable {
    static final int STEP_NONE = 0;
    static final int STEP_NO_NEW_PRIVS = 1;
    static final int STEP_LANDLOCK = 2;
    static final int STEP_SECCOMP = 3;
    static final int STEP_SPAWN = 4;

    private final SpawnPlan plan;
    private final boolean restrict;
    private final int rulesetFd;
    private final SeccompFilter.Installed seccomp;

    /** Which step failed (STEP_NONE when the command was started). */
    int failedStep = STEP_NONE;
    int errno;
    int pid;

    /**
     * @param restrict  apply restrictions at all (false only when the policy is unrestricted)
     * @param rulesetFd Landlock ruleset to enforce, or -1
     * @param seccomp   network filter to install, or null
     */
    Spawner(SpawnPlan plan, boolean restrict, int rulesetFd, SeccompFilter.Installed seccomp) {
        this.plan = plan;
        this.restrict = restrict;
        this.rulesetFd = rulesetFd;
        this.seccomp = seccomp;
    }

    @Override
    public void run() {
        if (restrict) {
            if (LibC.prctl(LibC.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
                fail(STEP_NO_NEW_PRIVS, Native.getLastError());
                return;
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
            default -> "nothing";
        };
    }
}
