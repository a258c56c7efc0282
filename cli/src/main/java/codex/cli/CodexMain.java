package codex.cli;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "codex", mixinStandardHelpOptions = true, versionProvider = CodexMain.Version.class,
        description = {"codex-vertx: a local AI coding agent (OpenAI Codex CLI rebuilt on Vert.x).",
                "Config: $CODEX_HOME/config.toml (default ~/.codex)."},
        subcommands = {ExecCommand.class, SandboxCliCommand.class, DebugCommand.class, ApplyPatchCliCommand.class,
                ResumePickerCommand.class, CdsTrainingCommand.class})
public final class CodexMain implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        int code = new CommandLine(new CodexMain()).execute(args);
        System.out.flush();
        return code;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    /**
     * Library chatter (Netty, Vert.x) stays out of the user's terminal unless it is a warning.
     * Called by the commands that start Vert.x, not at start-up: it costs ~25 ms others don't need.
     */
    static void quietLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
            LogManager.getLogManager().reset();
            Logger root = Logger.getLogger("");
            java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
            handler.setLevel(Level.WARNING);
            root.addHandler(handler);
            root.setLevel(Level.WARNING);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CodexMain.class.getPackage().getImplementationVersion();
            return new String[] {"codex-vertx " + (v == null ? "dev" : v)};
        }
    }
}
