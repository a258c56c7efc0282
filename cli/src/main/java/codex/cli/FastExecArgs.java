package codex.cli;

import java.nio.file.Path;

/**
 * The common {@code codex exec} command lines read without picocli, which costs a tenth of a
 * second or more at every start (its classes are Java 5 class files that class-data sharing on
 * Java 17 cannot archive, and it introspects every subcommand's annotations). It knows only what
 * users type most: the exec options with a separate or {@code =} value, the flags, one prompt,
 * {@code --}. Anything else (help, version, {@code resume}, {@code @files}, attached short values,
 * an option given twice that picocli would refuse, a value that looks like an option, an unknown
 * option) returns null, and picocli reads the line as always: the result is the same either way
 * ({@code FastExecArgsTest} compares the two field by field).
 */
final class FastExecArgs {
    private FastExecArgs() {
    }

    /** The parsed command, or null when picocli must read this line. */
    static ExecCommand parse(String[] args) {
        if (args.length == 0 || !(args[0].equals("exec") || args[0].equals("e"))) {
            return null;
        }
        ExecCommand c = new ExecCommand();
        boolean positionalOnly = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (positionalOnly || !arg.startsWith("-") || arg.equals("-")) {
                if (arg.startsWith("@") || c.prompt != null || (!positionalOnly && arg.equals("resume"))) {
                    return null;
                }
                c.prompt = arg;
                continue;
            }
            if (arg.equals("--")) {
                positionalOnly = true;
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--full-auto" -> {
                    if (value != null || c.fullAuto) {
                        return null;
                    }
                    c.fullAuto = true;
                    continue;
                }
                case "--skip-git-repo-check" -> {
                    if (value != null || c.skipGitRepoCheck) {
                        return null;
                    }
                    c.skipGitRepoCheck = true;
                    continue;
                }
                case "--yolo", "--dangerously-bypass-approvals-and-sandbox" -> {
                    if (value != null || c.yolo) {
                        return null;
                    }
                    c.yolo = true;
                    continue;
                }
                case "--json" -> {
                    if (c.jsonFormat != null || (value != null && value.isEmpty())) {
                        return null;
                    }
                    c.jsonFormat = value != null ? value : "codex";
                    continue;
                }
                default -> {
                    // an option with a value, below
                }
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("-") || args[i + 1].startsWith("@")) {
                    return null;
                }
                value = args[++i];
            }
            switch (name) {
                case "-m", "--model" -> {
                    if (c.model != null) {
                        return null;
                    }
                    c.model = value;
                }
                case "-C", "--cd" -> {
                    if (c.cd != null) {
                        return null;
                    }
                    c.cd = Path.of(value);
                }
                case "-p", "--profile" -> {
                    if (c.profile != null) {
                        return null;
                    }
                    c.profile = value;
                }
                case "-o", "--output-last-message" -> {
                    if (c.outputLastMessage != null) {
                        return null;
                    }
                    c.outputLastMessage = Path.of(value);
                }
                case "-c", "--config" -> c.overrides.add(value);
                case "-s", "--sandbox", "--sandbox-permission" -> c.sandboxPermissions.add(value);
                case "--add-dir" -> c.addDirs.add(Path.of(value));
                default -> {
                    return null;
                }
            }
        }
        return c;
    }

    /** Runs a parsed command as picocli's execute would: its exit code, or 1 with the stack trace. */
    static int execute(ExecCommand command) {
        try {
            Integer code = command.call();
            return code == null ? 0 : code;
        } catch (Exception e) {
            e.printStackTrace();
            return 1;
        }
    }
}
