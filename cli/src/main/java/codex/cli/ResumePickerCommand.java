package codex.cli;

import codex.cli.tui.FullScreenClient;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SessionMessages.RecordedSession;
import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"List recorded sessions (newest first) and continue one.",
                "With no SESSION_ID it lists them; in a terminal it then asks which one.",
                "In a terminal the session opens in the full-screen client with its recorded transcript",
                "(approval policy from the config, as for `codex`); otherwise it continues headless with PROMPT,",
                "as `codex exec resume` does (approval policy: never)."})
public final class ResumePickerCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    @Parameters(index = "0", arity = "0..1", paramLabel = "SESSION_ID", description = "Session id or unique prefix.")
    String sessionId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROMPT", description = "The next prompt.")
    String prompt;

    @Option(names = "--last", description = "Continue the most recent session.")
    boolean last;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "How many sessions to list (default 20).")
    int limit = 20;

    @Option(names = "--skip-git-repo-check", description = "Allow running outside a git repository.")
    boolean skipGitRepoCheck;

    @Option(names = "--full-auto", description = "As for exec: let the agent write in the workdir and $TMPDIR.")
    boolean fullAuto;

    @Option(names = "--line-mode", description = "Continue headless (as `codex exec resume`) even in a terminal.")
    boolean lineMode;

    @Override
    public Integer call() throws Exception {
        boolean fullScreen = !lineMode && System.console() != null;
        if (fullScreen && (sessionId != null || last)) {
            return fullScreen(last ? null : sessionId, last && prompt == null ? sessionId : prompt);
        }
        if (sessionId != null || last) {
            return exec().execute(last && prompt == null ? sessionId : prompt, last ? null : sessionId, last);
        }
        Path home;
        try {
            home = ConfigLoader.resolveCodexHome(ConfigOptions.defaults());
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        List<RecordedSession> sessions;
        try (SessionLookup lookup = SessionLookup.open(home)) {
            sessions = lookup.list(Math.max(1, limit));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        if (sessions.isEmpty()) {
            System.out.println("No recorded sessions under " + home.resolve("sessions") + ".");
            return 0;
        }
        for (int i = 0; i < sessions.size(); i++) {
            var s = sessions.get(i);
            System.out.printf("%3d  %s  %s  %s%n      %s%n", i + 1, WHEN.format(Instant.parse(s.startedAt())), s.sessionId(),
                    s.cwd() == null ? "" : s.cwd(), s.preview() == null ? "" : s.preview());
        }
        Console console = System.console();
        if (console == null) {
            System.out.println("Continue one with: codex resume SESSION_ID \"next prompt\"");
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.print("Resume which session? [1-" + sessions.size() + ", Enter to cancel]: ");
        System.out.flush();
        String choice = in.readLine();
        if (choice == null || choice.isBlank()) {
            return 0;
        }
        int n;
        try {
            n = Integer.parseInt(choice.trim());
        } catch (NumberFormatException e) {
            System.err.println("error: '" + choice.trim() + "' is not a number from the list");
            return 2;
        }
        if (n < 1 || n > sessions.size()) {
            System.err.println("error: pick a number from 1 to " + sessions.size());
            return 2;
        }
        if (fullScreen) {
            return fullScreen(sessions.get(n - 1).sessionId(), null);
        }
        System.out.print("Next prompt: ");
        System.out.flush();
        String next = in.readLine();
        if (next == null || next.isBlank()) {
            return 0;
        }
        return exec().execute(next, sessions.get(n - 1).sessionId(), false);
    }

    /** Opens the session in the full-screen client, its recorded events drawn as the transcript. */
    private int fullScreen(String idOrPrefix, String firstPrompt) throws Exception {
        SessionSetup.Result setup = SessionSetup.prepare(new SessionSetup.Options(null, skipGitRepoCheck, List.of(), null, null,
                List.of(), fullAuto, fullAuto ? ApprovalPolicy.ON_FAILURE : null, "codex resume"), System.getenv(), System.err, false);
        if (setup.exitCode() != 0) {
            return setup.exitCode();
        }
        String id;
        List<FullScreenClient.Recorded> steps = new ArrayList<>();
        try {
            // the recorded events (prompts are user_message events) come from the agent, like every lookup
            SessionLookup.History history = SessionLookup.history(setup.config().codexHome(), idOrPrefix, setup.cwd());
            id = history.sessionId();
            history.events().forEach(e -> steps.add(new FullScreenClient.Recorded(null, e)));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        return new FullScreenClient(setup.session(), !setup.config().hideAgentReasoning(), id)
                .withRecorded(steps).run(firstPrompt);
    }

    private ExecCommand exec() {
        ExecCommand exec = new ExecCommand();
        exec.skipGitRepoCheck = skipGitRepoCheck;
        exec.fullAuto = fullAuto;
        return exec;
    }
}
