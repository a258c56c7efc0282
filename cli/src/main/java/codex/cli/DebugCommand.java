package codex.cli;

import picocli.CommandLine.Command;

@Command(name = "debug", mixinStandardHelpOptions = true, description = "Debugging tools.",
        subcommands = {DebugCommand.Landlock.class})
public final class DebugCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.err);
    }

    /** The seed's name for `codex sandbox` on Linux. */
    @Command(name = "landlock", mixinStandardHelpOptions = true,
            description = "Same as `codex sandbox`: run a command under Landlock + seccomp.")
    public static final class Landlock extends SandboxCliCommandAlias {
    }
}
