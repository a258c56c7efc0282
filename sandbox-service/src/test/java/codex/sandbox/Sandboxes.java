package codex.sandbox;

import codex.protocol.SandboxPermission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared executor and shorthands for the tests: one warm executor per test JVM, as in production. */
final class Sandboxes {
    private Sandboxes() {
    }

    static final SandboxedExecutor EXECUTOR = new SandboxedExecutor();

    static List<SandboxPermission> perms(String... names) {
        return SandboxPermission.parseAll(Arrays.asList(names));
    }

    static ExecResult bash(Path cwd, List<SandboxPermission> perms, String script) {
        return run(cwd, perms, Map.of(), 10_000, List.of("bash", "-c", script));
    }

    static ExecResult run(Path cwd, List<SandboxPermission> perms, Map<String, String> extraEnv, long timeoutMs,
                          List<String> argv) {
        Map<String, String> env = new HashMap<>(EnvPolicy.childEnvironment());
        env.putAll(extraEnv);
        return EXECUTOR.run(new ExecRequest(argv, cwd, env, timeoutMs, perms,
                ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false));
    }

    static String describe(ExecResult r) {
        return "exit=" + r.exitCode() + " signal=" + r.signal() + " timedOut=" + r.timedOut() + " stdout=["
                + r.stdout() + "] stderr=[" + r.stderr() + "]";
    }

    static Path mkdirs(Path p) throws java.io.IOException {
        return Files.createDirectories(p);
    }
}
