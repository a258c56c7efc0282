package codex.protocol;

import java.util.List;

/**
 * Everything an agent needs to run a session; sent with {@code configure_session} and when a
 * session is opened. Built from config.toml + CLI flags by the front end.
 *
 * @param sandboxPermissions seed-style permission strings (see {@link SandboxPermission})
 * @param approvalPolicy     seed-style policy name (see {@link ApprovalPolicy})
 * @param baseInstructions   the system prompt; null means the agent's built-in one
 * @param userInstructions   AGENTS.md / codex.md text and config {@code instructions}, may be null
 * @param notify             argv of the user's notify program, empty for none
 * @param reasoningEffort    passed through to the model when not null
 * @param reasoningSummary   passed through to the model when not null
 * @param codexHome          where the agent keeps the session log (rollout) and history.jsonl
 * @param historyPersistence "save-all" (default when null) or "none": whether prompts go to history.jsonl
 */
public record SessionConfig(
        String model,
        ProviderSpec provider,
        String approvalPolicy,
        List<String> sandboxPermissions,
        String cwd,
        boolean disableResponseStorage,
        String baseInstructions,
        String userInstructions,
        @com.fasterxml.jackson.annotation.JsonProperty("notify") List<String> notifyCommand,
        String reasoningEffort,
        String reasoningSummary,
        String codexHome,
        String historyPersistence) {

    public SessionConfig {
        sandboxPermissions = sandboxPermissions == null ? List.of() : List.copyOf(sandboxPermissions);
        notifyCommand = notifyCommand == null ? List.of() : List.copyOf(notifyCommand);
    }
}
