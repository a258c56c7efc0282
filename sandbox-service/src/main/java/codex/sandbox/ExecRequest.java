package codex.sandbox;

import codex.protocol.SandboxPermission;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One command for the executor.
 *
 * @param argv        program and arguments; argv[0] is looked up on PATH when it has no slash
 * @param cwd         working directory (also the root that {@code disk-write-cwd} grants)
 * @param env         the complete environment of the child (already filtered by {@link EnvPolicy})
 * @param timeoutMs   wall-clock limit; the whole process group is killed when it passes (0 = none)
 * @param permissions the sandbox permission list to enforce
 * @param maxOutputBytes bytes of stdout+stderr kept; the rest is counted and dropped
 * @param inheritStdio true only for {@code codex sandbox}: the child shares our stdin/stdout/stderr
 * @param readablePaths files (or folders) the command may also read without {@code disk-full-read-access}:
 *                      the service's own, such as the {@link ShellSnapshots shell snapshot} it runs with
 */
public record ExecRequest(
        List<String> argv,
        Path cwd,
        Map<String, String> env,
        long timeoutMs,
        List<SandboxPermission> permissions,
        int maxOutputBytes,
        boolean inheritStdio,
        List<Path> readablePaths) {

    public static final long DEFAULT_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

    public ExecRequest {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        permissions = List.copyOf(permissions);
        readablePaths = List.copyOf(readablePaths);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public ExecRequest(List<String> argv, Path cwd, Map<String, String> env, long timeoutMs,
                       List<SandboxPermission> permissions, int maxOutputBytes, boolean inheritStdio) {
        this(argv, cwd, env, timeoutMs, permissions, maxOutputBytes, inheritStdio, List.of());
    }
}
