package codex.patch;

import java.util.ArrayList;
import java.util.List;

/**
 * A text file seen as lines, plus the details needed to write it back the same way: a UTF-8 byte order mark, CRLF
 * line endings (only when every line break is CRLF) and whether the last line had a line break.
 */
final class TextLines {
    private static final char BOM = '\uFEFF';

    final List<String> lines;
    final boolean byteOrderMark;
    final String lineBreak;
    final boolean endsWithLineBreak;

    private TextLines(List<String> lines, boolean byteOrderMark, String lineBreak, boolean endsWithLineBreak) {
        this.lines = lines;
        this.byteOrderMark = byteOrderMark;
        this.lineBreak = lineBreak;
        this.endsWithLineBreak = endsWithLineBreak;
    }

    static TextLines of(String text) {
        boolean bom = !text.isEmpty() && text.charAt(0) == BOM;
        if (bom) {
            text = text.substring(1);
        }
        String lineBreak = usesCrlfOnly(text) ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int at = text.indexOf(lineBreak, start);
            if (at < 0) {
                lines.add(text.substring(start));
                break;
            }
            lines.add(text.substring(start, at));
            start = at + lineBreak.length();
        }
        // "a\nb\n" splits into [a, b, ""]: the empty tail is the final line break, not a line.
        boolean endsWithLineBreak = lines.get(lines.size() - 1).isEmpty();
        if (endsWithLineBreak) {
            lines.remove(lines.size() - 1);
        }
        return new TextLines(lines, bom, lineBreak, endsWithLineBreak || lines.isEmpty());
    }

    private static boolean usesCrlfOnly(String text) {
        int newline = text.indexOf('\n');
        if (newline < 0) {
            return false;
        }
        for (; newline >= 0; newline = text.indexOf('\n', newline + 1)) {
            if (newline == 0 || text.charAt(newline - 1) != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Joins {@code newLines} in this file's style; every non-empty result ends with a line break, like Codex. */
    String render(List<String> newLines) {
        StringBuilder out = new StringBuilder();
        if (byteOrderMark) {
            out.append(BOM);
        }
        for (String line : newLines) {
            out.append(line).append(lineBreak);
        }
        return out.toString();
    }

    /** Unicode-aware trim: also strips no-break spaces, which {@link String#strip()} keeps. */
    static String trim(String s) {
        return trimEnd(trimStart(s));
    }

    static String trimEnd(String s) {
        int stop = s.length();
        while (stop > 0 && isSpace(s.charAt(stop - 1))) {
            stop--;
        }
        return s.substring(0, stop);
    }

    static String trimStart(String s) {
        int start = 0;
        while (start < s.length() && isSpace(s.charAt(start))) {
            start++;
        }
        return s.substring(start);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }
}
