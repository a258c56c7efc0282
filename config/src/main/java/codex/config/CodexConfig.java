package codex.config;

import codex.protocol.McpServerDefinition;
import codex.protocol.ProviderSpec;
import codex.protocol.ReasoningSummary;
import codex.protocol.ReasoningEffort;
import codex.protocol.HistoryPersistence;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fully resolved configuration (defaults, config.toml, profile, {@code -c} overrides and typed
 * CLI flags already applied). Immutable. Nullable fields are the optional keys the user did not set.
 *
 * @param notifyCommand        argv of the {@code notify} program; empty when not set
 * @param providerId           the selected {@code model_provider}; {@code provider} is its resolved entry
 * @param reasoningEffort      null when not set
 * @param reasoningSummary     null when not set
 * @param modelContextWindow   null when not set
 * @param modelMaxOutputTokens null when not set
 * @param instructions         extra instructions from the {@code instructions} key; null when not set
 * @param configFile           {@code $CODEX_HOME/config.toml}, whether or not it exists
 * @param profile              the selected profile name; null when none
 * @param unknownKeys          keys that were ignored (dotted paths, e.g. {@code shell_environment_policy},
 *                             {@code profiles.fast.foo}), in first-seen order, for the CLI to warn about once
 * @param providers            every known provider (built-ins and user tables), by id
 * @param mcpServers           {@code [mcp_servers.NAME]} tables, in config order (disabled ones included)
 * @param sandboxMode          the sandbox_mode that produced {@code sandboxPermissions}; null when they came from
 *                             a permission list (or the default)
 * @param sandboxSource        where the sandbox came from, for the session header: e.g. {@code sandbox_mode in
 *                             /home/u/.codex/config.toml}, {@code -s workspace-write}, {@code default}
 * @param warnings             keys that were understood but not honoured as written, each saying what happens instead
 */
public record CodexConfig(
        String model,
        String providerId,
        ProviderSpec provider,
        ApprovalPolicy approvalPolicy,
        List<SandboxPermission> sandboxPermissions,
        boolean disableResponseStorage,
        List<String> notifyCommand,
        ReasoningEffort reasoningEffort,
        ReasoningSummary reasoningSummary,
        Integer modelContextWindow,
        Integer modelMaxOutputTokens,
        String instructions,
        int projectDocMaxBytes,
        HistoryPersistence historyPersistence,
        boolean hideAgentReasoning,
        Path codexHome,
        Path configFile,
        String profile,
        List<String> unknownKeys,
        Map<String, ProviderSpec> providers,
        SandboxMode sandboxMode,
        String sandboxSource,
        List<String> warnings,
        Map<String, McpServerDefinition> mcpServers) {

    public static final String DEFAULT_MODEL = "o4-mini";
    public static final int DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024;

    public CodexConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(providerId, "providerId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(approvalPolicy, "approvalPolicy");
        Objects.requireNonNull(historyPersistence, "historyPersistence");
        sandboxPermissions = List.copyOf(sandboxPermissions);
        notifyCommand = notifyCommand == null ? List.of() : List.copyOf(notifyCommand);
        unknownKeys = unknownKeys == null ? List.of() : List.copyOf(unknownKeys);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        providers = providers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        mcpServers = mcpServers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(mcpServers));
    }
}
