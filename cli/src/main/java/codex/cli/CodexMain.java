package codex.cli;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "codex", mixinStandardHelpOptions = true, versionProvider = CodexMain.Version.class, sortOptions = false,
        description = {"codex-vertx: a local AI coding agent (OpenAI Codex CLI rebuilt on Vert.x).",
                "Without a command: a conversation in this terminal, asking before it acts as the approval policy says.",
                "Config: $CODEX_HOME/config.toml (default ~/.codex)."},
        subcommands = {ExecCommand.class, SandboxCliCommand.class, DebugCommand.class, ApplyPatchCliCommand.class,
                ResumePickerCommand.class, ServeCommand.class, McpCommand.class, McpClientCommand.class, ServiceCommand.class, CdsTrainingCommand.class,
                LoginCommand.class, LoginCommand.Logout.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class CodexMain implements java.util.concurrent.Callable<Integer> {

    @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "PROMPT",
            description = "A first task to start with (optional).")
    String prompt;

    @picocli.CommandLine.Option(names = {"-a", "--ask-for-approval"}, paramLabel = "POLICY",
            description = "When to ask before acting: unless-allow-listed (or untrusted), auto-edit, on-failure, "
                    + "on-request, never (config: approval_policy).")
    String approvalPolicy;

    @picocli.CommandLine.Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "Model to use.")
    String model;

    @picocli.CommandLine.Option(names = {"-C", "--cd"}, paramLabel = "DIR", description = "Work in DIR.")
    java.nio.file.Path cd;

    @picocli.CommandLine.Option(names = {"-c", "--config"}, paramLabel = "key=value",
            description = "Override a config value (repeatable).")
    java.util.List<String> overrides = new java.util.ArrayList<>();

    @picocli.CommandLine.Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Config profile.")
    String profile;

    @picocli.CommandLine.Option(names = {"-s", "--sandbox", "--sandbox-permission"}, paramLabel = "MODE|PERMISSION",
            description = "Sandbox: a mode (read-only, workspace-write, danger-full-access) and/or permission names "
                    + "(repeatable; replaces the config's sandbox_mode and sandbox_permissions).")
    java.util.List<String> sandboxPermissions = new java.util.ArrayList<>();

    @picocli.CommandLine.Option(names = "--add-dir", paramLabel = "DIR",
            description = "Another writable folder beside the workdir (repeatable).")
    java.util.List<java.nio.file.Path> addDirs = new java.util.ArrayList<>();

    @picocli.CommandLine.Option(names = {"--dangerously-bypass-approvals-and-sandbox", "--yolo"},
            description = "No sandbox and no approvals at all (approval never, danger-full-access). Only inside "
                    + "a machine that is itself a sandbox.")
    boolean yolo;

    @picocli.CommandLine.Option(names = {"-i", "--image"}, paramLabel = "FILE", hidden = true,
            description = "Not supported yet: images are not sent to the model.")
    java.util.List<java.nio.file.Path> images = new java.util.ArrayList<>();

    @picocli.CommandLine.Option(names = "--full-auto",
            description = "Work without asking inside the sandbox: approval on-failure, writes to the workdir and $TMPDIR.")
    boolean fullAuto;

    @picocli.CommandLine.Option(names = "--skip-git-repo-check", description = "Allow running outside a git repository.")
    boolean skipGitRepoCheck;

    @picocli.CommandLine.Option(names = "--line-mode",
            description = "Plain line-by-line conversation instead of the full-screen view (the default when not a terminal).")
    boolean lineMode;

    public static void main(String[] args) {
        // Netty's allocator JFR events load the JFR machinery at start (40-85 ms) for nothing unless
        // a recording is on; -Dio.netty.jfr.enabled=true brings them back
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        System.exit(run(args));
    }

    static int run(String[] args) {
        ExecCommand exec = FastExecArgs.parse(args); // the common exec lines, without picocli's start-up cost
        if (exec != null) {
            initJacksonAside();
            int code = FastExecArgs.execute(exec);
            System.out.flush();
            return code;
        }
        CommandLine codex = new CommandLine(new CodexMain());
        UnsupportedCommands.register(codex);
        int code = codex.execute(args);
        System.out.flush();
        return code;
    }

    /**
     * Jackson's ObjectMapper class, initialised on a thread of its own while this one resolves the
     * workdir and reads config.toml: its static set-up (a date format, hence the JDK's calendar and
     * locale data) was half of config loading's samples in a profile; the class-init lock makes
     * whichever thread comes second wait for the first.
     */
    private static void initJacksonAside() {
        Thread thread = new Thread(() -> {
            try {
                Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
            } catch (Throwable ignored) {
                // the config loader meets the same error itself and reports it
            }
        }, "codex-init-jackson");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Integer call() throws Exception {
        if (!images.isEmpty()) {
            System.err.println(SessionSetup.IMAGES_NOT_SUPPORTED);
            return 2;
        }
        codex.protocol.ApprovalPolicy policy;
        try {
            policy = approvalPolicy != null ? codex.protocol.ApprovalPolicy.parse(approvalPolicy)
                    : fullAuto ? codex.protocol.ApprovalPolicy.ON_FAILURE : null;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        SessionSetup.Result setup = SessionSetup.prepare(new SessionSetup.Options(cd, skipGitRepoCheck, overrides, profile,
                model, sandboxPermissions, fullAuto, policy, "codex", addDirs, yolo), System.getenv(), System.err, false);
        if (setup.exitCode() != 0) {
            return setup.exitCode();
        }
        System.err.println("sandbox: " + SessionSetup.sandboxSummary(setup.config()) + ": "
                + String.join(", ", setup.session().sandboxPermissions()));
        if (!lineMode && System.console() != null) {
            return new codex.cli.tui.FullScreenClient(setup.session(), !setup.config().hideAgentReasoning(), null).run(prompt);
        }
        java.io.BufferedReader in = new java.io.BufferedReader(
                new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
        return new InteractiveClient(setup.session(), in, System.out, !setup.config().hideAgentReasoning()).run(prompt);
    }

    /**
     * Library chatter (Netty, Vert.x) stays out of the user's terminal unless it is a warning.
     * Called by the commands that start Vert.x, not at start-up: it costs ~25 ms others don't need.
     */
    private static final Logger MCP_SDK_LOGGER = Logger.getLogger("io.modelcontextprotocol");
    private static final Logger REACTOR_LOGGER = Logger.getLogger("reactor"); // the SDK's Reactor: dropped errors

    static void quietLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
            LogManager.getLogManager().reset();
            Logger root = Logger.getLogger("");
            java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
            handler.setLevel(Level.WARNING);
            root.addHandler(handler);
            root.setLevel(Level.WARNING);
            // the MCP SDK logs each failure it also reports to us (with a stack); we print the reported one
            MCP_SDK_LOGGER.setLevel(Level.OFF);
            REACTOR_LOGGER.setLevel(Level.OFF);
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
