package codex.cli;

import codex.protocol.ApprovalPolicy;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.Json;
import codex.protocol.SandboxPermission;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", aliases = "e", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = ResumeCommand.class,
        description = {"Run Codex non-interactively: one task, then exit.",
                "Progress goes to stderr; stdout gets the final message (or, with --json, one JSON event per line).",
                "The approval policy is always 'never': what the sandbox refuses is reported to the model."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the task completed", "1:the task failed (model error, missing API key, …)",
                "2:bad usage or configuration", "130:interrupted (Ctrl-C)"})
public final class ExecCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROMPT",
            description = "The task. '-' or nothing: read it from stdin.")
    String prompt;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = {"-m", "--model"}, paramLabel = "MODEL", description = "Model to use (config: model).")
    String model;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = {"-C", "--cd"}, paramLabel = "DIR", description = "Work in DIR instead of the current directory.")
    Path cd;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = {"-c", "--config"}, paramLabel = "key=value",
            description = "Override a config value (dotted path; value parsed as TOML, else taken as a string). Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(scope = CommandLine.ScopeType.INHERIT, names = {"-p", "--profile"}, paramLabel = "NAME", description = "Config profile ([profiles.NAME]).")
    String profile;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = {"-s", "--sandbox", "--sandbox-permission"}, paramLabel = "MODE|PERMISSION",
            description = "Sandbox: a mode (read-only, workspace-write, danger-full-access) and/or permission names "
                    + "(repeatable; replaces the config's sandbox_mode and sandbox_permissions): " + SandboxPermission.VALID_NAMES)
    List<String> sandboxPermissions = new ArrayList<>();

    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--add-dir", paramLabel = "DIR",
            description = "Another writable folder beside the workdir (repeatable).")
    List<Path> addDirs = new ArrayList<>();

    @Option(scope = CommandLine.ScopeType.INHERIT, names = {"--dangerously-bypass-approvals-and-sandbox", "--yolo"},
            description = "No sandbox at all (danger-full-access). Only inside a machine that is itself a sandbox.")
    boolean yolo;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = {"-i", "--image"}, paramLabel = "FILE", split = ",",
            description = "Attach an image (PNG, JPEG, GIF or WebP, up to 20 MiB) to the prompt (repeatable, or comma-separated).")
    List<Path> images = new ArrayList<>();

    /** The images as data: URLs, read before the session opens. */
    private List<String> imageUrls = List.of();

    /** For the header: the sandbox mode and where it came from. */
    private String sandboxSummary = "";

    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--full-auto",
            description = "Let the agent write in the workdir and $TMPDIR (adds disk-write-cwd and disk-write-platform-user-temp-folder), network still off.")
    boolean fullAuto;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--json", arity = "0..1", paramLabel = "FORMAT",
            preprocessor = JsonFormat.Preprocessor.class,
            description = "Print events as JSON lines on stdout, nothing else there. --json: today's Codex CLI schema "
                    + "(thread.started, turn.started, item.started/item.completed, turn.completed); "
                    + "--json=seed: our protocol's event stream (session_id, seq, msg), as the HTTP API sends it.")
    String jsonFormat;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = {"-o", "--output-last-message"}, paramLabel = "FILE", description = "Also write the last agent message to FILE.")
    Path outputLastMessage;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--skip-git-repo-check", description = "Allow running outside a git repository.")
    boolean skipGitRepoCheck;

    private boolean json;

    /** The environment the session is set up from: the process's, or the CDS training's own. */
    java.util.Map<String, String> environment = System.getenv();

    /** Reasoning summaries are shown unless config says hide_agent_reasoning. */
    private boolean showReasoning;

    @Override
    public Integer call() {
        return execute(prompt, null, false);
    }

    /** A new session, or (resumeId / resumeLast) the continuation of a recorded one. */
    int execute(String promptArg, String resumeId, boolean resumeLast) {
        if (jsonFormat != null && JsonFormat.parse(jsonFormat) == null) {
            System.err.println("error: unknown --json format '" + jsonFormat + "'; valid formats are: codex (the default), seed");
            return 2;
        }
        json = jsonFormat != null;
        LocalSession.useClient(LocalSession.EXEC_CLIENT);
        PrintStream out = System.out;
        PrintStream err = System.err;
        try { // relative to where the user typed the command, as a shell would take it
            imageUrls = ImageInputs.dataUrls(images, Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        SessionSetup.Result setup = SessionSetup.prepare(new SessionSetup.Options(cd, skipGitRepoCheck, overrides,
                profile, model, sandboxPermissions, fullAuto, ApprovalPolicy.NEVER, "codex exec", addDirs, yolo), environment, err, json);
        if (setup.exitCode() != 0) {
            return setup.exitCode();
        }
        String task;
        try {
            task = readPrompt(promptArg);
        } catch (IOException e) {
            err.println("error: could not read the prompt from stdin: " + e.getMessage());
            return 2;
        }
        if (task == null || task.isBlank()) {
            err.println("error: no prompt given: pass it as an argument, or pipe it on stdin with '-'");
            return 2;
        }
        String sessionToResume = null;
        if (resumeId != null || resumeLast) {
            try {
                sessionToResume = SessionLookup.resolve(setup.config().codexHome(), resumeId, setup.cwd());
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return 2;
            }
        }
        showReasoning = !setup.config().hideAgentReasoning();
        sandboxSummary = SessionSetup.sandboxSummary(setup.config());
        return run(setup.session(), task, out, err, sessionToResume);
    }

    private Submission.Op.UserInput userInput(String task) {
        List<Submission.InputItem> items = new ArrayList<>(List.of(new Submission.InputItem("text", task)));
        imageUrls.forEach(url -> items.add(Submission.InputItem.image(url)));
        return new Submission.Op.UserInput(items);
    }

    private String readPrompt(String prompt) throws IOException {
        if (prompt != null && !prompt.equals("-")) {
            return prompt;
        }
        if (prompt == null && System.console() != null) {
            return null; // nothing piped and nothing given: don't hang waiting for a terminal
        }
        return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }

    int run(SessionConfig session, String task, PrintStream out, PrintStream err) {
        return run(session, task, out, err, null);
    }

    int run(SessionConfig session, String task, PrintStream out, PrintStream err, String resumeSessionId) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        HumanEventPrinter human = new HumanEventPrinter(err, showReasoning);
        CodexJsonEvents codexJson = json && JsonFormat.parse(jsonFormat) == JsonFormat.CODEX
                ? new CodexJsonEvents(Path.of(session.cwd())) : null;
        var state = new Object() {
            String lastMessage;
            String error;
            boolean headerShown;
        };
        try (LocalSession local = new LocalSession()) {
            AtomicInteger interrupts = new AtomicInteger();
            CtrlC.install(() -> {
                if (interrupts.incrementAndGet() > 1 || local.id() == null) {
                    exit.complete(130);
                    return;
                }
                err.println();
                err.println("interrupting… (press Ctrl-C again to quit at once)");
                local.submit(new Submission("interrupt", new Submission.Op.Interrupt()));
            });
            local.open(session, resumeSessionId, event -> {
                if (codexJson != null) {
                    for (var line : codexJson.map(event)) {
                        out.println(Json.encode(line));
                    }
                    out.flush();
                } else if (json) {
                    out.println(Json.encode(event));
                    out.flush();
                } else {
                    if (event.msg() instanceof EventMsg.SessionConfigured sc && !state.headerShown) {
                        state.headerShown = true;
                        human.header(session.model(), session.provider().id(), session.cwd(), session.approvalPolicy().wireName(),
                                session.sandboxPermissions(), sandboxSummary, sc.sessionId());
                        human.prompt(task);
                        if (sc.resumed()) {
                            err.println("resumed session " + sc.sessionId() + " (continuing after event "
                                    + (event.seq() - 1) + ")");
                        }
                    }
                    human.print(event);
                }
                onEvent(event, exit, msg -> state.lastMessage = msg, e -> state.error = e);
            }).compose(id -> local.submit(new Submission("exec-1", userInput(task))))
                    .onFailure(e -> {
                        state.error = e.getMessage();
                        exit.complete(1);
                    });
            int code;
            try {
                code = exit.get();
            } catch (Exception e) {
                code = 1;
            }
            if (code == 0) {
                if (!json && (System.console() == null) && state.lastMessage != null) {
                    out.println(state.lastMessage);
                }
                if (outputLastMessage != null) {
                    try {
                        Files.writeString(outputLastMessage, state.lastMessage == null ? "" : state.lastMessage);
                    } catch (IOException e) {
                        err.println("error: could not write --output-last-message file: " + e.getMessage());
                        code = 1;
                    }
                }
            } else if (state.error != null && (jsonFormat != null || !human.shownError())) {
                err.println("error: " + state.error);
            } else if (code == 130) {
                err.println("interrupted");
            }
            out.flush();
            return code;
        }
    }

    private static void onEvent(Event event, CompletableFuture<Integer> exit,
                                java.util.function.Consumer<String> lastMessage, java.util.function.Consumer<String> error) {
        EventMsg msg = event.msg();
        if (msg instanceof EventMsg.TaskComplete t) {
            lastMessage.accept(t.lastAgentMessage());
            exit.complete(0);
        } else if (msg instanceof EventMsg.Error e) {
            error.accept(e.message());
        } else if (msg instanceof EventMsg.TurnAborted a) {
            exit.complete("interrupted".equals(a.reason()) ? 130 : 1);
        }
    }
}
