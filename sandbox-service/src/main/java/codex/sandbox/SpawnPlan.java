package codex.sandbox;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything posix_spawn needs, laid out in native memory ahead of time so that the restricted
 * spawning thread only passes pointers: program path, argv and envp arrays, file actions (stdio
 * wiring, cwd, close every other fd) and attributes (process group, signal mask and dispositions).
 */
final class SpawnPlan implements AutoCloseable {
    // Opaque glibc structs; allocated generously (glibc x86_64: 80 and 336 bytes, sigset_t 128).
    private static final int FILE_ACTIONS_SIZE = 256;
    private static final int ATTR_SIZE = 512;
    private static final int SIGSET_SIZE = 256;

    private final Memory strings;
    final Pointer path;
    final Pointer argv;
    final Pointer envp;
    final Memory fileActions = new Memory(FILE_ACTIONS_SIZE);
    final Memory attr = new Memory(ATTR_SIZE);
    private final Memory sigsets = new Memory(SIGSET_SIZE * 2L);
    final Memory pidOut = new Memory(8);
    private boolean fileActionsReady;
    private boolean attrReady;

    /**
     * @param stdinFd  fd to become the child's 0, or -1 to inherit ours
     * @param stdoutFd fd to become the child's 1, or -1 to inherit ours
     * @param stderrFd fd to become the child's 2, or -1 to inherit ours
     * @param newProcessGroup make the child the leader of a new process group (so the group can be killed)
     */
    SpawnPlan(Path program, List<String> args, Map<String, String> env, Path cwd,
              int stdinFd, int stdoutFd, int stderrFd, boolean newProcessGroup) {
        this(program, args, env, cwd, stdinFd, stdoutFd, stderrFd, newProcessGroup, null);
    }

    /**
     * @param gate a FIFO the child opens (and closes) before anything else, or null: the open blocks until
     *             the parent side has placed the child into its cgroup (v2) and opened the FIFO itself
     */
    SpawnPlan(Path program, List<String> args, Map<String, String> env, Path cwd,
              int stdinFd, int stdoutFd, int stderrFd, boolean newProcessGroup, Path gate) {
        List<byte[]> argBytes = new ArrayList<>();
        for (String a : args) {
            argBytes.add(cString(a));
        }
        List<byte[]> envBytes = new ArrayList<>();
        env.forEach((k, v) -> envBytes.add(cString(k + "=" + v)));
        byte[] pathBytes = cString(program.toString());

        long pointerSize = Native.POINTER_SIZE;
        long arraysSize = (argBytes.size() + 1 + envBytes.size() + 1) * pointerSize;
        long total = arraysSize + pathBytes.length;
        for (byte[] b : argBytes) {
            total += b.length;
        }
        for (byte[] b : envBytes) {
            total += b.length;
        }
        strings = new Memory(total);
        long cursor = arraysSize;
        path = strings.share(cursor);
        strings.write(cursor, pathBytes, 0, pathBytes.length);
        cursor += pathBytes.length;
        argv = strings.share(0);
        cursor = writeArray(argBytes, 0, cursor);
        envp = strings.share((argBytes.size() + 1) * pointerSize);
        writeArray(envBytes, (argBytes.size() + 1) * pointerSize, cursor);

        try {
            check(LibC.posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
            fileActionsReady = true;
            if (gate != null) {
                // on an fd above every one the dup2s below read, so opening it replaces none of them
                int gateFd = 1 + Math.max(2, Math.max(stdinFd, Math.max(stdoutFd, stderrFd)));
                check(CgroupV2.Lib.posix_spawn_file_actions_addopen(fileActions, gateFd, gate.toString(),
                        LibC.O_RDONLY | LibC.O_CLOEXEC, 0), "addopen(cgroup gate)");
                check(LibC.posix_spawn_file_actions_addclose(fileActions, gateFd), "addclose(cgroup gate)");
            }
            if (stdoutFd >= 0) {
                check(LibC.posix_spawn_file_actions_adddup2(fileActions, stdoutFd, 1), "adddup2(stdout)");
            }
            if (stderrFd >= 0) {
                check(LibC.posix_spawn_file_actions_adddup2(fileActions, stderrFd, 2), "adddup2(stderr)");
            }
            if (stdinFd >= 0) {
                check(LibC.posix_spawn_file_actions_adddup2(fileActions, stdinFd, 0), "adddup2(stdin)");
            }
            if (!LibC.Chdir.AVAILABLE) {
                throw new SandboxUnavailableException(
                        "this C library lacks posix_spawn_file_actions_addchdir_np (glibc >= 2.29 needed)");
            }
            check(LibC.Chdir.posix_spawn_file_actions_addchdir_np(fileActions, cwd.toString()), "addchdir_np");
            closeInheritedFds();

            check(LibC.posix_spawnattr_init(attr), "posix_spawnattr_init");
            attrReady = true;
            Pointer emptySet = sigsets.share(0);
            Pointer fullSet = sigsets.share(SIGSET_SIZE);
            LibC.sigemptyset(emptySet);
            LibC.sigfillset(fullSet);
            short flags = (short) (LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF);
            if (newProcessGroup) {
                flags |= LibC.POSIX_SPAWN_SETPGROUP;
                check(LibC.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup");
            }
            check(LibC.posix_spawnattr_setsigmask(attr, emptySet), "posix_spawnattr_setsigmask");
            check(LibC.posix_spawnattr_setsigdefault(attr, fullSet), "posix_spawnattr_setsigdefault");
            check(LibC.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The child must not inherit our fds (sockets above all): close everything above stderr. */
    private void closeInheritedFds() {
        if (LibC.CloseFrom.AVAILABLE) {
            check(LibC.CloseFrom.posix_spawn_file_actions_addclosefrom_np(fileActions, 3), "addclosefrom_np");
            return;
        }
        // Older glibc: close what is open now. Fds opened later by other threads are O_CLOEXEC in the JDK.
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                int fd = Integer.parseInt(p.getFileName().toString());
                if (fd > 2) {
                    check(LibC.posix_spawn_file_actions_addclose(fileActions, fd), "addclose");
                }
            }
        } catch (java.io.IOException e) {
            throw new SandboxUnavailableException("cannot list /proc/self/fd to close inherited fds: " + e);
        }
    }

    private long writeArray(List<byte[]> items, long arrayOffset, long cursor) {
        long slot = arrayOffset;
        for (byte[] b : items) {
            strings.setPointer(slot, strings.share(cursor));
            strings.write(cursor, b, 0, b.length);
            cursor += b.length;
            slot += Native.POINTER_SIZE;
        }
        strings.setPointer(slot, null);
        return cursor;
    }

    private static byte[] cString(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("argument or environment entry contains a NUL byte: "
                    + s.replace('\0', '?'));
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " failed: " + LibC.describe(rc));
        }
    }

    @Override
    public void close() {
        if (fileActionsReady) {
            LibC.posix_spawn_file_actions_destroy(fileActions);
            fileActionsReady = false;
        }
        if (attrReady) {
            LibC.posix_spawnattr_destroy(attr);
            attrReady = false;
        }
        strings.close();
        fileActions.close();
        attr.close();
        sigsets.close();
        pidOut.close();
    }
}
