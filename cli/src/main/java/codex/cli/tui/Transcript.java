package codex.cli.tui;

import codex.cli.ShellQuote;
import codex.protocol.EventMsg;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** What the conversation looks like so far, as entries that render themselves at any width. */
public final class Transcript {
    static final int OUTPUT_TAIL_LINES = 5;

    public interface Entry {
        List<AttributedString> lines(int width, Render r, boolean expanded);
    }

    public record Prompt(String text) implements Entry {
        public List<AttributedString> lines(int width, Render r, boolean expanded) {
            List<AttributedString> out = new ArrayList<>();
            out.add(AttributedString.EMPTY);
            List<AttributedString> body = r.text(text, AttributedStyle.BOLD, width, "  ");
            AttributedStringBuilder first = new AttributedStringBuilder().style(r.fg(AttributedStyle.CYAN).bold()).append("› ");
            first.append(body.get(0).subSequence(2, body.get(0).length()));
            out.add(first.toAttributedString());
            out.addAll(body.subList(1, body.size()));
            return out;
        }
    }

    /** Agent text, streamed: grows with each delta. */
    public static final class AgentText implements Entry {
        final StringBuilder text = new StringBuilder();

        public AgentText(String initial) {
            text.append(initial);
        }

        public void append(String delta) {
            text.append(delta);
        }

        public void replace(String full) {
            text.setLength(0);
            text.append(full);
        }

        public List<AttributedString> lines(int width, Render r, boolean expanded) {
            List<AttributedString> out = new ArrayList<>();
            out.add(AttributedString.EMPTY);
            out.add(new AttributedString("codex", r.fg(AttributedStyle.MAGENTA).bold()));
            out.addAll(r.markdown(text.toString(), width, "  "));
            return out;
        }
    }

    public record Reasoning(String text) implements Entry {
        public List<AttributedString> lines(int width, Render r, boolean expanded) {
            List<AttributedString> out = new ArrayList<>();
            out.add(AttributedString.EMPTY);
            out.add(new AttributedString("thinking", r.dim().italic()));
            out.addAll(r.text(text, r.dim().italic(), width, "  "));
            return out;
        }
    }

    /** A note from the client itself (slash command answers, denials, interrupts). */
    public record Note(String text, int colour) implements Entry {
        public List<AttributedString> lines(int width, Render r, boolean expanded) {
            return r.text(text, colour == -1 ? r.dim() : colour < 0 ? AttributedStyle.DEFAULT : r.fg(colour), width, "");
        }
    }

    /** The last command in the transcript (the one Ctrl-O expands), or null. */
    static Command lastCommand(List<Entry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i) instanceof Command c) {
                return c;
            }
        }
        return null;
    }

    /**
     * An event this client has no renderer for (a newer agent's type, or a known one it does not
     * draw): one dimmed line, {@code [type] summary}, cut to the width; control characters in what
     * the agent sent are made visible so they cannot move the cursor or change colours.
     */
    public record Generic(String type, String summary) implements Entry {
        static final int SUMMARY_CHARS = 120;

        public static Generic of(EventMsg msg) {
            com.fasterxml.jackson.databind.JsonNode json;
            try {
                json = msg instanceof EventMsg.Unknown u ? u.raw() : codex.protocol.Json.MAPPER.valueToTree(msg);
            } catch (RuntimeException e) {
                json = null;
            }
            return new Generic(EventMsg.typeName(msg), summarize(json));
        }

        /** Top-level fields but type as key=value (scalars as they are, objects and arrays as {…}/[n]). */
        static String summarize(com.fasterxml.jackson.databind.JsonNode json) {
            if (json == null || !json.isObject()) {
                return json == null ? "" : json.toString();
            }
            StringBuilder b = new StringBuilder();
            var fields = json.fields();
            while (fields.hasNext() && b.length() < SUMMARY_CHARS) {
                var f = fields.next();
                if ("type".equals(f.getKey()) || f.getValue().isNull()) {
                    continue;
                }
                var v = f.getValue();
                String shown = v.isObject() ? "{…}" : v.isArray() ? "[" + v.size() + "]" : v.asText();
                b.append(b.length() == 0 ? "" : " ").append(f.getKey()).append('=').append(shown);
            }
            String s = visible(b.toString());
            return s.length() > SUMMARY_CHARS ? s.substring(0, SUMMARY_CHARS - 1) + "…" : s;
        }

        static String visible(String s) {
            StringBuilder b = new StringBuilder(s.length());
            s.codePoints().forEach(c -> {
                if (c == '\n' || c == '\r' || c == '\t') {
                    b.append(' ');
                } else if (Character.isISOControl(c)) {
                    b.append('?');
                } else {
                    b.appendCodePoint(c);
                }
            });
            return b.toString();
        }

        public List<AttributedString> lines(int width, Render r, boolean expanded) {
            String line = "[" + visible(type) + "]" + (summary.isEmpty() ? "" : " " + summary);
            AttributedString a = new AttributedString(line, r.dim());
            if (a.columnLength() > width) {
                a = new AttributedStringBuilder().append(a.columnSubSequence(0, Math.max(0, width - 1)))
                        .style(r.dim()).append("…").toAttributedString();
            }
            return List.of(a);
        }
    }

    public static final class Command implements Entry {
        final List<String> command;
        final boolean sandboxed;
        final StringBuilder output = new StringBuilder();
        Integer exitCode;
        long durationMs;
        boolean killed;
        /** This command's whole output is shown instead of its tail (Ctrl-O on the last command). */
        boolean expanded;

        public Command(List<String> command, boolean sandboxed) {
            this.command = command;
            this.sandboxed = sandboxed;
        }

        public void output(String chunk) {
            output.append(chunk);
        }

        public void end(int exitCode, long durationMs, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.durationMs = durationMs;
            if (output.length() == 0) {
                output.append(stdout == null ? "" : stdout).append(stderr == null ? "" : stderr);
            }
        }

        public void toggleExpanded() {
            expanded = !expanded;
        }

        public void killed() {
            // ended by a signal (the interrupt's kill) or still running when the turn was stopped
            if (exitCode == null || exitCode >= 128) {
                killed = true;
            }
        }

        public List<AttributedString> lines(int width, Render r, boolean expanded) {
            List<AttributedString> out = new ArrayList<>();
            out.add(AttributedString.EMPTY);
            AttributedStringBuilder head = new AttributedStringBuilder();
            if (killed) {
                head.style(r.fg(AttributedStyle.RED)).append("■ killed ");
            } else if (exitCode == null) {
                head.style(r.fg(AttributedStyle.YELLOW)).append("• running ");
            } else if (exitCode == 0) {
                head.style(r.fg(AttributedStyle.GREEN)).append("✓ ran ");
            } else {
                head.style(r.fg(AttributedStyle.RED)).append("✗ exit " + exitCode + " ");
            }
            head.style(AttributedStyle.BOLD).append(ShellQuote.join(command));
            head.style(r.dim());
            if (exitCode != null) {
                head.append("  " + formatDuration(durationMs));
            }
            if (!sandboxed) {
                head.append("  (outside the sandbox)");
            }
            out.addAll(Render.wrap(head.toAttributedString(), width, "", true));
            String[] lines = output.toString().split("\n");
            int total = output.length() == 0 ? 0 : lines.length;
            boolean all = expanded || this.expanded;
            int from = all ? 0 : Math.max(0, total - OUTPUT_TAIL_LINES);
            if (from > 0) {
                out.add(new AttributedString("  … " + from + " earlier lines (Ctrl-O on the last command shows all)", r.dim()));
            }
            for (int i = from; i < total; i++) {
                out.addAll(Render.wrap(new AttributedString(lines[i], r.dim()), width, "  | ", false));
            }
            if (this.expanded && total > OUTPUT_TAIL_LINES) {
                out.add(new AttributedString("  (all " + total + " lines; Ctrl-O shows the tail again)", r.dim()));
            }
            return out;
        }
    }

    /** A patch: applied, waiting or denied, shown as a coloured diff per file. */
    public static final class Patch implements Entry {
        final Map<String, EventMsg.FileChange> changes;
        String status;

        public Patch(Map<String, EventMsg.FileChange> changes, String status) {
            this.changes = changes;
            this.status = status;
        }

        public void status(String status) {
            this.status = status;
        }

        public List<AttributedString> lines(int width, Render r, boolean expanded) {
            List<AttributedString> out = new ArrayList<>();
            out.add(AttributedString.EMPTY);
            out.add(new AttributedString(status, status.startsWith("✗") ? r.fg(AttributedStyle.RED) : r.fg(AttributedStyle.GREEN)));
            changes.forEach((path, change) -> out.addAll(fileChange(path, change, width, r)));
            return out;
        }
    }

    static List<AttributedString> fileChange(String path, EventMsg.FileChange change, int width, Render r) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedString("  " + change.kind() + " " + path
                + (change.movePath() != null ? " → " + change.movePath() : ""), AttributedStyle.BOLD));
        String body = "update".equals(change.kind()) ? change.unifiedDiff()
                : change.content() == null ? "" : prefixLines(change.content(), "add".equals(change.kind()) ? "+" : "-");
        out.addAll(r.diff(body, width, "    "));
        return out;
    }

    static String prefixLines(String content, String prefix) {
        StringBuilder b = new StringBuilder();
        content.lines().forEach(l -> b.append(prefix).append(l).append('\n'));
        return b.toString();
    }

    public static String formatDuration(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return (ms / 60_000) + "m" + String.format(java.util.Locale.ROOT, "%02ds", (ms / 1000) % 60);
    }
}
