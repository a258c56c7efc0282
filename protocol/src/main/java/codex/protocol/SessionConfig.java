package codex.protocol;

import java.util.List;

/**
 * Everything an agent needs to run a session; sent with {@code configure_session} and when a
 * session is opened. Built from config.toml + CLI flags by the front end.
 *
 * Typed fields are checked when the message is decoded, so a bad value refuses the open (or the
 * {@code configure_session}) with the list of valid names, not the first tool call.
 *
 * @param sandboxPermissions seed-style permission strings (see {@link SandboxPermission}); checked here
 * @param approvalPolicy     when to ask the user; required
 * @param baseInstructions   the system prompt; null means the agent's built-in one
 * @param userInstructions   AGENTS.md / codex.md text and config {@code instructions}, may be null
 * @param notifyCommand      argv of the front end's notify program, empty for none; a local front end
 *                           deploys its in-process notifier with it; the agent never forwards it (the
 *                           notifier runs only the program of its own configuration)
 * @param reasoningEffort    passed through to the model when not null
 * @param reasoningSummary   passed through to the model when not null and not {@code none}
 * @param codexHome          where the agent keeps the session log (rollout) and history.jsonl
 * @param historyPersistence whether prompts go to history.jsonl; null means {@link HistoryPersistence#SAVE_ALL}
 */
public record SessionConfig(
        String model,
        ProviderSpec provider,
        ApprovalPolicy approvalPolicy,
        List<String> sandboxPermissions,
        String cwd,
        boolean disableResponseStorage,
        String baseInstructions,
        String userInstructions,
        @com.fasterxml.jackson.annotation.JsonProperty("notify") List<String> notifyCommand,
        ReasoningEffort reasoningEffort,
        ReasoningSummary reasoningSummary,
        String codexHome,
        HistoryPersistence historyPersistence) {

    public SessionConfig {
        if (approvalPolicy == null) {
            throw new IllegalArgumentException("approval_policy is required; valid policies are: " + ApprovalPolicy.VALID_NAMES);
        }
        historyPersistence = historyPersistence == null ? HistoryPersistence.SAVE_ALL : historyPersistence;
        sandboxPermissions = sandboxPermissions == null ? List.of() : List.copyOf(sandboxPermissions);
        SandboxPermission.parseAll(sandboxPermissions); // refuses an unknown permission now, with the valid forms
        notifyCommand = notifyCommand == null ? List.of() : List.copyOf(notifyCommand);
    }
}
