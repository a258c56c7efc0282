package codex.execpolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A deliberately small parser for the scripts models pass to {@code bash -lc "…"}. It accepts only
 * a list of simple commands joined by {@code &&}, {@code ||}, {@code ;}, {@code |} or newlines, made
 * of plain words (quoted or not). Anything else — redirections, substitutions, parameter expansion,
 * subshells, groups, brace expansion, background jobs, comments, history/negation {@code !} — makes
 * {@link #parse} return empty, because a command we cannot fully read must not be called safe.
 *
 * <p>Quoting follows POSIX shells: single quotes are literal; inside double quotes a backslash
 * escapes only {@code $ ` " \} and newline, and an unescaped {@code $} or backtick is rejected;
 * outside quotes a backslash makes the next character literal and backslash-newline joins lines.
 */
public final class ShellScript {

    /**
     * One shell word after quote removal.
     *
     * @param text    the word as the command will receive it, unless {@code expands} is true
     * @param expands true when the shell may still rewrite the word at run time (an unquoted glob
     *                character {@code * ? [}, a tilde, or zsh's leading {@code =}): such a word can
     *                turn into any file name in the directory, including one that looks like an option
     */
    public record Word(String text, boolean expands) {
    }

    /** One simple command: its words in order (the first is the program name). Never empty. */
    public record Command(List<Word> words) {
        public Command {
            words = List.copyOf(words);
        }

        /** The words' text, i.e. the argv the command would get if nothing expands. */
        public List<String> argv() {
            return words.stream().map(Word::text).toList();
        }

        public boolean anyWordExpands() {
            return words.stream().anyMatch(Word::expands);
        }
    }

    private ShellScript() {
    }

    /**
     * Splits {@code script} into its simple commands, or returns empty when the script uses any
     * construct outside the plain command-list subset described on the class (or is empty).
     */
    public static Optional<List<Command>> parse(String script) {
        if (script == null) {
            return Optional.empty();
        }
        return new Parser(script).run();
    }

    private static final class Parser {
        private final String src;
        private int pos;
        private final List<Command> commands = new ArrayList<>();
        private final List<Word> currentWords = new ArrayList<>();
        private final StringBuilder wordText = new StringBuilder();
        private boolean inWord;
        private boolean wordExpands;
        /** After && || |, another command must follow (newlines may come first). */
        private boolean commandRequired;

        Parser(String src) {
            this.src = src;
        }

        Optional<List<Command>> run() {
            while (pos < src.length()) {
                char c = src.charAt(pos);
                boolean ok = switch (c) {
                    case '\'' -> singleQuoted();
                    case '"' -> doubleQuoted();
                    case '\\' -> backslash();
                    case ' ', '\t' -> {
                        endWord();
                        pos++;
                        yield true;
                    }
                    case '\n' -> newline();
                    case ';' -> semicolon();
                    case '&' -> ampersand();
                    case '|' -> bar();
                    // Redirections, substitutions, expansions, subshells, groups, brace expansion,
                    // comments and negation: none of them belong to the subset we can vouch for.
                    case '<', '>', '(', ')', '`', '$', '{', '}', '#', '!' -> false;
                    case '*', '?', '[' -> {
                        wordExpands = true;
                        yield literal(c);
                    }
                    case '~' -> {
                        wordExpands = true;
                        yield literal(c);
                    }
                    case '=' -> {
                        if (!inWord) {
                            wordExpands = true; // zsh replaces a leading =name with a path
                        }
                        yield literal(c);
                    }
                    default -> literal(c);
                };
                if (!ok) {
                    return Optional.empty();
                }
            }
            endWord();
            if (!currentWords.isEmpty()) {
                endCommand();
            } else if (commandRequired) {
                return Optional.empty(); // the script ends with && || or |
            }
            return commands.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(commands));
        }

        private boolean literal(char c) {
            wordText.append(c);
            inWord = true;
            pos++;
            return true;
        }

        private boolean singleQuoted() {
            int close = src.indexOf('\'', pos + 1);
            if (close < 0) {
                return false;
            }
            wordText.append(src, pos + 1, close);
            inWord = true;
            pos = close + 1;
            return true;
        }

        private boolean doubleQuoted() {
            int i = pos + 1;
            while (i < src.length()) {
                char c = src.charAt(i);
                if (c == '"') {
                    inWord = true;
                    pos = i + 1;
                    return true;
                }
                if (c == '$' || c == '`') {
                    return false; // expansion or substitution inside double quotes
                }
                if (c == '\\') {
                    if (i + 1 >= src.length()) {
                        return false;
                    }
                    char next = src.charAt(i + 1);
                    if (next == '$' || next == '`' || next == '"' || next == '\\') {
                        wordText.append(next);
                        i += 2;
                    } else if (next == '\n') {
                        i += 2; // line continuation
                    } else {
                        wordText.append('\\'); // any other backslash stays literal
                        i += 1;
                    }
                    continue;
                }
                wordText.append(c);
                i++;
            }
            return false; // unterminated
        }

        private boolean backslash() {
            if (pos + 1 >= src.length()) {
                return false;
            }
            char next = src.charAt(pos + 1);
            pos += 2;
            if (next == '\n') {
                return true; // line continuation: neither a character nor a word break
            }
            wordText.append(next);
            inWord = true;
            return true;
        }

        private boolean newline() {
            endWord();
            pos++;
            if (!currentWords.isEmpty()) {
                endCommand();
            }
            // An empty line, or a newline right after && || |, simply continues.
            return true;
        }

        private boolean semicolon() {
            endWord();
            if (currentWords.isEmpty()) {
                return false; // `; ls`, `ls && ;`, and `;;` are all outside the subset
            }
            endCommand();
            pos++;
            return true;
        }

        private boolean ampersand() {
            if (pos + 1 < src.length() && src.charAt(pos + 1) == '&') {
                return binaryOperator(2);
            }
            return false; // background job, &> or >&
        }

        private boolean bar() {
            if (pos + 1 < src.length() && src.charAt(pos + 1) == '|') {
                return binaryOperator(2);
            }
            if (pos + 1 < src.length() && src.charAt(pos + 1) == '&') {
                return false; // |& also pipes stderr; keep the subset small
            }
            return binaryOperator(1);
        }

        private boolean binaryOperator(int length) {
            endWord();
            if (currentWords.isEmpty()) {
                return false; // nothing on the left-hand side
            }
            endCommand();
            commandRequired = true;
            pos += length;
            return true;
        }

        private void endWord() {
            if (inWord) {
                currentWords.add(new Word(wordText.toString(), wordExpands));
            }
            wordText.setLength(0);
            inWord = false;
            wordExpands = false;
        }

        private void endCommand() {
            commands.add(new Command(currentWords));
            currentWords.clear();
            commandRequired = false;
        }
    }
}
