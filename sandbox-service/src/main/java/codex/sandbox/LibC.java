package codex.sandbox;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc entry points the sandbox needs, bound with JNA direct mapping: symbols are resolved
 * once when this class initialises (on an unrestricted thread), and calls taking only primitives
 * and {@link Pointer}s allocate nothing on the Java side, which matters on the restricted
 * spawning thread.
 *
 * <p>Variadic C functions (syscall, prctl, open) are bound with a fixed number of integer
 * arguments; on x86_64 and aarch64 Linux integer varargs travel in the same registers as fixed
 * ones, so that is the same call.
 */
final class LibC {
    private LibC() {
    }

    static final NativeLibrary C = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);

    static {
        Native.register(LibC.class, C);
    }

    // errno values
    static final int EPERM = 1;
    static final int ENOTSOCK = 88;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int ENOSYS = 38;
    static final int ENOEXEC = 8;
    static final int ECHILD = 10;
    static final int EOPNOTSUPP = 95;

    // open(2) flags (same values on x86_64 and aarch64)
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int O_PATH = 0x200000;

    static final int F_DUPFD_CLOEXEC = 1030;

    static final int SIGKILL = 9;
    static final int WNOHANG = 1;

    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int PR_SET_SECCOMP = 22;
    static final int PR_SET_NO_NEW_PRIVS = 38;
    static final int PR_GET_NO_NEW_PRIVS = 39;
    static final int SECCOMP_MODE_FILTER = 2;

    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    static native long syscall(long number, long a1, long a2, long a3, long a4, long a5);

    static native int prctl(int option, long a2, long a3, long a4, long a5);

    static native int open(String path, int flags, int mode);

    static native int close(int fd);

    static native int pipe2(int[] fds, int flags);

    static native long read(int fd, Pointer buffer, long count);

    static native long write(int fd, Pointer buffer, long count);

    static native int fcntl(int fd, int cmd, int arg);

    static native int poll(Pointer fds, long nfds, int timeoutMs);

    static native int kill(int pid, int signal);

    static native int waitpid(int pid, int[] status, int options);

    static native int posix_spawn(Pointer pidOut, Pointer path, Pointer fileActions, Pointer attr,
                                  Pointer argv, Pointer envp);

    static native int posix_spawn_file_actions_init(Pointer actions);

    static native int posix_spawn_file_actions_destroy(Pointer actions);

    static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    static native int posix_spawn_file_actions_addclose(Pointer actions, int fd);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    static native int sigemptyset(Pointer set);

    static native int sigfillset(Pointer set);

    static native Pointer strerror(int errno);

    static String describe(int errno) {
        Pointer message = strerror(errno);
        return message == null ? "errno " + errno : message.getString(0) + " (errno " + errno + ")";
    }

    /** glibc extensions that older C libraries lack: bound separately so their absence is survivable. */
    static final class Chdir {
        static final boolean AVAILABLE = bind(Chdir.class);

        static native int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);
    }

    static final class CloseFrom {
        static final boolean AVAILABLE = bind(CloseFrom.class);

        static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int lowFd);
    }

    private static boolean bind(Class<?> holder) {
        try {
            Native.register(holder, C);
            return true;
        } catch (UnsatisfiedLinkError | IllegalArgumentException e) {
            return false;
        }
    }
}
