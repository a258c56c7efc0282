package codex.patch;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An apply_patch call the model made through the shell tool, recognised so the agent can apply (and ask approval
 * for) the patch itself instead of running a shell.
 *
 * @param patchText the patch argument or heredoc body, not yet parsed or validated
 * @param workdir   the directory of a leading {@code cd DIR &&}, exactly as written; null when there is none
 */
public record ApplyPatchInvocation(String patchText, String workdir) {
    private static final Set<String> COMMANDS = Set.of("apply_patch", "applypatch");
    private static final Set<String> SHELLS = Set.of("bash", "zsh", "sh");
    private static final Set<String> SHELL_FLAGS = Set.of("-lc", "-c");

    /**
     * Recognises {@code ["apply_patch", PATCH]}, {@code ["applypatch", PATCH]} and
     * {@code ["bash", "-lc" | "-c", SCRIPT]} (also zsh and sh) where SCRIPT is exactly one heredoc invocation,
     * optionally after {@code cd DIR &&}:
     * <pre>apply_patch &lt;&lt;'EOF'
     * *** Begin Patch
     * ...
     * *** End Patch
     * EOF</pre>
     * Anything else in the script (another command, a pipe, a redirection, an expansion in DIR) means it is not
     * recognised, so it runs as an ordinary shell command.
     */
    public static Optional<ApplyPatchInvocation> detect(List<String> argv) {
        if (argv == null) {
            return Optional.empty();
        }
        if (argv.size() == 2 && COMMANDS.contains(argv.get(0)) && argv.get(1) != null) {
            return Optional.of(new ApplyPatchInvocation(argv.get(1), null));
        }
        if (argv.size() == 3 && argv.get(0) != null && SHELLS.contains(baseName(argv.get(0)))
                && SHELL_FLAGS.contains(argv.get(1)) && argv.get(2) != null) {
            return new HeredocScript(argv.get(2)).parse();
        }
        return Optional.empty();
    }

    /** The directory the patch applies in: {@code workdir} resolved against the tool call's cwd. */
    public Path resolveWorkdir(Path cwd) {
        return workdir == null ? cwd : cwd.resolve(workdir).normalize();
    }

    private static String baseName(String program) {
        int slash = program.lastIndexOf('/');
        return slash < 0 ? program : program.substring(slash + 1);
    }

    /** A small scanner for the one shell script shape we accept; it rejects rather than guesses. */
    private static final class HeredocScript {
        private final String script;
        private int pos;

        HeredocScript(String script) {
            this.script = script;
        }

        Optional<ApplyPatchInvocation> parse() {
            skipWhitespace(true);
            String workdir = null;
            if (script.startsWith("cd", pos) && pos + 2 < script.length() && isBlank(script.charAt(pos + 2))) {
                pos += 2;
                skipWhitespace(false);
                workdir = word();
                if (workdir == null) {
                    return Optional.empty();
                }
                skipWhitespace(false);
                if (!script.startsWith("&&", pos)) {
                    return Optional.empty();
                }
                pos += 2;
                skipWhitespace(true);
            }
            String command = COMMANDS.stream().filter(c -> script.startsWith(c, pos)).findFirst().orElse(null);
            if (command == null) {
                return Optional.empty();
            }
            pos += command.length();
            skipWhitespace(false);
            if (!script.startsWith("<<", pos)) {
                return Optional.empty();
            }
            pos += 2;
            boolean stripTabs = script.startsWith("-", pos);
            if (stripTabs) {
                pos++;
            }
            skipWhitespace(false);
            String delimiter = delimiter();
            if (delimiter == null) {
                return Optional.empty();
            }
            skipWhitespace(false);
            if (!script.startsWith("\n", pos)) {
                return Optional.empty(); // something else follows on the command line: not just apply_patch
            }
            pos++;
            StringBuilder body = new StringBuilder();
            while (pos < script.length()) {
                int newline = script.indexOf('\n', pos);
                int stop = newline < 0 ? script.length() : newline;
                String line = script.substring(pos, stop);
                pos = newline < 0 ? script.length() : newline + 1;
                if (stripTabs) {
                    line = line.replaceFirst("^\t+", "");
                }
                if (line.equals(delimiter)) {
                    skipWhitespace(true);
                    if (pos != script.length()) {
                        return Optional.empty(); // more commands after the heredoc
                    }
                    return Optional.of(new ApplyPatchInvocation(body.toString(), workdir));
                }
                body.append(line).append('\n');
            }
            return Optional.empty(); // unterminated heredoc
        }

        private void skipWhitespace(boolean newlines) {
            while (pos < script.length()
                    && (isBlank(script.charAt(pos)) || newlines && script.charAt(pos) == '\n')) {
                pos++;
            }
        }

        private static boolean isBlank(char c) {
            return c == ' ' || c == '\t';
        }

        /** A cd argument that the shell would not expand: 'quoted', "quoted without $ ` \", or plain characters. */
        private String word() {
            if (pos >= script.length()) {
                return null;
            }
            char first = script.charAt(pos);
            if (first == '\'' || first == '"') {
                int close = script.indexOf(first, pos + 1);
                if (close < 0) {
                    return null;
                }
                String value = script.substring(pos + 1, close);
                if (value.isEmpty() || value.indexOf('\n') >= 0
                        || first == '"' && (value.indexOf('$') >= 0 || value.indexOf('`') >= 0
                        || value.indexOf('\\') >= 0)) {
                    return null;
                }
                pos = close + 1;
                return value;
            }
            int start = pos;
            while (pos < script.length() && isPlainWordChar(script.charAt(pos))) {
                pos++;
            }
            // '~' and '-' would be expanded or taken as options by cd.
            if (pos == start || first == '~' || first == '-') {
                return null;
            }
            if (pos < script.length() && !isBlank(script.charAt(pos)) && !script.startsWith("&&", pos)) {
                return null; // a character we do not understand ($, `, \, ;, |, ...)
            }
            return script.substring(start, pos);
        }

        private static boolean isPlainWordChar(char c) {
            return Character.isLetterOrDigit(c) || "_./-+,:@%=~".indexOf(c) >= 0;
        }

        /** EOF, 'EOF' or "EOF" (any name of word characters). */
        private String delimiter() {
            if (pos >= script.length()) {
                return null;
            }
            char quote = script.charAt(pos);
            boolean quoted = quote == '\'' || quote == '"';
            int start = quoted ? pos + 1 : pos;
            int end = start;
            while (end < script.length() && (Character.isLetterOrDigit(script.charAt(end))
                    || script.charAt(end) == '_')) {
                end++;
            }
            if (end == start) {
                return null;
            }
            if (quoted) {
                if (end >= script.length() || script.charAt(end) != quote) {
                    return null;
                }
                pos = end + 1;
            } else {
                pos = end;
            }
            return script.substring(start, end);
        }
    }
}
