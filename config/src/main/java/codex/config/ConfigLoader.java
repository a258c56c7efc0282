package codex.config;

import codex.protocol.WireApi;
import codex.protocol.McpServerDefinition;
import codex.protocol.ProviderSpec;
import codex.protocol.ReasoningSummary;
import codex.protocol.ReasoningEffort;
import codex.protocol.HistoryPersistence;
import codex.config.ConfigSchema.Kind;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves {@link CodexConfig}. Precedence, lowest first: built-in defaults and providers,
 * {@code $CODEX_HOME/config.toml}, the selected profile, {@code -c} overrides, typed CLI options.
 */
public final class ConfigLoader {
    public static final String CONFIG_FILE_NAME = "config.toml";
    public static final String CODEX_HOME_ENV = "CODEX_HOME";
    public static final List<String> DEFAULT_SANDBOX_PERMISSIONS = List.of("disk-full-read-access");

    private ConfigLoader() {
    }

    /** {@code options.codexHome()}, else {@code $CODEX_HOME}, else {@code ~/.codex}; absolute. */
    public static Path resolveCodexHome(ConfigOptions options) {
        if (options.codexHome() != null) {
            return options.codexHome().toAbsolutePath().normalize();
        }
        Map<String, String> env = options.env();
        String fromEnv = env.get(CODEX_HOME_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            String path = fromEnv.trim();
            if (path.equals("~") || path.startsWith("~/")) {
                path = home(env) + path.substring(1);
            }
            return Path.of(path).toAbsolutePath().normalize();
        }
        return Path.of(home(env), ".codex").toAbsolutePath().normalize();
    }

    private static String home(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && !home.isBlank() ? home : System.getProperty("user.home");
    }

    /**
     * One top-level table of config.toml as it is written (no profile, no overrides), for a
     * service that reads its own section (the HTTP gateway's {@code [gateway]}); null when absent.
     */
    public static ObjectNode rawTable(Path codexHome, String key) {
        JsonNode node = TomlSupport.readFile(codexHome.resolve(CONFIG_FILE_NAME)).get(key);
        if (node != null && !node.isObject()) {
            throw new ConfigException(codexHome.resolve(CONFIG_FILE_NAME) + ": " + key + " must be a table ([" + key + "])");
        }
        return (ObjectNode) node;
    }

    public static CodexConfig load(ConfigOptions options) {
        Path codexHome = resolveCodexHome(options);
        Path configFile = codexHome.resolve(CONFIG_FILE_NAME);
        Set<String> unknownKeys = new LinkedHashSet<>();

        ObjectNode root = TomlSupport.readFile(configFile);

        List<TomlSupport.Override> overrides = new ArrayList<>();
        for (String text : options.overrides()) {
            TomlSupport.Override override = TomlSupport.parseOverride(text);
            // checked alone first, so a bad value is reported as the override's; unknown keys are collected from
            // the merged tree below, in the file's order with the overrides' new keys after it
            ConfigSchema.validateTopLevel(TomlSupport.asTree(override), override.source(), new LinkedHashSet<>());
            overrides.add(override);
        }
        // Applied to the file tree first so that -c can select a profile or edit one...
        overrides.forEach(o -> TomlSupport.set(root, o.path(), o.value()));
        // ...and the file is checked after them, so -c approval_policy=never rescues a value this build refuses.
        ConfigSchema.validateTopLevel(root, configFile.toString(), unknownKeys);

        String profileName = options.profile() != null ? options.profile()
                : root.has("profile") ? root.get("profile").textValue() : null;
        ObjectNode effective = root.deepCopy();
        if (profileName != null) {
            TomlSupport.deepMerge(effective, selectProfile(root, profileName, options.profile() != null, configFile));
            // ...and again on top of the profile, because -c beats profile values.
            overrides.forEach(o -> TomlSupport.set(effective, o.path(), o.value()));
        }
        effective.remove("profiles");
        effective.remove("profile");

        Map<String, ProviderSpec> providers = resolveProviders(effective, options.env());
        String providerId = options.modelProvider() != null ? options.modelProvider()
                : effective.has("model_provider") ? effective.get("model_provider").textValue()
                : BuiltInProviders.OPENAI;
        ProviderSpec provider = selectProvider(providers, providerId, configFile);

        String model = options.model() != null ? options.model()
                : effective.has("model") ? effective.get("model").textValue() : CodexConfig.DEFAULT_MODEL;
        if (model.isBlank()) {
            throw new ConfigException("The model name is empty: set model = \"o4-mini\" (or another model) in "
                    + configFile + ", or pass -c model=NAME");
        }

        ApprovalPolicy approvalPolicy = options.approvalPolicy() != null ? options.approvalPolicy()
                : (ApprovalPolicy) get(effective, "approval_policy", Kind.APPROVAL_POLICY, ApprovalPolicy.UNLESS_ALLOW_LISTED);

        List<String> warnings = new ArrayList<>();
        Sandbox sandbox = resolveSandbox(options, effective, configFile, warnings);

        @SuppressWarnings("unchecked")
        List<String> notify = (List<String>) get(effective, "notify", Kind.STRING_ARRAY, List.of());

        HistoryPersistence history = HistoryPersistence.SAVE_ALL;
        if (effective.get("history") instanceof ObjectNode historyTable && historyTable.has("persistence")) {
            history = (HistoryPersistence) read(historyTable.get("persistence"), "history.persistence",
                    Kind.HISTORY_PERSISTENCE);
        }

        return new CodexConfig(
                model,
                providerId,
                provider,
                approvalPolicy,
                sandbox.permissions(),
                (Boolean) get(effective, "disable_response_storage", Kind.BOOLEAN, false),
                notify,
                (ReasoningEffort) get(effective, "model_reasoning_effort", Kind.REASONING_EFFORT, null),
                (ReasoningSummary) get(effective, "model_reasoning_summary", Kind.REASONING_SUMMARY, null),
                (Integer) get(effective, "model_context_window", Kind.NON_NEGATIVE_INT, null),
                (Integer) get(effective, "model_max_output_tokens", Kind.NON_NEGATIVE_INT, null),
                (String) get(effective, "instructions", Kind.STRING, null),
                (Integer) get(effective, "project_doc_max_bytes", Kind.NON_NEGATIVE_INT,
                        CodexConfig.DEFAULT_PROJECT_DOC_MAX_BYTES),
                history,
                (Boolean) get(effective, "hide_agent_reasoning", Kind.BOOLEAN, false),
                codexHome,
                configFile,
                profileName,
                List.copyOf(unknownKeys),
                providers,
                sandbox.mode(),
                sandbox.source(),
                warnings,
                mcpServers(effective, configFile));
    }

    private record Sandbox(List<SandboxPermission> permissions, SandboxMode mode, String source) { }

    /**
     * The one rule when several say what the sandbox is, highest first: {@code -s} on the command line (a mode
     * and/or permission names; names alone replace the config's list, names with a mode are added to it), then
     * {@code sandbox_mode}, then {@code sandbox_permissions}, then the default (read-only). A lower one that is
     * also set is ignored with a warning. {@code --add-dir} adds writable roots to whatever applies.
     */
    @SuppressWarnings("unchecked")
    private static Sandbox resolveSandbox(ConfigOptions options, ObjectNode effective, Path configFile, List<String> warnings) {
        SandboxMode fileMode = (SandboxMode) get(effective, "sandbox_mode", Kind.SANDBOX_MODE, null);
        List<SandboxPermission> fileList = (List<SandboxPermission>) get(effective, "sandbox_permissions",
                Kind.SANDBOX_PERMISSIONS, null);
        SandboxMode.WorkspaceWrite settings = workspaceWrite(effective);
        List<SandboxPermission> permissions = new ArrayList<>();
        SandboxMode mode;
        String source;
        boolean cliNames = options.sandboxPermissions() != null;
        if (options.sandboxMode() != null || cliNames) {
            mode = options.sandboxMode();
            if (mode != null) {
                permissions.addAll(mode.permissions(settings));
            }
            if (cliNames) {
                options.sandboxPermissions().forEach(p -> addOnce(permissions, p));
            }
            // as in the seed, the command line replaces the config's sandbox without a note; the header shows it
            source = "the command line" + (mode != null ? " (-s " + mode.wireName() + ")" : "");
        } else if (fileMode != null) {
            mode = fileMode;
            permissions.addAll(mode.permissions(settings));
            source = "sandbox_mode = \"" + mode.wireName() + "\" in " + configFile;
            if (fileList != null) {
                warnings.add("sandbox_permissions is ignored: sandbox_mode = \"" + mode.wireName()
                        + "\" is also set, and sandbox_mode decides (remove one of them to silence this)");
            }
        } else if (fileList != null) {
            mode = null;
            permissions.addAll(fileList);
            source = "sandbox_permissions in " + configFile;
        } else {
            mode = null;
            permissions.addAll(SandboxPermission.parseAll(DEFAULT_SANDBOX_PERMISSIONS));
            source = "the default (read-only)";
        }
        if (effective.has("sandbox_workspace_write") && mode != SandboxMode.WORKSPACE_WRITE) {
            warnings.add("[sandbox_workspace_write] is ignored: it applies only under sandbox_mode = \"workspace-write\""
                    + (mode == null ? " (the sandbox comes from a permission list)" : " (the mode is " + mode.wireName() + ")"));
        }
        for (Path dir : options.addDirs()) {
            addOnce(permissions, SandboxPermission.writeFolder(dir));
        }
        return new Sandbox(List.copyOf(permissions), mode, source);
    }

    @SuppressWarnings("unchecked")
    private static SandboxMode.WorkspaceWrite workspaceWrite(ObjectNode effective) {
        if (!(effective.get("sandbox_workspace_write") instanceof ObjectNode table)) {
            return SandboxMode.WorkspaceWrite.DEFAULTS;
        }
        String prefix = "sandbox_workspace_write.";
        return new SandboxMode.WorkspaceWrite(
                (List<String>) get(table, prefix, "writable_roots", Kind.STRING_ARRAY, List.of()),
                (Boolean) get(table, prefix, "network_access", Kind.BOOLEAN, false),
                (Boolean) get(table, prefix, "exclude_tmpdir_env_var", Kind.BOOLEAN, false),
                (Boolean) get(table, prefix, "exclude_slash_tmp", Kind.BOOLEAN, false));
    }

    private static void addOnce(List<SandboxPermission> list, SandboxPermission p) {
        if (!list.contains(p)) {
            list.add(p);
        }
    }

    /** {@code [mcp_servers.NAME]} as today's Codex reads them; each needs command (stdio) or url (HTTP), not both. */
    @SuppressWarnings("unchecked")
    static Map<String, McpServerDefinition> mcpServers(ObjectNode effective, Path configFile) {
        Map<String, McpServerDefinition> servers = new LinkedHashMap<>();
        if (!(effective.get("mcp_servers") instanceof ObjectNode tables)) {
            return servers;
        }
        for (Map.Entry<String, JsonNode> entry : tables.properties()) {
            String name = entry.getKey();
            String prefix = "mcp_servers." + name + ".";
            ObjectNode t = (ObjectNode) entry.getValue();
            String command = (String) get(t, prefix, "command", Kind.STRING, null);
            String url = (String) get(t, prefix, "url", Kind.STRING, null);
            if ((command == null) == (url == null)) {
                throw new ConfigException("[mcp_servers." + name + "] in " + configFile + " needs "
                        + (command == null ? "either command (a stdio server) or url (a Streamable HTTP server)"
                        : "command or url, not both"));
            }
            Double startup = (Double) get(t, prefix, "startup_timeout_sec", Kind.NON_NEGATIVE_NUMBER, null);
            Long startupMs = (Long) get(t, prefix, "startup_timeout_ms", Kind.NON_NEGATIVE_LONG, null);
            if (startup == null && startupMs != null) {
                startup = startupMs / 1000.0;
            }
            servers.put(name, new McpServerDefinition(command,
                    (List<String>) get(t, prefix, "args", Kind.STRING_ARRAY, null),
                    (Map<String, String>) get(t, prefix, "env", Kind.STRING_TABLE, null),
                    (String) get(t, prefix, "cwd", Kind.STRING, null),
                    url,
                    (String) get(t, prefix, "bearer_token_env_var", Kind.STRING, null),
                    startup,
                    (Double) get(t, prefix, "tool_timeout_sec", Kind.NON_NEGATIVE_NUMBER, null),
                    (Boolean) get(t, prefix, "enabled", Kind.BOOLEAN, null),
                    (List<String>) get(t, prefix, "enabled_tools", Kind.STRING_ARRAY, null),
                    (List<String>) get(t, prefix, "disabled_tools", Kind.STRING_ARRAY, null)));
        }
        return servers;
    }

    private static ObjectNode selectProfile(ObjectNode root, String name, boolean fromCommandLine, Path configFile) {
        JsonNode profiles = root.get("profiles");
        if (profiles instanceof ObjectNode table && table.get(name) instanceof ObjectNode profile) {
            return profile;
        }
        List<String> defined = new ArrayList<>();
        if (profiles instanceof ObjectNode table) {
            table.fieldNames().forEachRemaining(defined::add);
        }
        String origin = fromCommandLine ? "--profile" : "the 'profile' key";
        String known = defined.isEmpty()
                ? "no profiles are defined in " + configFile
                : "defined profiles: " + String.join(", ", defined);
        throw new ConfigException("Unknown profile '" + name + "' (from " + origin + "); " + known
                + ". Add a [profiles." + name + "] table to " + configFile + " or pick a defined one.");
    }

    private static Map<String, ProviderSpec> resolveProviders(ObjectNode effective, Map<String, String> env) {
        Map<String, ObjectNode> tables = new LinkedHashMap<>(BuiltInProviders.tables(env));
        if (effective.get("model_providers") instanceof ObjectNode userProviders) {
            for (Map.Entry<String, JsonNode> entry : userProviders.properties()) {
                // A user table named like a built-in is merged over it: user keys win.
                ObjectNode merged = tables.getOrDefault(entry.getKey(), JsonNodeFactory.instance.objectNode());
                TomlSupport.deepMerge(merged, (ObjectNode) entry.getValue());
                tables.put(entry.getKey(), merged);
            }
        }
        Map<String, ProviderSpec> providers = new LinkedHashMap<>();
        tables.forEach((id, table) -> providers.put(id, toProvider(id, table)));
        return providers;
    }

    @SuppressWarnings("unchecked")
    private static ProviderSpec toProvider(String id, ObjectNode table) {
        String prefix = "model_providers." + id + ".";
        String envKey = (String) get(table, prefix, "env_key", Kind.STRING, null);
        String baseUrl = (String) get(table, prefix, "base_url", Kind.STRING, null);
        return new ProviderSpec(
                id,
                (String) get(table, prefix, "name", Kind.STRING, id),
                baseUrl == null || baseUrl.isBlank() ? null : baseUrl.trim(),
                // An empty env_key switches the key off, e.g. for a local proxy in front of openai.
                envKey == null || envKey.isBlank() ? null : envKey.trim(),
                (String) get(table, prefix, "env_key_instructions", Kind.STRING, null),
                // User-defined providers speak chat unless told otherwise, as in Codex.
                (WireApi) get(table, prefix, "wire_api", Kind.WIRE_API, WireApi.CHAT),
                (Map<String, String>) get(table, prefix, "query_params", Kind.STRING_TABLE, null),
                (Map<String, String>) get(table, prefix, "http_headers", Kind.STRING_TABLE, null),
                (Map<String, String>) get(table, prefix, "env_http_headers", Kind.STRING_TABLE, null),
                Math.min(BuiltInProviders.MAX_RETRIES_CAP, (Integer) get(table, prefix, "request_max_retries",
                        Kind.NON_NEGATIVE_INT, BuiltInProviders.DEFAULT_REQUEST_MAX_RETRIES)),
                Math.min(BuiltInProviders.MAX_RETRIES_CAP, (Integer) get(table, prefix, "stream_max_retries",
                        Kind.NON_NEGATIVE_INT, BuiltInProviders.DEFAULT_STREAM_MAX_RETRIES)),
                (Long) get(table, prefix, "stream_idle_timeout_ms", Kind.NON_NEGATIVE_LONG,
                        BuiltInProviders.DEFAULT_STREAM_IDLE_TIMEOUT_MS));
    }

    private static ProviderSpec selectProvider(Map<String, ProviderSpec> providers, String id, Path configFile) {
        ProviderSpec provider = providers.get(id);
        if (provider == null) {
            throw new ConfigException("Unknown model provider '" + id + "'; known providers: "
                    + String.join(", ", providers.keySet()) + ". To add it, define a [model_providers." + id
                    + "] table with base_url (and env_key, wire_api) in " + configFile + ".");
        }
        if (provider.baseUrl() == null) {
            String example = id.equals("azure")
                    ? "base_url = \"https://YOUR-RESOURCE.openai.azure.com/openai\" and "
                            + "query_params = { api-version = \"2025-04-01-preview\" }"
                    : "base_url = \"http://localhost:8080/v1\"";
            throw new ConfigException("Model provider '" + id + "' has no base_url. Set it in [model_providers."
                    + id + "] in " + configFile + ", e.g. " + example);
        }
        try {
            URI uri = new URI(provider.baseUrl());
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new URISyntaxException(provider.baseUrl(), "not an http(s) URL with a host");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException("The base_url of model provider '" + id + "' is not a valid http(s) URL: '"
                    + provider.baseUrl() + "' (expected e.g. https://api.example.com/v1)");
        }
        return provider;
    }

    // Values were validated with their sources before merging, so these reads cannot fail on type;
    // the source label is kept only as a safety net.
    private static Object get(ObjectNode table, String key, Kind kind, Object fallback) {
        return get(table, "", key, kind, fallback);
    }

    private static Object get(ObjectNode table, String prefix, String key, Kind kind, Object fallback) {
        JsonNode value = table.get(key);
        return value == null ? fallback : read(value, prefix + key, kind);
    }

    private static Object read(JsonNode value, String key, Kind kind) {
        return ConfigSchema.read(value, key, kind, "the merged configuration");
    }
}
