package codex.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Today's Codex CLI subcommands that codex-vertx does not implement. Each answers with what to use
 * instead and exit code 2, so {@code codex review} is never sent to the model as a task. A prompt that
 * starts with such a word still works quoted as one argument ({@code codex "review my change"}).
 */
final class UnsupportedCommands {

    /** Name → what to use instead. Names our own commands already have are skipped when registering. */
    static final Map<String, String> HINTS = new LinkedHashMap<>();

    static {
        HINTS.put("agents", "`codex resume` lists the recorded sessions and continues one");
        HINTS.put("review", "ask for a review as a task: codex exec \"review the uncommitted changes\"");
        HINTS.put("plugin", "there are no plugins; AGENTS.md files carry project instructions");
        HINTS.put("app-server", "the HTTP API: codex serve (see gateway/README.md)");
        HINTS.put("remote-control", "the HTTP API: codex serve (see gateway/README.md)");
        HINTS.put("exec-server", "the sandbox service: codex service sandbox (see sandbox-service/README.md)");
        HINTS.put("update", "update the checkout and rebuild: git pull && mvn -B verify");
        HINTS.put("doctor", "codex sandbox --check shows what the sandbox can use; config errors are reported at start-up");
        HINTS.put("apply", "patches are applied to your working tree as the agent works: review them with git diff");
        HINTS.put("a", "patches are applied to your working tree as the agent works: review them with git diff");
        HINTS.put("queue", "codex exec resume SESSION_ID PROMPT continues a recorded session");
        HINTS.put("fork", "codex exec resume SESSION_ID PROMPT continues a recorded session (no fork)");
        HINTS.put("archive", "sessions are JSONL files under $CODEX_HOME/sessions: move them away");
        HINTS.put("unarchive", "sessions are JSONL files under $CODEX_HOME/sessions: move them back");
        HINTS.put("delete", "sessions are JSONL files under $CODEX_HOME/sessions: delete the file");
        HINTS.put("migrate-rollouts", "nothing to migrate: sessions are JSONL files under $CODEX_HOME/sessions");
        HINTS.put("migrate-nfs-db", "nothing to migrate: codex-vertx keeps no database");
        HINTS.put("cloud", "Codex Cloud is not offered: run the task here with codex exec");
        HINTS.put("cloud-tasks", "Codex Cloud is not offered: run the task here with codex exec");
        HINTS.put("features", "there are no feature flags; every config key is described in config/README.md");
    }

    private UnsupportedCommands() {
    }

    /** Subcommands of {@code codex mcp} that today's Codex has and we do not (OAuth for MCP servers). */
    static final Map<String, String> MCP_HINTS = Map.of(
            "login", "a bearer token from the environment: codex mcp add NAME --url URL --bearer-token-env-var VAR"
                    + " (OAuth login to MCP servers is not offered)",
            "logout", "remove the server or its bearer_token_env_var (OAuth login to MCP servers is not offered)");

    /** Adds every name that {@code codex} does not already answer to. */
    static void register(CommandLine codex) {
        for (Map.Entry<String, String> e : HINTS.entrySet()) {
            if (!codex.getSubcommands().containsKey(e.getKey())) {
                codex.addSubcommand(e.getKey(), new CommandLine(new Unsupported(e.getKey(), e.getValue())));
            }
        }
        CommandLine mcp = codex.getSubcommands().get("mcp");
        if (mcp != null) {
            for (Map.Entry<String, String> e : MCP_HINTS.entrySet()) {
                if (!mcp.getSubcommands().containsKey(e.getKey())) {
                    mcp.addSubcommand(e.getKey(), new CommandLine(new Unsupported("mcp " + e.getKey(), e.getValue())));
                }
            }
        }
    }

    @Command(hidden = true, description = "Not supported by codex-vertx (a Codex CLI command): prints what to use instead.")
    static final class Unsupported implements Callable<Integer> {
        private final String name;
        private final String hint;

        @CommandLine.Unmatched
        List<String> rest = new ArrayList<>();

        Unsupported(String name, String hint) {
            this.name = name;
            this.hint = hint;
        }

        @Override
        public Integer call() {
            System.err.println("error: 'codex " + name + "' is not supported by codex-vertx: use " + hint
                    + (name.contains(" ") ? "." : ". (To send a task that starts with this word, quote it: codex \""
                    + name + " ...\".)"));
            return 2;
        }
    }
}
