package codex.cli;

import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import codex.protocol.SandboxPermission;
import codex.sandbox.SandboxCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sandbox", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one command under the sandbox (Landlock + seccomp), to try or debug a permission list.",
                "stdin/stdout/stderr pass through; the exit code is the command's (128+signal when killed).",
                "Example: codex sandbox -p disk-write-cwd -- touch x"})
public final class SandboxCliCommand implements Callable<Integer> {

    @Option(names = {"-p", "--permission"}, paramLabel = "PERMISSION",
            description = "A sandbox permission (repeatable; default: sandbox_permissions of the config): "
                    + SandboxPermission.VALID_NAMES)
    List<String> permissions = new ArrayList<>();

    @Option(names = {"-C", "--cd"}, paramLabel = "DIR", description = "Run in DIR (the folder disk-write-cwd grants).")
    Path cd;

    @Option(names = "--check", description = "Print the kernel's Landlock ABI, whether seccomp works, and which per-command process and memory limits ([sandbox] in config.toml) are in force, then exit.")
    boolean check;

    @Option(names = {"-c", "--config"}, paramLabel = "key=value", description = "Override a config value.")
    List<String> overrides = new ArrayList<>();

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        if (check) {
            try {
                return SandboxCommand.check(System.out, Services.sandboxLimits(System.getenv()));
            } catch (codex.config.ConfigException e) {
                System.err.println("codex sandbox: " + e.getMessage());
                return 2;
            }
        }
        if (command.isEmpty()) {
            System.err.println("error: no command given. Usage: codex sandbox [-p PERMISSION]... -- COMMAND [ARGS...]");
            return 2;
        }
        Path cwd = (cd != null ? cd : Path.of("")).toAbsolutePath().normalize();
        if (!Files.isDirectory(cwd)) {
            System.err.println("error: " + cwd + " is not a directory");
            return 2;
        }
        List<SandboxPermission> perms;
        try {
            perms = permissions.isEmpty()
                    ? ConfigLoader.load(ConfigOptions.defaults().withOverrides(overrides)).sandboxPermissions()
                    : SandboxPermission.parseAll(permissions);
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        return SandboxCommand.run(perms, cwd, command, System.err);
    }
}
