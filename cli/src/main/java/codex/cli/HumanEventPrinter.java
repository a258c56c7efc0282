package codex.cli;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import java.io.PrintStream;
import java.util.List;

/**
 * Human output of {@code codex exec}: progress on stderr (header, streamed text, each command
 * with its exit code and the head of its output), so stdout carries only the final message.
 */
public final class HumanEventPrinter {
    static final int OUTPUT_HEAD_LINES = 5;
    static final long PROGRESS_EVERY_MS = 10_000;
    private LiveOutput live;
    private final PrintStream err;
    private boolean midLine;
    private boolean streamedThisMessage;
    private final boolean showReasoning;
    private long tokensIn;
    private long tokensOut;
    private boolean shownError;

    public HumanEventPrinter(PrintStream err, boolean showReasoning) {
        this.err = err;
        this.showReasoning = showReasoning;
    }

    public void header(String model, String provider, String cwd, String approval, List<String> sandbox, String sessionId) {
        header(model, provider, cwd, approval, sandbox, "", sessionId);
    }

    /** @param sandboxSummary the sandbox mode and where it came from ("" to leave the line out) */
    public void header(String model, String provider, String cwd, String approval, List<String> sandbox,
                       String sandboxSummary, String sessionId) {
        err.println("codex-vertx exec");
        err.println("--------");
        err.println("model:     " + model);
        err.println("provider:  " + provider);
        err.println("workdir:   " + cwd);
        err.println("approval:  " + approval);
        if (!sandboxSummary.isEmpty()) {
            err.println("sandbox:   " + sandboxSummary);
            err.println("           " + String.join(", ", sandbox));
        } else {
            err.println("sandbox:   " + String.join(", ", sandbox));
        }
        err.println("session:   " + sessionId);
        err.println("--------");
    }

    public void prompt(String prompt) {
        err.println("user");
        err.println(prompt);
        err.println();
    }

    public void print(Event event) {
        EventMsg msg = event.msg();
        if (msg instanceof EventMsg.AgentMessageDelta d) {
            if (!streamedThisMessage) {
                endLine();
                err.println("codex");
            }
            streamedThisMessage = true;
            err.print(d.delta());
            midLine = !d.delta().endsWith("\n");
            err.flush();
        } else if (msg instanceof EventMsg.AgentMessage m) {
            if (!streamedThisMessage) {
                endLine();
                err.println("codex");
                err.println(m.message());
            }
            endLine();
            streamedThisMessage = false;
        } else if (msg instanceof EventMsg.AgentReasoning r) {
            if (showReasoning) {
                endLine();
                err.println("thinking");
                err.println(r.text());
            }
        } else if (msg instanceof EventMsg.ExecCommandBegin b) {
            endLine();
            err.println("exec " + ShellQuote.join(b.command()) + (b.sandboxed() ? "" : "   (outside the sandbox)")
                    + "  in " + b.cwd());
            live = new LiveOutput(event.ts());
        } else if (msg instanceof EventMsg.ExecCommandOutputDelta d) {
            if (live != null) {
                live.add(d.chunk(), event.ts());
            }
        } else if (msg instanceof EventMsg.ExecCommandEnd e) {
            String status = e.timedOut() ? "timed out" : "exit " + e.exitCode();
            String output = e.exitCode() == 0 ? e.stdout()
                    : (e.stderr() == null || e.stderr().isBlank() ? e.stdout() : e.stderr());
            if (live == null || live.lines == 0) {
                printHead(output); // no live output came (a quick command, or a front end that did not stream)
            } else {
                live.finish(event.ts());
                if (live.lines > live.shown) {
                    if (e.exitCode() != 0) {
                        printTail(output, live.lines - live.shown);
                    } else {
                        err.println("  │ … (" + (live.lines - live.shown) + " more lines)");
                    }
                }
            }
            live = null;
            err.println("  " + status + " · " + e.durationMs() + " ms" + (e.sandboxDenied() ? " · refused by the sandbox" : ""));
        } else if (msg instanceof EventMsg.PatchApplyBegin b) {
            endLine();
            err.println("apply_patch" + (b.autoApproved() ? " (auto-approved)" : ""));
            b.changes().forEach((path, change) -> err.println("  " + change.kind() + " " + path
                    + (change.movePath() != null ? " → " + change.movePath() : "")));
        } else if (msg instanceof EventMsg.PatchApplyEnd e) {
            err.println(e.success() ? "  patch applied" : "  patch failed: " + firstLine(e.stderr()));
        } else if (msg instanceof EventMsg.TokenCount t) {
            tokensIn += t.inputTokens();
            tokensOut += t.outputTokens();
        } else if (msg instanceof EventMsg.TaskComplete) {
            endLine();
            printTokens();
        } else if (msg instanceof EventMsg.BackgroundEvent b) {
            endLine();
            err.println("note: " + b.message());
        } else if (msg instanceof EventMsg.Error e) {
            endLine();
            err.println("ERROR: " + e.message());
            shownError = true;
        } else if (msg instanceof EventMsg.TurnAborted a) {
            endLine();
            if (!"error".equals(a.reason())) {
                err.println("turn aborted: " + a.reason().replace('_', ' '));
            }
            printTokens();
        }
        err.flush();
    }

    /**
     * A running command's output as it arrives: the first lines are shown at once, then a progress
     * line at most every {@link #PROGRESS_EVERY_MS} of output, so long builds visibly move.
     */
    private final class LiveOutput {
        private final long startedAt;
        private final StringBuilder partial = new StringBuilder();
        private long lastProgressAt;
        int lines;
        int shown;

        LiveOutput(long startedAt) {
            this.startedAt = startedAt;
            this.lastProgressAt = startedAt;
        }

        void add(String chunk, long ts) {
            partial.append(chunk);
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                line(partial.substring(0, nl), ts);
                partial.delete(0, nl + 1);
            }
        }

        void finish(long ts) {
            if (partial.length() > 0) {
                line(partial.toString(), ts);
                partial.setLength(0);
            }
        }

        private void line(String text, long ts) {
            lines++;
            if (shown < OUTPUT_HEAD_LINES) {
                shown++;
                err.println("  │ " + text);
            } else if (ts - lastProgressAt >= PROGRESS_EVERY_MS) {
                lastProgressAt = ts;
                err.println("  … running for " + (ts - startedAt) / 1000 + " s, " + lines + " lines of output so far");
            }
            err.flush();
        }
    }

    private void printTail(String output, int hidden) {
        String[] all = output == null ? new String[0] : output.split("\n");
        int from = Math.max(0, all.length - OUTPUT_HEAD_LINES);
        err.println("  │ … (" + hidden + " more lines; the last ones:)");
        for (int i = from; i < all.length; i++) {
            err.println("  │ " + all[i]);
        }
    }

    /** Whether an error event was already shown (so the caller need not repeat it). */
    public boolean shownError() {
        return shownError;
    }

    private void printTokens() {
        if (tokensIn + tokensOut > 0) {
            err.println("tokens used: " + (tokensIn + tokensOut) + " (in " + tokensIn + ", out " + tokensOut + ")");
        }
    }

    private void printHead(String output) {
        if (output == null || output.isBlank()) {
            return;
        }
        String[] lines = output.split("\n", -1);
        int n = lines.length;
        if (lines[n - 1].isEmpty()) {
            n--;
        }
        for (int i = 0; i < Math.min(n, OUTPUT_HEAD_LINES); i++) {
            err.println("  │ " + lines[i]);
        }
        if (n > OUTPUT_HEAD_LINES) {
            err.println("  │ … (" + (n - OUTPUT_HEAD_LINES) + " more lines)");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private void endLine() {
        if (midLine) {
            err.println();
            midLine = false;
        }
    }
}
