package codex.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** Shares `codex sandbox`'s options and behaviour under another name. */
class SandboxCliCommandAlias implements Callable<Integer> {
    @Mixin
    SandboxOptionsMixin options = new SandboxOptionsMixin();

    @Override
    public Integer call() {
        return options.toCommand().call();
    }

    static final class SandboxOptionsMixin {
        @CommandLine.Option(names = {"-p", "--permission"}, paramLabel = "PERMISSION", description = "A sandbox permission (repeatable).")
        java.util.List<String> permissions = new java.util.ArrayList<>();

        @CommandLine.Option(names = {"-C", "--cd"}, paramLabel = "DIR", description = "Run in DIR.")
        java.nio.file.Path cd;

        @CommandLine.Option(names = "--check", description = "Print the kernel's Landlock ABI and whether seccomp works.")
        boolean check;

        @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "key=value", description = "Override a config value.")
        java.util.List<String> overrides = new java.util.ArrayList<>();

        @CommandLine.Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command and its arguments (after --).")
        java.util.List<String> command = new java.util.ArrayList<>();

        SandboxCliCommand toCommand() {
            SandboxCliCommand c = new SandboxCliCommand();
            c.permissions = permissions;
            c.cd = cd;
            c.check = check;
            c.overrides = overrides;
            c.command = command;
            return c;
        }
    }
}
