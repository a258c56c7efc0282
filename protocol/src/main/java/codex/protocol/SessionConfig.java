package codex.protocol;

import java.util.List;
import java.util.Map;

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
 * @param mcpServers         {@code [mcp_servers]}: the MCP servers the agent starts for this session, by name (in config order)
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
        HistoryPersistence historyPersistence,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        Map<String, McpServerDefinition> mcpServers) {

    public SessionConfig {
        if (approvalPolicy == null) {
            throw new IllegalArgumentException("approval_policy is required; valid policies are: " + ApprovalPolicy.VALID_NAMES);
        }
        historyPersistence = historyPersistence == null ? HistoryPersistence.SAVE_ALL : historyPersistence;
        sandboxPermissions = sandboxPermissions == null ? List.of() : List.copyOf(sandboxPermissions);
        SandboxPermission.parseAll(sandboxPermissions); // refuses an unknown permission now, with the valid forms
        notifyCommand = notifyCommand == null ? List.of() : List.copyOf(notifyCommand);
        mcpServers = mcpServers == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(mcpServers));
    }

    /** A session without MCP servers. */
    public SessionConfig(String model, ProviderSpec provider, ApprovalPolicy approvalPolicy, List<String> sandboxPermissions,
                         String cwd, boolean disableResponseStorage, String baseInstructions, String userInstructions,
                         List<String> notifyCommand, ReasoningEffort reasoningEffort, ReasoningSummary reasoningSummary,
                         String codexHome, HistoryPersistence historyPersistence) {
        this(model, provider, approvalPolicy, sandboxPermissions, cwd, disableResponseStorage, baseInstructions,
                userInstructions, notifyCommand, reasoningEffort, reasoningSummary, codexHome, historyPersistence, null);
    }
}
