package codex.cli;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The line-mode terminal client: a conversation in the terminal, one prompt after another, with
 * approval questions answered at the keyboard. Events are printed as they arrive (on a Vert.x
 * thread); the main thread only reads the keyboard, when a prompt or an answer is due.
 */
final class InteractiveClient {
    private static final int DIFF_LINES_SHOWN = 40;

    private final SessionConfig session;
    private final BufferedReader in;
    private final PrintStream out;
    private final HumanEventPrinter printer;
    /** Approval requests and turn ends, handed from the event thread to the keyboard thread. */
    private final BlockingQueue<Event> needsUser = new LinkedBlockingQueue<>();

    InteractiveClient(SessionConfig session, BufferedReader in, PrintStream out, boolean showReasoning) {
        this.session = session;
        this.in = in;
        this.out = out;
        this.printer = new HumanEventPrinter(out, showReasoning);
    }

    int run(String firstPrompt) throws Exception {
        AtomicBoolean turnRunning = new AtomicBoolean();
        int submissions = 0;
        try (LocalSession local = new LocalSession()) {
            CtrlC.install(() -> {
                out.println();
                if (turnRunning.get() && local.id() != null) {
                    out.println("interrupting… (Ctrl-C again at the prompt quits)");
                    local.submit(new Submission("interrupt", new Submission.Op.Interrupt()));
                } else {
                    System.exit(130);
                }
            });
            String sessionId;
            try {
                sessionId = local.open(session, null, this::onEvent).toCompletionStage().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                out.println("error: could not start the session: " + (e.getCause() != null ? e.getCause().getMessage() : e));
                return 1;
            }
            out.println("codex-vertx · model " + session.model() + " · approval " + session.approvalPolicy()
                    + " · sandbox " + String.join(", ", session.sandboxPermissions()));
            out.println("workdir " + session.cwd() + " · session " + sessionId);
            out.println("Type a task and press Enter; Ctrl-C interrupts a turn; /exit or Ctrl-D quits.");
            String prompt = firstPrompt;
            while (true) {
                if (prompt == null) {
                    out.print("\n› ");
                    out.flush();
                    prompt = in.readLine();
                    if (prompt == null || prompt.strip().equals("/exit") || prompt.strip().equals("/quit")) {
                        break;
                    }
                    if (prompt.isBlank()) {
                        prompt = null;
                        continue;
                    }
                } else {
                    out.println("› " + prompt);
                }
                turnRunning.set(true);
                local.submit(new Submission("input-" + (++submissions), Submission.Op.UserInput.text(prompt)));
                prompt = null;
                awaitTurnEnd(local);
                turnRunning.set(false);
            }
            local.submit(new Submission("bye", new Submission.Op.Shutdown()))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            return 0;
        }
    }

    private void onEvent(Event event) {
        printer.print(event);
        EventMsg msg = event.msg();
        if (msg instanceof EventMsg.ExecApprovalRequest || msg instanceof EventMsg.ApplyPatchApprovalRequest
                || msg instanceof EventMsg.TaskComplete || msg instanceof EventMsg.TurnAborted) {
            needsUser.add(event);
        }
    }

    /** Answers approval questions until the turn ends. */
    private void awaitTurnEnd(LocalSession local) throws Exception {
        while (true) {
            EventMsg msg = needsUser.take().msg();
            if (msg instanceof EventMsg.TaskComplete || msg instanceof EventMsg.TurnAborted) {
                return;
            }
            String callId;
            boolean isPatch = msg instanceof EventMsg.ApplyPatchApprovalRequest;
            if (msg instanceof EventMsg.ExecApprovalRequest r) {
                callId = r.callId();
                out.println();
                out.println("Allow this command?  " + ShellQuote.join(r.command()));
                out.println("  in " + r.cwd() + (r.reason() == null ? "" : "\n  (" + r.reason() + ")"));
            } else {
                EventMsg.ApplyPatchApprovalRequest r = (EventMsg.ApplyPatchApprovalRequest) msg;
                callId = r.callId();
                out.println();
                out.println("Apply this patch?" + (r.reason() == null ? "" : "  (" + r.reason() + ")"));
                r.changes().forEach((path, change) -> printChange(path, change));
            }
            String decision = askDecision();
            Submission answer = new Submission("approval-" + callId, isPatch
                    ? new Submission.Op.PatchApproval(callId, decision)
                    : new Submission.Op.ExecApproval(callId, decision));
            local.submit(answer);
        }
    }

    private void printChange(String path, EventMsg.FileChange change) {
        out.println("  " + change.kind() + " " + path + (change.movePath() != null ? " → " + change.movePath() : ""));
        String body = "update".equals(change.kind()) ? change.unifiedDiff()
                : change.content() == null ? "" : change.content().lines().map(l -> ("add".equals(change.kind()) ? "+" : "-") + l)
                        .reduce((a, b) -> a + "\n" + b).orElse("");
        String[] lines = body == null ? new String[0] : body.split("\n");
        for (int i = 0; i < Math.min(lines.length, DIFF_LINES_SHOWN); i++) {
            out.println("    " + lines[i]);
        }
        if (lines.length > DIFF_LINES_SHOWN) {
            out.println("    … (" + (lines.length - DIFF_LINES_SHOWN) + " more lines)");
        }
    }

    /** @return the decision's wire name; "abort" when the keyboard closed */
    private String askDecision() throws IOException {
        Map<String, String> answers = Map.of("y", "approved", "yes", "approved", "a", "approved_for_session",
                "always", "approved_for_session", "n", "denied", "no", "denied", "q", "abort", "abort", "abort");
        while (true) {
            out.print("[y] yes  [a] yes, and don't ask again this session  [n] no  [q] no, and stop the turn: ");
            out.flush();
            String line = in.readLine();
            if (line == null) {
                return "abort";
            }
            String decision = answers.get(line.strip().toLowerCase(Locale.ROOT));
            if (decision != null) {
                return decision;
            }
            out.println("Please answer y, a, n or q.");
        }
    }
}
