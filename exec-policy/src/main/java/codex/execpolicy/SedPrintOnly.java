package codex.execpolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Recognises {@code sed -n} invocations whose script only prints lines chosen by number, such as
 * {@code sed -n 1,5p file} or {@code sed -n '10p;$p'}. sed scripts can write files ({@code w},
 * {@code s///w}) and run commands ({@code e}), so instead of listing the bad commands we accept
 * only this small grammar:
 *
 * <pre>
 *   script  := command ( (';' | newline) command )*
 *   command := [address [',' address]] 'p'  |  empty   (blanks allowed around each command)
 *   address := digits | '$'
 * </pre>
 */
final class SedPrintOnly {

    private SedPrintOnly() {
    }

    /** {@code args} are sed's arguments (without the program name). */
    static boolean isPrintOnly(List<String> args) {
        boolean quiet = false;
        boolean scriptFromOption = false;
        List<String> scripts = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!optionsEnded && arg.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && arg.startsWith("-") && !arg.equals("-")) {
                // GNU sed reads options anywhere on the line, so "sed -n 1p f -i" would edit f in
                // place: every option, wherever it stands, must be one we know.
                switch (arg) {
                    case "-n", "--quiet", "--silent" -> quiet = true;
                    case "-e" -> {
                        if (i + 1 >= args.size()) {
                            return false;
                        }
                        scripts.add(args.get(++i));
                        scriptFromOption = true;
                    }
                    default -> {
                        if (arg.startsWith("--expression=")) {
                            scripts.add(arg.substring("--expression=".length()));
                            scriptFromOption = true;
                        } else {
                            return false; // -i, -f, -s, --in-place, -E… or anything unknown
                        }
                    }
                }
            } else if (!scriptFromOption && scripts.isEmpty()) {
                scripts.add(arg); // the first operand is the script unless -e gave one
            }
            // other operands are input files, which sed only reads
        }
        return quiet && !scripts.isEmpty() && scripts.stream().allMatch(SedPrintOnly::isPrintScript);
    }

    static boolean isPrintScript(String script) {
        String[] commands = script.split("[;\n]", -1);
        for (String command : commands) {
            if (!isPrintCommand(stripBlanks(command))) {
                return false;
            }
        }
        return true;
    }

    /** Only the blanks sed itself skips; any other character must be part of the grammar. */
    private static String stripBlanks(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isBlank(text.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isPrintCommand(String command) {
        if (command.isEmpty()) {
            return true; // an empty command, as in "1p;" — sed ignores it
        }
        if (!command.endsWith("p")) {
            return false;
        }
        String range = stripBlanks(command.substring(0, command.length() - 1));
        if (range.isEmpty()) {
            return true; // plain p: print every line
        }
        int comma = range.indexOf(',');
        if (comma < 0) {
            return isAddress(range);
        }
        return isAddress(stripBlanks(range.substring(0, comma))) && isAddress(stripBlanks(range.substring(comma + 1)));
    }

    private static boolean isAddress(String text) {
        return text.equals("$") || (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9'));
    }
}
