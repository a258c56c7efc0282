package codex.cli.tui;

import codex.cli.LocalSession;
import codex.cli.ShellQuote;
import codex.protocol.ApprovalPolicy;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.SandboxPermission;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * The full-screen terminal client: transcript above, composer and status line below, approvals
 * answered in place with one key. A client of the gateway through {@link LocalSession}, like the
 * line-mode client. Events arrive on a Vert.x thread and only change state under {@code lock};
 * the main thread reads keys; both redraw through {@link #render()} (JLine's Display diffs frames).
 */
public final class FullScreenClient {
    static final Map<String, String> SLASH_COMMANDS = new LinkedHashMap<>();

    static {
        SLASH_COMMANDS.put("/new", "start a new session");
        SLASH_COMMANDS.put("/model", "NAME: use another model from the next request on");
        SLASH_COMMANDS.put("/approvals", "POLICY: when to ask (" + ApprovalPolicy.VALID_NAMES + ")");
        SLASH_COMMANDS.put("/permissions", "PERM…: sandbox permissions (replaces the list)");
        SLASH_COMMANDS.put("/status", "model, policy, sandbox, session, tokens");
        SLASH_COMMANDS.put("/diff", "the workspace's git diff in a pager");
        SLASH_COMMANDS.put("/resume", "how to continue an earlier session");
        SLASH_COMMANDS.put("/help", "these commands and the keys");
        SLASH_COMMANDS.put("/quit", "leave (Ctrl-D too)");
    }

    private static final String SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    private final Object lock = new Object();
    private SessionConfig config;
    private final boolean showReasoning;
    private final String resumeSessionId;
    private final Render render;
    private Terminal terminal;
    private Display display;
    private int rows = 24;
    private int cols = 80;

    private LocalSession local;
    private final List<Transcript.Entry> transcript = new ArrayList<>();
    private Transcript.AgentText streaming;
    private final Map<String, Transcript.Command> commands = new HashMap<>();
    private final Deque<Event> pendingApprovals = new ArrayDeque<>();
    private boolean running;
    private long turnStartedNanos;
    private long tokensUsed;
    private int scrollBack;
    private String hint;
    private long lastIdleCtrlC;
    private List<AttributedString> pager;
    private int pagerTop;
    private boolean quit;
    private int submissions;
    /** Ids of the inputs typed here: their user_message is already in the transcript. */
    private final java.util.Set<String> ownInputs = new java.util.HashSet<>();
    private List<Recorded> recorded = List.of();

    /** One step of a recorded session, in order: a user prompt, or an event. */
    public record Recorded(String prompt, Event event) { }

    private final StringBuilder composer = new StringBuilder();
    private int cursor;
    private final List<String> history = new ArrayList<>();
    private int historyIndex;

    public FullScreenClient(SessionConfig config, boolean showReasoning, String resumeSessionId) {
        this.config = config;
        this.showReasoning = showReasoning;
        this.resumeSessionId = resumeSessionId;
        String noColor = System.getenv("NO_COLOR");
        this.render = new Render(noColor == null || noColor.isEmpty());
    }

    /**
     * The resumed session's recorded events (from its durable log): drawn as the transcript before the
     * session opens. The agent does not send them again; it carries on after the last one.
     */
    public FullScreenClient withRecorded(List<Recorded> steps) {
        this.recorded = List.copyOf(steps);
        return this;
    }

    /** Replays recorded events into the transcript: what they showed then, nothing waiting now. */
    void replay(List<Recorded> steps) {
        if (steps.isEmpty()) {
            return;
        }
        synchronized (lock) {
            for (Recorded step : steps) {
                if (step.prompt() != null) {
                    streaming = null;
                    transcript.add(new Transcript.Prompt(step.prompt()));
                } else {
                    apply(step.event());
                }
            }
            commands.values().forEach(Transcript.Command::killed);
            endTurn();
            hint = null;
            note("· resumed session " + resumeSessionId + " · recorded above", -1);
        }
    }

    public int run(String firstPrompt) throws Exception {
        terminal = TerminalBuilder.builder().system(true).jna(false).jansi(false).build();
        Attributes saved = terminal.enterRawMode();
        Attributes raw = terminal.getAttributes();
        // Ctrl-C and Ctrl-Z arrive as keys: Ctrl-C interrupts the turn rather than killing us
        raw.setLocalFlag(Attributes.LocalFlag.ISIG, false);
        terminal.setAttributes(raw);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.writer().write("\033[?2004h");
        terminal.flush();
        display = new Display(terminal, true);
        resize();
        terminal.handle(Terminal.Signal.WINCH, s -> {
            synchronized (lock) {
                resize();
                display.clear();
            }
            render();
        });
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tui-spinner");
            t.setDaemon(true);
            return t;
        });
        try {
            note("codex-vertx · " + config.cwd() + " · type a task, Enter sends, Ctrl-J new line, / for commands", -1);
            replay(recorded);
            render();
            if (!openSession(resumeSessionId)) {
                return 1;
            }
            ticker.scheduleAtFixedRate(() -> {
                if (running) {
                    render();
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
            if (firstPrompt != null && !firstPrompt.isBlank()) {
                submitPrompt(firstPrompt);
            }
            readKeys();
            local.submit(new Submission("bye", new Submission.Op.Shutdown()))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            return 0;
        } finally {
            ticker.shutdownNow();
            if (local != null) {
                local.close();
            }
            terminal.writer().write("\033[?2004l");
            terminal.puts(Capability.keypad_local);
            terminal.puts(Capability.exit_ca_mode);
            terminal.setAttributes(saved);
            terminal.flush();
            terminal.close();
        }
    }

    private boolean openSession(String resumeId) {
        local = new LocalSession();
        try {
            local.open(config, resumeId, this::onEvent).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            render();
            return true;
        } catch (Exception e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.toString();
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            System.err.println("error: could not start the session: " + why);
            return false;
        }
    }

    private void resize() {
        Size size = terminal.getSize();
        rows = size.getRows() > 0 ? size.getRows() : 24;
        cols = size.getColumns() > 0 ? size.getColumns() : 80;
        display.resize(rows, cols);
    }

    // ---- events (Vert.x thread) ----

    private void onEvent(Event event) {
        synchronized (lock) {
            apply(event);
        }
        render();
    }

    private void apply(Event event) {
        EventMsg msg = event.msg();
        if (msg instanceof EventMsg.SessionConfigured c) {
            hint = null;
        } else if (msg instanceof EventMsg.TaskStarted) {
            if (!running) {
                running = true;
                turnStartedNanos = System.nanoTime();
            }
        } else if (msg instanceof EventMsg.UserMessage u) {
            if (!ownInputs.remove(event.id())) {
                streaming = null;
                transcript.add(new Transcript.Prompt(u.message())); // sent by another client of the session
            }
        } else if (msg instanceof EventMsg.AgentMessageDelta d) {
            if (streaming == null) {
                streaming = new Transcript.AgentText("");
                transcript.add(streaming);
            }
            streaming.append(d.delta());
        } else if (msg instanceof EventMsg.AgentMessage m) {
            if (streaming == null) {
                transcript.add(new Transcript.AgentText(m.message()));
            } else {
                streaming.replace(m.message());
            }
            streaming = null;
        } else if (msg instanceof EventMsg.AgentReasoning r) {
            if (showReasoning) {
                transcript.add(new Transcript.Reasoning(r.text()));
            }
        } else if (msg instanceof EventMsg.ExecCommandBegin b) {
            streaming = null;
            Transcript.Command c = new Transcript.Command(b.command(), b.sandboxed());
            commands.put(b.callId(), c);
            transcript.add(c);
        } else if (msg instanceof EventMsg.ExecCommandOutputDelta d) {
            Transcript.Command c = commands.get(d.callId());
            if (c != null) {
                c.output(d.chunk());
            }
        } else if (msg instanceof EventMsg.ExecCommandEnd e) {
            Transcript.Command c = commands.get(e.callId());
            if (c != null) {
                c.end(e.exitCode(), e.durationMs(), e.stdout(), e.stderr());
            }
        } else if (msg instanceof EventMsg.ExecApprovalRequest || msg instanceof EventMsg.ApplyPatchApprovalRequest) {
            streaming = null;
            pendingApprovals.add(event);
        } else if (msg instanceof EventMsg.PatchApplyBegin p) {
            streaming = null;
            transcript.add(new Transcript.Patch(p.changes(), p.autoApproved() ? "✓ patch (auto-approved)" : "✓ patch"));
        } else if (msg instanceof EventMsg.PatchApplyEnd p) {
            if (!p.success()) {
                note("✗ patch failed: " + (p.stderr() == null ? "" : p.stderr().strip()), AttributedStyle.RED);
            }
        } else if (msg instanceof EventMsg.TokenCount t) {
            tokensUsed += t.totalTokens();
        } else if (msg instanceof EventMsg.Error e) {
            note("error: " + e.message(), AttributedStyle.RED);
        } else if (msg instanceof EventMsg.BackgroundEvent b) {
            note(b.message(), -1);
        } else if (msg instanceof EventMsg.TurnAborted a) {
            commands.values().forEach(Transcript.Command::killed);
            endTurn();
            hint = null;
            note("■ turn " + ("interrupted".equals(a.reason()) ? "interrupted" : "aborted" + (a.reason() == null ? "" : " (" + a.reason() + ")")),
                    AttributedStyle.RED);
        } else if (msg instanceof EventMsg.TaskComplete) {
            endTurn();
        } else if (!(msg instanceof EventMsg.ShutdownComplete)) {
            // a newer agent's event (EventMsg.Unknown) or one without a renderer here: one dimmed line
            transcript.add(Transcript.Generic.of(msg));
        }
    }

    private void endTurn() {
        running = false;
        streaming = null;
        pendingApprovals.clear();
        commands.clear();
    }

    private void note(String text, int colour) {
        transcript.add(new Transcript.Note(text, colour));
    }

    // ---- keys (main thread) ----

    private KeyMap<String> keyMap() {
        KeyMap<String> keys = new KeyMap<>();
        keys.setAmbiguousTimeout(60);
        keys.setUnicode("insert");
        keys.bind("insert", KeyMap.range(" -~"));
        keys.bind("enter", "\r");
        keys.bind("newline", "\n", "\033\r");
        keys.bind("backspace", "\177", "\b");
        keys.bind("delete", "\033[3~");
        keys.bind("left", "\033[D", "\033OD", KeyMap.ctrl('B'));
        keys.bind("right", "\033[C", "\033OC", KeyMap.ctrl('F'));
        keys.bind("up", "\033[A", "\033OA", KeyMap.ctrl('P'));
        keys.bind("down", "\033[B", "\033OB", KeyMap.ctrl('N'));
        keys.bind("home", "\033[H", "\033OH", "\033[1~", KeyMap.ctrl('A'));
        keys.bind("end", "\033[F", "\033OF", "\033[4~", KeyMap.ctrl('E'));
        keys.bind("kill-line", KeyMap.ctrl('U'));
        keys.bind("kill-word", KeyMap.ctrl('W'));
        keys.bind("interrupt", KeyMap.ctrl('C'));
        keys.bind("eof", KeyMap.ctrl('D'));
        keys.bind("escape", "\033");
        keys.bind("expand", KeyMap.ctrl('O'));
        keys.bind("complete", "\t");
        keys.bind("page-up", "\033[5~");
        keys.bind("page-down", "\033[6~");
        keys.bind("paste", "\033[200~");
        keys.bind("redraw", KeyMap.ctrl('L'));
        return keys;
    }

    private void readKeys() throws IOException {
        BindingReader reader = new BindingReader(terminal.reader());
        KeyMap<String> keys = keyMap();
        while (!quit) {
            String op = reader.readBinding(keys);
            if (op == null) {
                return; // the terminal closed
            }
            String typed = reader.getLastBinding();
            synchronized (lock) {
                hint = "interrupt".equals(op) ? hint : null;
            }
            if (pager != null) {
                pagerKey(op, typed);
            } else if (currentApproval() != null) {
                approvalKey(op, typed);
            } else if ("paste".equals(op)) {
                paste(reader);
            } else {
                composerKey(op, typed);
            }
            render();
        }
    }

    private Event currentApproval() {
        synchronized (lock) {
            return pendingApprovals.peek();
        }
    }

    private void approvalKey(String op, String typed) {
        String decision = null;
        if ("insert".equals(op)) {
            decision = switch (typed) {
                case "y", "Y" -> "approved";
                case "a", "A" -> "approved_for_session";
                case "n", "N" -> "denied";
                case "q", "Q" -> "abort";
                default -> null;
            };
        } else if ("escape".equals(op) || "interrupt".equals(op)) {
            decision = "abort";
        }
        if (decision == null) {
            return; // nothing else is taken while a request waits
        }
        Event request;
        synchronized (lock) {
            request = pendingApprovals.poll();
            if (request == null) {
                return;
            }
            if (request.msg() instanceof EventMsg.ExecApprovalRequest r) {
                if ("denied".equals(decision)) {
                    note("✗ denied: " + ShellQuote.join(r.command()), AttributedStyle.RED);
                } else if ("approved_for_session".equals(decision)) {
                    note("✓ approved for this session: " + ShellQuote.join(r.command()), AttributedStyle.GREEN);
                }
            } else if (request.msg() instanceof EventMsg.ApplyPatchApprovalRequest r) {
                if ("denied".equals(decision) || "abort".equals(decision)) {
                    transcript.add(new Transcript.Patch(r.changes(), "✗ patch denied"));
                }
            }
        }
        String callId = request.msg() instanceof EventMsg.ExecApprovalRequest r ? r.callId()
                : ((EventMsg.ApplyPatchApprovalRequest) request.msg()).callId();
        local.submit(new Submission("approval-" + callId, request.msg() instanceof EventMsg.ExecApprovalRequest
                ? new Submission.Op.ExecApproval(callId, decision)
                : new Submission.Op.PatchApproval(callId, decision)));
    }

    private void paste(BindingReader reader) {
        StringBuilder pasted = new StringBuilder();
        while (true) {
            int c = reader.readCharacter();
            if (c < 0) {
                break;
            }
            pasted.appendCodePoint(c);
            if (pasted.length() >= 6 && pasted.substring(pasted.length() - 6).equals("\033[201~")) {
                pasted.setLength(pasted.length() - 6);
                break;
            }
        }
        synchronized (lock) {
            String text = pasted.toString().replace("\r\n", "\n").replace('\r', '\n');
            composer.insert(cursor, text);
            cursor += text.length();
        }
    }

    private void composerKey(String op, String typed) throws IOException {
        String submitted = null;
        synchronized (lock) {
            switch (op) {
                case "insert" -> {
                    composer.insert(cursor, typed);
                    cursor += typed.length();
                }
                case "newline" -> {
                    composer.insert(cursor, '\n');
                    cursor++;
                }
                case "backspace" -> {
                    if (cursor > 0) {
                        composer.deleteCharAt(--cursor);
                    }
                }
                case "delete" -> {
                    if (cursor < composer.length()) {
                        composer.deleteCharAt(cursor);
                    }
                }
                case "eof" -> {
                    if (composer.length() == 0) {
                        quit = true;
                    } else if (cursor < composer.length()) {
                        composer.deleteCharAt(cursor);
                    }
                }
                case "left" -> cursor = Math.max(0, cursor - 1);
                case "right" -> cursor = Math.min(composer.length(), cursor + 1);
                case "home" -> cursor = composer.lastIndexOf("\n", cursor - 1) + 1;
                case "end" -> {
                    int nl = composer.indexOf("\n", cursor);
                    cursor = nl < 0 ? composer.length() : nl;
                }
                case "kill-line" -> {
                    composer.setLength(0);
                    cursor = 0;
                }
                case "kill-word" -> {
                    int from = cursor;
                    while (from > 0 && composer.charAt(from - 1) == ' ') {
                        from--;
                    }
                    while (from > 0 && composer.charAt(from - 1) != ' ' && composer.charAt(from - 1) != '\n') {
                        from--;
                    }
                    composer.delete(from, cursor);
                    cursor = from;
                }
                case "up" -> {
                    if (composer.lastIndexOf("\n", cursor - 1) >= 0) {
                        cursor = composer.lastIndexOf("\n", cursor - 1);
                    } else if (historyIndex > 0) {
                        setComposer(history.get(--historyIndex));
                    }
                }
                case "down" -> {
                    if (composer.indexOf("\n", cursor) >= 0) {
                        cursor = composer.indexOf("\n", cursor) + 1;
                    } else if (historyIndex < history.size()) {
                        historyIndex++;
                        setComposer(historyIndex == history.size() ? "" : history.get(historyIndex));
                    }
                }
                case "complete" -> {
                    List<String> matches = slashMatches();
                    if (!matches.isEmpty()) {
                        setComposer(matches.get(0) + " ");
                    }
                }
                case "expand" -> {
                    Transcript.Command last = Transcript.lastCommand(transcript);
                    if (last == null) {
                        hint = "no command output to expand yet";
                    } else {
                        last.toggleExpanded();
                    }
                }
                case "page-up" -> scrollBack += Math.max(1, rows / 2);
                case "page-down" -> scrollBack = Math.max(0, scrollBack - Math.max(1, rows / 2));
                case "redraw" -> display.clear();
                case "interrupt" -> interrupt();
                case "enter" -> {
                    if (composer.toString().isBlank()) {
                        break;
                    }
                    submitted = composer.toString().strip();
                    history.add(submitted);
                    historyIndex = history.size();
                    setComposer("");
                    scrollBack = 0;
                }
                default -> {
                }
            }
        }
        if (submitted != null) {
            if (submitted.startsWith("/")) {
                slashCommand(submitted);
            } else {
                submitPrompt(submitted);
            }
        }
    }

    private void setComposer(String text) {
        composer.setLength(0);
        composer.append(text);
        cursor = text.length();
    }

    /** Under lock. */
    private void interrupt() {
        if (running) {
            local.submit(new Submission("interrupt", new Submission.Op.Interrupt()));
            hint = "interrupting…";
        } else if (composer.length() > 0) {
            setComposer("");
        } else if (System.nanoTime() - lastIdleCtrlC < TimeUnit.SECONDS.toNanos(3)) {
            quit = true;
        } else {
            lastIdleCtrlC = System.nanoTime();
            hint = "Ctrl-C again to quit";
        }
    }

    private void submitPrompt(String prompt) {
        String id = "input-" + (++submissions);
        synchronized (lock) {
            transcript.add(new Transcript.Prompt(prompt));
            ownInputs.add(id);
            running = true;
            turnStartedNanos = System.nanoTime();
        }
        local.submit(new Submission(id, Submission.Op.UserInput.text(prompt)));
    }

    List<String> slashMatches() {
        String typed = composer.toString();
        if (!typed.startsWith("/") || typed.contains(" ") || typed.contains("\n")) {
            return List.of();
        }
        return SLASH_COMMANDS.keySet().stream().filter(c -> c.startsWith(typed)).toList();
    }

    private void slashCommand(String line) throws IOException {
        String[] words = line.split("\\s+");
        String name = words[0];
        List<String> args = Arrays.asList(words).subList(1, words.length);
        synchronized (lock) {
            transcript.add(new Transcript.Prompt(line));
        }
        switch (name) {
            case "/quit", "/exit" -> quit = true;
            case "/help" -> {
                StringBuilder b = new StringBuilder("Commands (never sent to the model):");
                SLASH_COMMANDS.forEach((c, d) -> b.append("\n  ").append(String.format("%-13s", c)).append(d));
                b.append("\nKeys: Enter send · Ctrl-J new line · ↑/↓ history · Ctrl-C interrupt (twice on an empty prompt: quit)"
                        + " · Ctrl-D quit · Ctrl-O expand/collapse the last command's output · PgUp/PgDn scroll"
                        + "\nApprovals: y yes · a yes for this session · n no · Esc/q abort the turn");
                info(b.toString());
            }
            case "/status" -> info(statusText());
            case "/model" -> {
                if (args.size() != 1) {
                    info("model: " + config.model() + " (change it with /model NAME)");
                } else {
                    reconfigure(with(config, args.get(0), config.approvalPolicy(), config.sandboxPermissions()));
                    info("model set to " + args.get(0));
                }
            }
            case "/approvals" -> {
                if (args.size() != 1) {
                    info("approval policy: " + config.approvalPolicy() + " (one of " + ApprovalPolicy.VALID_NAMES + ")");
                    break;
                }
                try {
                    ApprovalPolicy policy = ApprovalPolicy.parse(args.get(0));
                    reconfigure(with(config, config.model(), policy, config.sandboxPermissions()));
                    info("approval policy set to " + policy);
                } catch (IllegalArgumentException e) {
                    error(e.getMessage());
                }
            }
            case "/permissions" -> {
                if (args.isEmpty()) {
                    info("sandbox: " + String.join(", ", config.sandboxPermissions())
                            + " (replace with /permissions PERM…; one of " + SandboxPermission.VALID_NAMES + ")");
                    break;
                }
                try {
                    List<String> perms = SandboxPermission.toStrings(SandboxPermission.parseAll(args));
                    reconfigure(with(config, config.model(), config.approvalPolicy(), perms));
                    info("sandbox permissions set to " + String.join(", ", perms));
                } catch (IllegalArgumentException e) {
                    error(e.getMessage());
                }
            }
            case "/diff" -> showDiff();
            case "/new" -> newSession();
            case "/resume" -> info("To continue an earlier session: quit and run `codex resume` (it lists them and opens the one you pick here).");
            default -> error("unknown command " + name + " — /help lists them");
        }
    }

    private void reconfigure(SessionConfig next) {
        config = next;
        local.submit(new Submission("configure-" + (++submissions), new Submission.Op.ConfigureSession(next)));
    }

    static SessionConfig with(SessionConfig c, String model, ApprovalPolicy policy, List<String> sandbox) {
        return new SessionConfig(model, c.provider(), policy, sandbox, c.cwd(), c.disableResponseStorage(),
                c.baseInstructions(), c.userInstructions(), c.notifyCommand(), c.reasoningEffort(), c.reasoningSummary(),
                c.codexHome(), c.historyPersistence());
    }

    private void info(String text) {
        synchronized (lock) {
            note(text, -2);
        }
    }

    private void error(String text) {
        synchronized (lock) {
            note(text, AttributedStyle.RED);
        }
    }

    private String statusText() {
        synchronized (lock) {
            return "model: " + config.model() + (config.provider() != null ? " (" + config.provider().name() + ")" : "")
                    + "\napproval: " + config.approvalPolicy()
                    + "\nsandbox: " + String.join(", ", config.sandboxPermissions())
                    + "\nworkdir: " + config.cwd()
                    + "\nsession: " + (local == null ? "-" : local.id())
                    + "\ntokens used: " + tokensUsed;
        }
    }

    private void newSession() {
        if (running) {
            error("a turn is running: Ctrl-C it first");
            return;
        }
        LocalSession old = local;
        try {
            old.submit(new Submission("bye", new Submission.Op.Shutdown())).toCompletionStage().toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing it anyway
        }
        old.close();
        synchronized (lock) {
            transcript.clear();
            commands.clear();
            tokensUsed = 0;
            note("new session", -1);
        }
        render();
        if (!openSession(null)) {
            quit = true;
        }
    }

    private void showDiff() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("git", "diff", "--no-color", "--no-ext-diff")
                .directory(new java.io.File(config.cwd())).redirectErrorStream(true);
        String out;
        try {
            Process p = pb.start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            error("git diff failed: " + e.getMessage());
            return;
        }
        if (out.isBlank()) {
            info("no changes in the workspace (git diff is empty)");
            return;
        }
        synchronized (lock) {
            pager = render.diff(out, cols, "");
            pagerTop = 0;
        }
    }

    private void pagerKey(String op, String typed) {
        synchronized (lock) {
            int page = Math.max(1, rows - 1);
            switch (op) {
                case "up" -> pagerTop--;
                case "down", "enter" -> pagerTop++;
                case "page-up" -> pagerTop -= page;
                case "page-down" -> pagerTop += page;
                case "escape", "interrupt" -> pager = null;
                case "insert" -> {
                    switch (typed) {
                        case "q" -> pager = null;
                        case " " -> pagerTop += page;
                        case "j" -> pagerTop++;
                        case "k" -> pagerTop--;
                        case "b" -> pagerTop -= page;
                        default -> {
                        }
                    }
                }
                default -> {
                }
            }
            if (pager != null) {
                pagerTop = Math.max(0, Math.min(pagerTop, pager.size() - page));
            }
            if (pager == null) {
                display.clear();
            }
        }
    }

    // ---- drawing ----

    void render() {
        synchronized (lock) {
            if (display == null) {
                return;
            }
            List<AttributedString> screen = pager != null ? pagerScreen() : frame();
            int[] cursorAt = pager != null || currentApproval() != null ? new int[] {rows - 1, 0} : cursorRowCol;
            display.update(screen, new Size(cols, rows).cursorPos(cursorAt[0], cursorAt[1]));
            terminal.flush();
        }
    }

    private int[] cursorRowCol = {0, 0};

    private List<AttributedString> pagerScreen() {
        List<AttributedString> out = new ArrayList<>();
        int page = rows - 1;
        for (int i = pagerTop; i < Math.min(pager.size(), pagerTop + page); i++) {
            out.add(cut(pager.get(i)));
        }
        while (out.size() < page) {
            out.add(AttributedString.EMPTY);
        }
        out.add(new AttributedString(" git diff · lines " + (pagerTop + 1) + "-" + Math.min(pager.size(), pagerTop + page)
                + " of " + pager.size() + " · ↑/↓ space b · q closes ", AttributedStyle.INVERSE));
        return out;
    }

    /** The whole screen, top to bottom, exactly rows lines. */
    List<AttributedString> frame() {
        List<AttributedString> bottom = new ArrayList<>();
        Event approval = pendingApprovals.peek();
        int composerStart;
        if (approval != null) {
            bottom.addAll(approvalPanel(approval));
            composerStart = -1;
        } else {
            List<String> matches = slashMatches();
            for (String m : matches) {
                bottom.add(new AttributedStringBuilder().style(render.fg(AttributedStyle.CYAN)).append("  " + String.format("%-13s", m))
                        .style(render.dim()).append(SLASH_COMMANDS.get(m)).toAttributedString());
            }
            composerStart = bottom.size();
            bottom.addAll(composerLines());
        }
        bottom.add(statusLine());
        for (int i = 0; i < bottom.size(); i++) {
            bottom.set(i, cut(bottom.get(i)));
        }
        int transcriptRows = Math.max(0, rows - bottom.size() - 1);
        List<AttributedString> lines = new ArrayList<>();
        for (Transcript.Entry e : transcript) {
            lines.addAll(e.lines(cols, render, false));
        }
        int maxBack = Math.max(0, lines.size() - transcriptRows);
        scrollBack = Math.min(scrollBack, maxBack);
        int end = lines.size() - scrollBack;
        int start = Math.max(0, end - transcriptRows);
        List<AttributedString> screen = new ArrayList<>();
        for (int i = start; i < end; i++) {
            screen.add(cut(lines.get(i)));
        }
        while (screen.size() < transcriptRows) {
            screen.add(0, AttributedString.EMPTY);
        }
        screen.add(new AttributedString("-".repeat(cols), render.dim()));
        int bottomTop = screen.size();
        screen.addAll(bottom);
        while (screen.size() > rows) {
            screen.remove(0);
            bottomTop--;
        }
        if (composerStart >= 0) {
            cursorRowCol = new int[] {Math.max(0, bottomTop + composerStart + composerCursorRow), composerCursorCol};
        }
        return screen;
    }

    private int composerCursorRow;
    private int composerCursorCol;

    private List<AttributedString> composerLines() {
        List<AttributedString> out = new ArrayList<>();
        int room = Math.max(1, cols - 2);
        String text = composer.toString();
        String[] logical = text.split("\n", -1);
        int offset = 0;
        composerCursorRow = 0;
        composerCursorCol = 2;
        for (int li = 0; li < logical.length; li++) {
            String line = logical[li];
            int pieces = Math.max(1, (line.length() + room - 1) / room + (line.length() > 0 && line.length() % room == 0 ? 1 : 0));
            if (cursor >= offset && cursor <= offset + line.length()) {
                int col = cursor - offset;
                composerCursorRow = out.size() + col / room;
                composerCursorCol = 2 + col % room;
            }
            for (int p = 0; p < pieces; p++) {
                String piece = line.substring(Math.min(line.length(), p * room), Math.min(line.length(), (p + 1) * room));
                String prefix = li == 0 && p == 0 ? "› " : "  ";
                AttributedStringBuilder b = new AttributedStringBuilder().style(render.fg(AttributedStyle.CYAN).bold()).append(prefix)
                        .style(AttributedStyle.DEFAULT).append(piece);
                out.add(b.toAttributedString());
            }
            offset += line.length() + 1;
        }
        if (text.isEmpty()) {
            out.set(0, new AttributedStringBuilder().style(render.fg(AttributedStyle.CYAN).bold()).append("› ")
                    .style(render.dim()).append(running ? "(working… Ctrl-C interrupts)" : "Ask Codex to do anything").toAttributedString());
        }
        int max = Math.max(1, rows / 3);
        if (out.size() > max) {
            int drop = Math.min(out.size() - max, Math.max(0, composerCursorRow - max + 1));
            out = new ArrayList<>(out.subList(drop, Math.min(out.size(), drop + max)));
            composerCursorRow -= drop;
        }
        return out;
    }

    private List<AttributedString> approvalPanel(Event approval) {
        List<AttributedString> out = new ArrayList<>();
        AttributedStyle head = render.fg(AttributedStyle.YELLOW).bold();
        if (approval.msg() instanceof EventMsg.ExecApprovalRequest r) {
            out.add(new AttributedString("Allow this command?", head));
            out.addAll(Render.wrap(new AttributedString(ShellQuote.join(r.command()), AttributedStyle.BOLD), cols, "  $ ", false));
            out.addAll(render.text("in " + r.cwd(), render.dim(), cols, "  "));
            if (r.reason() != null) {
                out.addAll(render.text(r.reason(), AttributedStyle.DEFAULT, cols, "  "));
            }
        } else {
            EventMsg.ApplyPatchApprovalRequest r = (EventMsg.ApplyPatchApprovalRequest) approval.msg();
            out.add(new AttributedString("Apply this patch?", head));
            if (r.reason() != null) {
                out.addAll(render.text(r.reason(), AttributedStyle.DEFAULT, cols, "  "));
            }
            List<AttributedString> diff = new ArrayList<>();
            r.changes().forEach((path, change) -> diff.addAll(Transcript.fileChange(path, change, cols, render)));
            int room = Math.max(3, rows / 2 - 2);
            if (diff.size() > room) {
                int more = diff.size() - room + 1;
                diff.subList(room - 1, diff.size()).clear();
                diff.add(new AttributedString("    … " + more + " more lines", render.dim()));
            }
            out.addAll(diff);
        }
        out.add(new AttributedStringBuilder().style(render.fg(AttributedStyle.GREEN).bold()).append(" y ").style(AttributedStyle.DEFAULT)
                .append("yes  ").style(render.fg(AttributedStyle.GREEN).bold()).append(" a ").style(AttributedStyle.DEFAULT)
                .append("yes, this session  ").style(render.fg(AttributedStyle.RED).bold()).append(" n ").style(AttributedStyle.DEFAULT)
                .append("no  ").style(render.fg(AttributedStyle.RED).bold()).append(" Esc/q ").style(AttributedStyle.DEFAULT)
                .append("abort the turn").toAttributedString());
        return out;
    }

    private AttributedString statusLine() {
        StringBuilder b = new StringBuilder(" ");
        if (running) {
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - turnStartedNanos);
            b.append(SPINNER.charAt((int) ((elapsed / 100) % SPINNER.length()))).append(" working ").append(elapsed / 1000).append("s");
        } else {
            b.append("idle");
        }
        if (hint != null) {
            b.append(" · ").append(hint);
        }
        if (!pendingApprovals.isEmpty()) {
            b.append(" · ").append(pendingApprovals.size()).append(" approval").append(pendingApprovals.size() == 1 ? "" : "s")
                    .append(" pending");
        }
        b.append(" · ").append(config.model()).append(" · ").append(config.approvalPolicy()).append(" · ")
                .append(String.join(",", config.sandboxPermissions())).append(" · ").append(tokensUsed).append(" tokens");
        String s = b.toString();
        if (s.length() < cols) {
            s = s + " ".repeat(cols - s.length());
        }
        return new AttributedString(s, AttributedStyle.INVERSE);
    }

    private AttributedString cut(AttributedString line) {
        return line.columnLength() > cols ? line.columnSubSequence(0, cols) : line;
    }
}
