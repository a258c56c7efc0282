package codex.sandbox;

import com.sun.jna.Native;

/**
 * What this kernel can enforce, found by trying it on a throwaway thread (which sets
 * no_new_privs, restricts itself, checks the restriction bites, and ends).
 *
 * @param arch            "x86_64", "aarch64", or the unsupported architecture's name
 * @param landlockAbi     the kernel's Landlock ABI (>= 1), or 0 when it has none
 * @param landlockProblem why Landlock cannot be used, or null
 * @param seccompWorks    a seccomp filter installed and denied socket(AF_INET) while allowing AF_UNIX
 * @param seccompProblem  why seccomp cannot be used, or null
 */
public record SandboxSupport(
        String arch,
        int landlockAbi,
        String landlockProblem,
        boolean seccompWorks,
        String seccompProblem) {

    private static volatile SandboxSupport cached;

    public boolean landlockWorks() {
        return landlockProblem == null && landlockAbi >= 1;
    }

    /** Both mechanisms work: every permission list can be enforced. */
    public boolean fullyAvailable() {
        return landlockWorks() && seccompWorks;
    }

    /** The probe result for this process (probed once, then remembered). */
    public static SandboxSupport probe() {
        SandboxSupport s = cached;
        if (s == null) {
            synchronized (SandboxSupport.class) {
                s = cached;
                if (s == null) {
                    s = probeNow();
                    cached = s;
                }
            }
        }
        return s;
    }

    /** Human-readable lines for {@code codex sandbox --check}. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("architecture: ").append(arch).append('\n');
        if (landlockWorks()) {
            out.append("landlock: ABI ").append(landlockAbi).append(" (filesystem rules")
                    .append(landlockAbi >= 2 ? ", cross-directory rename" : "")
                    .append(landlockAbi >= 3 ? ", truncate" : "")
                    .append(landlockAbi >= 4 ? ", TCP bind/connect" : "")
                    .append(landlockAbi >= 5 ? ", device ioctl" : "")
                    .append(landlockAbi >= 6 ? ", signal scoping" : "")
                    .append("); a test restriction was enforced\n");
        } else {
            out.append("landlock: UNAVAILABLE: ").append(landlockProblem).append('\n');
        }
        if (seccompWorks) {
            out.append("seccomp: works (a test filter denied socket(AF_INET) with EPERM and allowed AF_UNIX)\n");
        } else {
            out.append("seccomp: UNAVAILABLE: ").append(seccompProblem).append('\n');
        }
        out.append(fullyAvailable()
                ? "sandbox: every permission list can be enforced\n"
                : "sandbox: restricted commands will be REFUSED (fail closed); only "
                        + "disk-full-write-access + network-full-access runs\n");
        return out.toString();
    }

    static SandboxSupport probeNow() {
        Arch arch = Arch.current();
        String archName = System.getProperty("os.arch");
        if (arch == null) {
            String problem = "unsupported platform " + System.getProperty("os.name") + "/" + archName
                    + " (the sandbox needs Linux on x86_64 or aarch64)";
            return new SandboxSupport(archName, 0, problem, false, problem);
        }
        ProbeThread probe = new ProbeThread(arch);
        Thread thread = new Thread(null, probe, "codex-sandbox-probe", 256 * 1024);
        thread.setDaemon(true);
        thread.start();
        joinUninterruptibly(thread);
        probe.closeRuleset();
        return new SandboxSupport(arch == Arch.X86_64 ? "x86_64" : "aarch64",
                Math.max(probe.abi, 0), probe.landlockProblem, probe.seccompProblem == null, probe.seccompProblem);
    }

    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs on its own short-lived thread: restricts that thread only, then ends. Creates no thread. */
    private static final class ProbeThread implements Runnable {
        private final Arch arch;
        private final SeccompFilter.Installed filter;
        int abi;
        String landlockProblem;
        String seccompProblem;

        private int ruleset = -1;

        /** Everything that allocates (native memory, the ruleset) happens here, before any restriction. */
        ProbeThread(Arch arch) {
            this.arch = arch;
            this.filter = new SeccompFilter.Installed(arch, true);
            abi = Landlock.abi();
            if (abi < 0) {
                int errno = -abi;
                landlockProblem = errno == LibC.ENOSYS ? "the kernel has no Landlock support (ENOSYS)"
                        : errno == LibC.EOPNOTSUPP
                        ? "Landlock is disabled at boot (EOPNOTSUPP; add landlock to the lsm= kernel parameter)"
                        : "landlock_create_ruleset failed: " + LibC.describe(errno);
                return;
            }
            try {
                ruleset = Landlock.createRuleset(abi, Landlock.READ_DIR, 0, 0, java.util.List.of());
            } catch (RuntimeException e) {
                landlockProblem = e.getMessage();
            }
        }

        void closeRuleset() {
            if (ruleset >= 0) {
                LibC.close(ruleset);
                ruleset = -1;
            }
        }

        @Override
        public void run() {
            if (LibC.prctl(LibC.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
                String why = "prctl(PR_SET_NO_NEW_PRIVS) failed: " + LibC.describe(Native.getLastError());
                landlockProblem = why;
                seccompProblem = why;
                return;
            }
            probeLandlock();
            probeSeccomp();
        }

        private void probeLandlock() {
            if (ruleset < 0) {
                return;
            }
            int errno = Landlock.restrictSelf(ruleset);
            if (errno != 0) {
                landlockProblem = "landlock_restrict_self failed: " + LibC.describe(errno);
                return;
            }
            int fd = LibC.open("/", LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
            if (fd >= 0) {
                LibC.close(fd);
                landlockProblem = "a Landlock ruleset was accepted but did not deny reading a directory";
            }
        }

        private void probeSeccomp() {
            int errno = filter.install();
            if (errno != 0) {
                seccompProblem = "installing a seccomp filter failed: " + LibC.describe(errno);
                return;
            }
            long inet = LibC.syscall(arch.socket, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0, 0, 0);
            int inetErrno = inet < 0 ? Native.getLastError() : 0;
            if (inet >= 0) {
                LibC.close((int) inet);
                seccompProblem = "a seccomp filter was installed but socket(AF_INET) still succeeded";
                return;
            }
            if (inetErrno != LibC.EPERM) {
                seccompProblem = "socket(AF_INET) failed with " + LibC.describe(inetErrno) + " instead of EPERM";
                return;
            }
            long unix = LibC.syscall(arch.socket, 1 /* AF_UNIX */, 1, 0, 0, 0);
            if (unix < 0) {
                seccompProblem = "the seccomp filter also denied AF_UNIX sockets: " + LibC.describe(Native.getLastError());
                return;
            }
            LibC.close((int) unix);
        }
    }
}
