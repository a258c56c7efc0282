package codex.cli.tui;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Turns transcript text into screen lines at a given width: light markdown (bold, code spans,
 * fenced code), unified diffs, word wrapping. Plain functions so they are tested without a
 * terminal. With {@code colour} false only bold/dim/inverse are used (NO_COLOR, not a terminal).
 */
public final class Render {
    private final boolean colour;

    public Render(boolean colour) {
        this.colour = colour;
    }

    public AttributedStyle fg(int colourIndex) {
        return colour ? AttributedStyle.DEFAULT.foreground(colourIndex) : AttributedStyle.DEFAULT;
    }

    public AttributedStyle bold() {
        return AttributedStyle.BOLD;
    }

    public AttributedStyle dim() {
        return AttributedStyle.DEFAULT.faint();
    }

    /** Markdown-ish text: **bold**, `code`, ``` fenced blocks ```; wrapped to width with an indent. */
    public List<AttributedString> markdown(String text, int width, String indent) {
        List<AttributedString> out = new ArrayList<>();
        boolean inFence = false;
        for (String line : text.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                AttributedString code = new AttributedString(line, fg(AttributedStyle.CYAN));
                out.addAll(wrap(code, width, indent + "  ", false));
            } else {
                out.addAll(wrap(inline(line), width, indent, true));
            }
        }
        while (!out.isEmpty() && out.get(out.size() - 1).length() <= indent.length() && out.size() > 1
                && out.get(out.size() - 1).toString().isBlank()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** Inline markdown of one line: ** toggles bold, ` toggles a code span. */
    AttributedString inline(String line) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        boolean bold = false;
        boolean code = false;
        if (line.startsWith("#")) {
            String heading = line.replaceFirst("^#+\\s*", "");
            return new AttributedString(heading, AttributedStyle.BOLD);
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!code && c == '*' && i + 1 < line.length() && line.charAt(i + 1) == '*') {
                bold = !bold;
                i++;
                continue;
            }
            if (c == '`') {
                code = !code;
                continue;
            }
            AttributedStyle s = code ? fg(AttributedStyle.CYAN) : AttributedStyle.DEFAULT;
            if (bold) {
                s = s.bold();
            }
            b.style(s).append(c);
        }
        return b.toAttributedString();
    }

    /** A unified diff (or added/deleted file content), coloured per line, cut to width. */
    public List<AttributedString> diff(String body, int width, String indent) {
        List<AttributedString> out = new ArrayList<>();
        if (body == null) {
            return out;
        }
        for (String line : body.split("\n")) {
            AttributedStyle s;
            if (line.startsWith("+++") || line.startsWith("---")) {
                s = AttributedStyle.BOLD;
            } else if (line.startsWith("+")) {
                s = fg(AttributedStyle.GREEN);
            } else if (line.startsWith("-")) {
                s = fg(AttributedStyle.RED);
            } else if (line.startsWith("@@")) {
                s = fg(AttributedStyle.CYAN);
            } else {
                s = AttributedStyle.DEFAULT;
            }
            out.addAll(wrap(new AttributedString(line, s), width, indent, false));
        }
        return out;
    }

    /**
     * Wraps one styled line to width columns, each piece prefixed with indent. Word wrap breaks at
     * the last space that fits; a word longer than a line is cut.
     */
    public static List<AttributedString> wrap(AttributedString line, int width, String indent, boolean words) {
        List<AttributedString> out = new ArrayList<>();
        int room = Math.max(1, width - indent.length());
        AttributedString rest = line;
        do {
            int cut = Math.min(rest.columnLength(), room);
            AttributedString piece = rest.columnSubSequence(0, cut);
            int consumed = piece.length();
            if (words && consumed < rest.length()) {
                int space = piece.toString().lastIndexOf(' ');
                if (space > 0) {
                    piece = piece.subSequence(0, space);
                    consumed = space + 1;
                }
            }
            AttributedStringBuilder b = new AttributedStringBuilder().append(indent).append(piece);
            out.add(b.toAttributedString());
            rest = rest.subSequence(consumed, rest.length());
        } while (rest.length() > 0);
        return out;
    }

    /** Plain text wrapped in one style. */
    public List<AttributedString> text(String text, AttributedStyle style, int width, String indent) {
        List<AttributedString> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            out.addAll(wrap(new AttributedString(line, style), width, indent, true));
        }
        return out;
    }
}
