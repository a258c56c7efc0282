package codex.execpolicy;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The known-safe (read-only) commands: the ones that may run without asking the user under every
 * approval policy. The list follows OpenAI Codex: a handful of programs that only read, plus
 * {@code find}, {@code rg}, {@code sed -n} and a few {@code git} subcommands with the options that
 * write files or start other programs taken out. A shell wrapper ({@code bash -lc "…"} and friends)
 * is safe only when its script is a plain list of safe commands, see {@link ShellScript}.
 *
 * <p>Program names are matched exactly: {@code /bin/ls} or {@code ./ls} is not {@code ls}, because a
 * path can point at anything.
 */
public final class SafeCommands {

    /** Programs with no option that writes files or runs another program. */
    private static final Set<String> ALWAYS_SAFE = Set.of(
            "cat", "cd", "echo", "false", "grep", "head", "ls", "nl", "pwd", "tail", "true", "wc", "which");

    private static final Set<String> UNSAFE_FIND_OPTIONS = Set.of(
            "-exec", "-execdir", "-ok", "-okdir", // run programs
            "-delete", // deletes
            "-fls", "-fprint", "-fprint0", "-fprintf"); // write files

    private static final Set<String> READ_ONLY_GIT_SUBCOMMANDS = Set.of("status", "log", "diff", "show", "branch");

    /** {@code git branch} flags that only list; anything else (delete, move, copy, track…) changes refs. */
    private static final Set<String> GIT_BRANCH_LISTING_FLAGS = Set.of(
            "-a", "--all", "-r", "--remotes", "-v", "-vv", "--verbose", "-l", "--list", "--show-current",
            "--color", "--no-color", "--column", "--no-column", "-i", "--ignore-case", "--no-abbrev",
            "--contains", "--no-contains", "--merged", "--no-merged", "--omit-empty");

    /** {@code git branch} flags allowed in their {@code --flag=value} form. */
    private static final Set<String> GIT_BRANCH_LISTING_VALUE_FLAGS = Set.of(
            "--color", "--column", "--abbrev", "--contains", "--no-contains", "--merged", "--no-merged",
            "--points-at", "--sort", "--format");

    private static final Set<String> SHELLS = Set.of(
            "bash", "sh", "zsh", "/bin/bash", "/bin/sh", "/bin/zsh", "/usr/bin/bash", "/usr/bin/sh", "/usr/bin/zsh");

    private static final Set<String> SHELL_SCRIPT_FLAGS = Set.of("-c", "-lc");

    private SafeCommands() {
    }

    /**
     * Whether {@code argv} only reads: either a known-safe command run directly, or a shell wrapper
     * ({@code bash|sh|zsh -c|-lc SCRIPT}) whose script is a plain list of known-safe commands.
     */
    public static boolean isKnownSafe(List<String> argv) {
        if (argv == null || argv.isEmpty()) {
            return false;
        }
        for (String word : argv) {
            if (word == null) {
                return false; // (List.of(...).contains(null) would throw, so check by hand)
            }
        }
        if (isSafeToExec(argv)) {
            return true;
        }
        return shellScriptOf(argv)
                .flatMap(ShellScript::parse)
                .map(commands -> commands.stream().allMatch(SafeCommands::isSafeScriptCommand))
                .orElse(false);
    }

    /** The script of a {@code bash -lc SCRIPT}-style argv, or empty when argv is not that shape. */
    public static Optional<String> shellScriptOf(List<String> argv) {
        if (argv.size() == 3 && SHELLS.contains(argv.get(0)) && SHELL_SCRIPT_FLAGS.contains(argv.get(1))) {
            return Optional.ofNullable(argv.get(2));
        }
        return Optional.empty();
    }

    private static boolean isSafeScriptCommand(ShellScript.Command command) {
        ShellScript.Word program = command.words().get(0);
        if (program.expands()) {
            return false;
        }
        if (ALWAYS_SAFE.contains(program.text())) {
            return true; // no argument can make these write, so globs are harmless
        }
        // The remaining programs are safe only because of what their arguments are not; a glob could
        // expand to a file named like an option (e.g. "-i" for sed), so every word must be literal.
        return !command.anyWordExpands() && isSafeToExec(command.argv());
    }

    private static boolean isSafeToExec(List<String> argv) {
        String program = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        if (ALWAYS_SAFE.contains(program)) {
            return true;
        }
        return switch (program) {
            case "find" -> args.stream().noneMatch(UNSAFE_FIND_OPTIONS::contains);
            case "rg" -> args.stream().noneMatch(SafeCommands::isUnsafeRipgrepOption);
            case "sed" -> SedPrintOnly.isPrintOnly(args);
            case "git" -> isReadOnlyGit(args);
            default -> false;
        };
    }

    private static boolean isUnsafeRipgrepOption(String arg) {
        if (arg.startsWith("--")) {
            String name = longOptionName(arg);
            // --pre and --hostname-bin run programs; --search-zip runs decompressors.
            return isAbbreviationOf(name, "pre") || isAbbreviationOf(name, "hostname-bin")
                    || isAbbreviationOf(name, "search-zip");
        }
        // -z is --search-zip; short flags can be bundled (-iz), so any z in a cluster counts.
        return arg.startsWith("-") && arg.length() > 1 && arg.indexOf('z') > 0;
    }

    private static boolean isReadOnlyGit(List<String> args) {
        // args.get(0) must be the subcommand itself: any global option before it (-c, -C, --git-dir,
        // --exec-path, --no-pager…) can change what git runs or where it writes.
        if (args.isEmpty() || !READ_ONLY_GIT_SUBCOMMANDS.contains(args.get(0))) {
            return false;
        }
        List<String> rest = args.subList(1, args.size());
        for (String arg : rest) {
            if (arg.equals("--")) {
                break; // what follows are paths
            }
            if (arg.startsWith("--")) {
                String name = longOptionName(arg);
                // git accepts unambiguous abbreviations of long options, so --out=x is --output=x.
                if (isAbbreviationOf(name, "output") || isAbbreviationOf(name, "ext-diff")) {
                    return false;
                }
            }
        }
        return !args.get(0).equals("branch") || isListingGitBranch(rest);
    }

    private static boolean isListingGitBranch(List<String> args) {
        boolean explicitList = args.contains("-l") || args.contains("--list");
        boolean afterDoubleDash = false;
        for (String arg : args) {
            if (!afterDoubleDash && arg.equals("--")) {
                afterDoubleDash = true;
                continue;
            }
            if (!afterDoubleDash && arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                boolean allowed = eq < 0
                        ? GIT_BRANCH_LISTING_FLAGS.contains(arg)
                        : GIT_BRANCH_LISTING_VALUE_FLAGS.contains(arg.substring(0, eq));
                if (!allowed) {
                    return false;
                }
            } else if (!explicitList) {
                return false; // without --list, a bare name creates a branch
            }
        }
        return true;
    }

    private static String longOptionName(String arg) {
        int eq = arg.indexOf('=');
        return eq < 0 ? arg.substring(2) : arg.substring(2, eq);
    }

    private static boolean isAbbreviationOf(String name, String option) {
        return !name.isEmpty() && option.startsWith(name);
    }
}
