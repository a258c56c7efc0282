package codex.cli;

import codex.config.CodexConfig;
import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import codex.config.SandboxMode;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import codex.protocol.SessionConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every front end does before it opens a session: pick the working directory, check it is a
 * git repository, load the config with the command-line overrides, and make sure the provider's
 * API key is there. Errors are printed as one line; the result says which exit code to use.
 */
final class SessionSetup {

    /**
     * The command-line inputs that shape a session. policy null = the config's. sandbox: the {@code -s} values,
     * each a mode name (read-only, workspace-write, danger-full-access) or a permission name; addDirs:
     * {@code --add-dir}; yolo: {@code --dangerously-bypass-approvals-and-sandbox}.
     */
    record Options(Path cd, boolean skipGitRepoCheck, List<String> overrides, String profile, String model,
                   List<String> sandboxPermissions, boolean fullAuto, ApprovalPolicy policy, String commandName,
                   List<Path> addDirs, boolean yolo) {
        Options(Path cd, boolean skipGitRepoCheck, List<String> overrides, String profile, String model,
                List<String> sandboxPermissions, boolean fullAuto, ApprovalPolicy policy, String commandName) {
            this(cd, skipGitRepoCheck, overrides, profile, model, sandboxPermissions, fullAuto, policy, commandName,
                    List.of(), false);
        }
    }

    static final String IMAGES_NOT_SUPPORTED = "error: the interactive client does not attach images yet: use "
            + "codex exec -i FILE \"PROMPT\", or point the agent at the file's path";

    /** Printed before a session without sandbox and approvals: impossible to miss. */
    static final String YOLO_BANNER = String.join("\n",
            "!!! --dangerously-bypass-approvals-and-sandbox: NO SANDBOX, NO APPROVALS !!!",
            "!!! every command the model sends runs as you, with full disk and network access, without asking !!!",
            "!!! use it only inside a machine that is itself a sandbox (a container, a throwaway VM) !!!");

    /** exitCode is 0 when config and session are ready. */
    record Result(int exitCode, CodexConfig config, SessionConfig session, Path cwd) {
        static Result failed(int exitCode) {
            return new Result(exitCode, null, null, null);
        }
    }

    private SessionSetup() {
    }

    /**
     * config.toml with the options on top: -c overrides, profile, model, policy, and the permission
     * list (--full-auto's grants plus -s).
     *
     * @throws RuntimeException with a user-facing message when the config or an option is invalid
     */
    static CodexConfig loadConfig(Options o, Map<String, String> env) {
        SandboxMode mode = null;
        List<String> names = new java.util.ArrayList<>();
        for (String value : o.sandboxPermissions()) {
            if (SandboxMode.isMode(value)) {
                SandboxMode m = SandboxMode.parse(value);
                if (mode != null && mode != m) {
                    throw new IllegalArgumentException("-s " + mode.wireName() + " and -s " + m.wireName()
                            + ": give one sandbox mode (permission names may be added to it)");
                }
                mode = m;
            } else {
                names.add(value);
            }
        }
        ApprovalPolicy policy = o.policy();
        if (o.yolo()) {
            if (mode != null && mode != SandboxMode.DANGER_FULL_ACCESS) {
                throw new IllegalArgumentException("--dangerously-bypass-approvals-and-sandbox cannot be combined with -s "
                        + mode.wireName());
            }
            mode = SandboxMode.DANGER_FULL_ACCESS;
            policy = ApprovalPolicy.NEVER;
        }
        List<SandboxPermission> cliPermissions = null;
        if (!names.isEmpty() || o.fullAuto()) {
            Set<SandboxPermission> set = new LinkedHashSet<>();
            if (o.fullAuto()) {
                set.add(SandboxPermission.of(SandboxPermission.Kind.DISK_FULL_READ_ACCESS));
                set.add(SandboxPermission.of(SandboxPermission.Kind.DISK_WRITE_PLATFORM_USER_TEMP_FOLDER));
                set.add(SandboxPermission.of(SandboxPermission.Kind.DISK_WRITE_CWD));
            }
            try {
                set.addAll(SandboxPermission.parseAll(names));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; or a sandbox mode: " + SandboxMode.VALID_NAMES);
            }
            cliPermissions = List.copyOf(set);
        }
        List<Path> addDirs = new java.util.ArrayList<>();
        for (Path dir : o.addDirs()) {
            Path abs = dir.toAbsolutePath().normalize();
            if (!Files.isDirectory(abs)) {
                throw new IllegalArgumentException("--add-dir " + abs + " is not a directory");
            }
            addDirs.add(abs);
        }
        return ConfigLoader.load(new ConfigOptions(null, env, o.overrides(), o.profile(), o.model(), null,
                policy, cliPermissions, mode, addDirs));
    }

    /** One line for headers: the mode (or "permissions") and where it came from. */
    static String sandboxSummary(CodexConfig config) {
        return (config.sandboxMode() != null ? config.sandboxMode().wireName() : "permission list")
                + " (from " + config.sandboxSource() + ")";
    }

    static Result prepare(Options o, Map<String, String> env, PrintStream err, boolean quiet) {
        Path cwd;
        try {
            cwd = (o.cd() != null ? o.cd() : Path.of("")).toAbsolutePath().normalize();
            if (!Files.isDirectory(cwd)) {
                err.println("error: --cd " + cwd + " is not a directory");
                return Result.failed(2);
            }
            cwd = cwd.toRealPath();
        } catch (IOException e) {
            err.println("error: cannot use working directory: " + e.getMessage());
            return Result.failed(2);
        }
        if (!o.skipGitRepoCheck() && !GitRepo.isInside(cwd)) {
            err.println("error: " + cwd + " is not inside a git repository. " + o.commandName() + " only runs in one, so "
                    + "its changes can be reviewed and undone; pass --skip-git-repo-check to run here anyway.");
            return Result.failed(2);
        }
        CodexConfig config;
        try {
            config = loadConfig(o, env);
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return Result.failed(2);
        }
        if (!config.unknownKeys().isEmpty() && !quiet) {
            err.println("note: ignoring unknown config keys: " + String.join(", ", config.unknownKeys()));
        }
        // warnings are printed even with --json (on stderr): they say the sandbox differs from what was written
        for (String warning : config.warnings()) {
            err.println("warning: " + warning);
        }
        if (o.yolo()) {
            err.println(YOLO_BANNER);
        }
        try {
            env = Auth.withStoredKey(env, config.codexHome());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Result.failed(2);
        }
        LocalSession.useEnvironment(env);
        if (config.provider().requiresApiKey() && config.provider().apiKey(env).isEmpty()) {
            err.println("error: " + config.provider().missingKeyMessage()
                    + (Auth.KEY.equals(config.provider().envKey()) ? "\n(or store a key once: printenv OPENAI_API_KEY | codex login --with-api-key)" : ""));
            return Result.failed(1);
        }
        SessionConfig session = SessionConfigs.of(config, cwd);
        return new Result(0, config, session, cwd);
    }
}
