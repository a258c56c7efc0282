package codex.sandbox;

import codex.protocol.SandboxPermission;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The logic behind {@code codex sandbox [-p PERMISSION]... [-C DIR] [--check] -- COMMAND [ARGS...]}
 * (alias {@code codex debug landlock}); the CLI module only parses flags and calls this.
 */
public final class SandboxCommand {
    private SandboxCommand() {
    }

    /** Exit status when the command could not be sandboxed (nothing was run). */
    public static final int EXIT_SANDBOX_UNAVAILABLE = 1;
    /** Exit status for a malformed invocation (bad permission, missing command, bad directory). */
    public static final int EXIT_USAGE = 2;

    /** {@link #run(List, Path, List, Map, PrintStream)} with the default environment policy. */
    public static int run(List<SandboxPermission> permissions, Path cwd, List<String> argv, PrintStream err) {
        return run(permissions, cwd, argv, EnvPolicy.childEnvironment(), err);
    }

    /**
     * Runs one command under the permissions, sharing our stdin/stdout/stderr, without a timeout.
     *
     * @return the command's exit status (128+signal when a signal killed it), 126/127 when it could not
     *         be executed or found, {@link #EXIT_SANDBOX_UNAVAILABLE} when the kernel cannot enforce the
     *         permissions, {@link #EXIT_USAGE} for a bad invocation; errors are explained on {@code err}
     */
    public static int run(List<SandboxPermission> permissions, Path cwd, List<String> argv, Map<String, String> env,
                          PrintStream err) {
        if (argv == null || argv.isEmpty()) {
            err.println("codex sandbox: no command given; usage: codex sandbox [-p PERMISSION]... [-C DIR] -- COMMAND [ARGS...]");
            return EXIT_USAGE;
        }
        Path dir = cwd == null ? Path.of("").toAbsolutePath() : cwd.toAbsolutePath();
        ExecRequest request = new ExecRequest(argv, dir, env, 0, permissions, ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, true);
        SandboxedExecutor executor = new SandboxedExecutor();
        try {
            System.out.flush(); // the child writes to the same fd: keep our earlier output first
            return executor.run(request).exitCode();
        } catch (SandboxUnavailableException e) {
            err.println("codex sandbox: " + e.getMessage());
            return EXIT_SANDBOX_UNAVAILABLE;
        } catch (IllegalArgumentException e) {
            err.println("codex sandbox: " + e.getMessage());
            return EXIT_USAGE;
        } finally {
            executor.close();
        }
    }

    /**
     * Prints the kernel's Landlock ABI and whether seccomp works ({@code codex sandbox --check}).
     *
     * @return 0 when every permission list can be enforced, 1 otherwise
     */
    public static int check(PrintStream out) {
        return check(out, CommandLimits.defaults());
    }

    /** The same, plus the per-command process and memory limits and how they are enforced here. */
    public static int check(PrintStream out, CommandLimits limits) {
        SandboxSupport support = SandboxSupport.probe();
        out.print(support.describe());
        out.print(ResourceLimiter.create(limits).describeAndRelease());
        out.flush();
        return support.fullyAvailable() ? 0 : EXIT_SANDBOX_UNAVAILABLE;
    }
}
