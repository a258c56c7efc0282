package codex.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continue a recorded session with a new prompt.",
                "The model gets the whole earlier conversation, and event numbers carry on.",
                "Sessions are recorded under $CODEX_HOME/sessions (exec's options apply here too).",
                "Examples:  codex exec resume --last \"now add tests\"",
                "           codex exec resume 5f0c2a1e \"go on\""})
public final class ResumeCommand implements Callable<Integer> {

    @ParentCommand
    ExecCommand exec;

    @Option(names = "--last", description = "Resume the most recent session (of this directory if it has one).")
    boolean last;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SESSION_ID",
            description = "The session id, or a unique prefix of at least 8 characters.")
    String sessionId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROMPT", description = "The new prompt ('-' or nothing: stdin).")
    String prompt;

    @Override
    public Integer call() {
        String id = sessionId;
        String text = prompt;
        if (last && id != null && text == null) {
            // with --last the first positional is the prompt
            text = id;
            id = null;
        }
        if (!last && id == null) {
            System.err.println("error: say which session: codex exec resume SESSION_ID PROMPT, or --last");
            return 2;
        }
        return exec.execute(text, id, last);
    }
}
