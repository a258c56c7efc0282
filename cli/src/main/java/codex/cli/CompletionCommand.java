package codex.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for codex.",
                "bash: source <(codex completion bash)   zsh: source <(codex completion zsh)   "
                        + "fish: codex completion fish | source"})
final class CompletionCommand implements Callable<Integer> {

    enum Shell { bash, zsh, fish }

    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash (the default), zsh or fish.")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine codex = spec.parent().commandLine();
        String script = switch (shell) {
            // picocli's script is written for bash and runs in zsh through bashcompinit
            case bash -> AutoComplete.bash("codex", codex);
            case zsh -> "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                    + AutoComplete.bash("codex", codex);
            case fish -> fish(codex);
        };
        System.out.print(script);
        System.out.flush();
        return 0;
    }

    /** fish has no bash compatibility: one {@code complete} line per subcommand and option. */
    static String fish(CommandLine codex) {
        StringBuilder out = new StringBuilder("# fish completion for codex (codex completion fish | source)\n");
        out.append("complete -c codex -f\n");
        for (OptionSpec o : codex.getCommandSpec().options()) {
            out.append(fishOption("__fish_use_subcommand", o));
        }
        codex.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandName().equals(name)) {
                return; // an alias: completed under its command's name
            }
            String[] description = sub.getCommandSpec().usageMessage().description();
            out.append("complete -c codex -n __fish_use_subcommand -a ").append(name);
            if (description.length > 0) {
                out.append(" -d ").append(fishQuote(description[0]));
            }
            out.append('\n');
            for (OptionSpec o : sub.getCommandSpec().options()) {
                out.append(fishOption("'__fish_seen_subcommand_from " + name + "'", o));
            }
        });
        return out.toString();
    }

    private static String fishOption(String condition, OptionSpec o) {
        StringBuilder line = new StringBuilder("complete -c codex -n ").append(condition);
        for (String n : o.names()) {
            if (n.startsWith("--")) {
                line.append(" -l ").append(n.substring(2));
            } else if (n.startsWith("-") && n.length() == 2) {
                line.append(" -s ").append(n.substring(1));
            }
        }
        if (o.arity().max() > 0) {
            line.append(" -r");
            if (o.type() == java.nio.file.Path.class || o.type() == java.io.File.class) {
                line.append(" -F");
            }
        }
        if (o.description().length > 0) {
            line.append(" -d ").append(fishQuote(o.description()[0]));
        }
        return line.append('\n').toString();
    }

    private static String fishQuote(String s) {
        String first = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        return "'" + first.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
