package codex.config;

import codex.protocol.WireApi;
import codex.protocol.ReasoningSummary;
import codex.protocol.ReasoningEffort;
import codex.protocol.HistoryPersistence;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which keys exist, what type each must have, and typed reads that fail with a message naming
 * the key, where it came from and what was expected. Unknown keys are collected, never fatal,
 * so a config written for a newer Codex still loads.
 */
final class ConfigSchema {

    enum Kind {
        STRING("a string"),
        BOOLEAN("a boolean (true or false)"),
        NON_NEGATIVE_INT("a non-negative integer"),
        NON_NEGATIVE_LONG("a non-negative integer"),
        STRING_ARRAY("an array of strings"),
        STRING_TABLE("a table of strings, e.g. { key = \"value\" }"),
        APPROVAL_POLICY("one of: " + ApprovalPolicy.VALID_NAMES),
        SANDBOX_PERMISSIONS("an array of strings, e.g. [\"disk-full-read-access\", \"disk-write-cwd\"]"),
        REASONING_EFFORT("one of: " + ReasoningEffort.VALID_NAMES),
        REASONING_SUMMARY("one of: " + ReasoningSummary.VALID_NAMES),
        WIRE_API("one of: " + WireApi.VALID_NAMES),
        HISTORY_PERSISTENCE("one of: " + HistoryPersistence.VALID_NAMES),
        HISTORY_TABLE("a table, e.g. [history] persistence = \"save-all\""),
        SANDBOX_MODE("one of: " + SandboxMode.VALID_NAMES),
        WORKSPACE_WRITE_TABLE("a table, e.g. [sandbox_workspace_write] writable_roots = [\"/path\"]"),
        PROVIDERS_TABLE("a table of provider tables, e.g. [model_providers.NAME]"),
        PROFILES_TABLE("a table of profile tables, e.g. [profiles.NAME]"),
        /** The HTTP gateway's own table, read and checked by the gateway (see gateway/README.md). */
        GATEWAY_TABLE("a table, e.g. [gateway] with [[gateway.tokens]] and [gateway.policy]"),
        /** The sandbox service's own table, read by {@link SandboxSettings}. */
        SANDBOX_TABLE("a table, e.g. [sandbox] with max_processes = 1024 and max_memory_mb = 4096"),
        /** The agent's notification delivery, read by {@link NotifierSettings}. */
        NOTIFIER_TABLE("a table, e.g. [notifier] with redelivery_window_seconds = 600"),
        /** Today's Codex feature switches, read by {@link FeatureSettings}; the ones this build lacks are unknown keys. */
        FEATURES_TABLE("a table, e.g. [features] with shell_snapshot = false"),
        NON_NEGATIVE_NUMBER("a non-negative number of seconds, e.g. 10 or 2.5"),
        MCP_SERVERS_TABLE("a table of MCP server tables, e.g. [mcp_servers.NAME] with command = \"npx\"");

        final String expected;

        Kind(String expected) {
            this.expected = expected;
        }
    }

    /** Keys allowed in a profile: the top-level settings, minus profile selection itself. */
    static final Map<String, Kind> PROFILE_KEYS = new LinkedHashMap<>();
    static final Map<String, Kind> TOP_KEYS = new LinkedHashMap<>();
    static final Map<String, Kind> PROVIDER_KEYS = new LinkedHashMap<>();
    static final Map<String, Kind> HISTORY_KEYS = new LinkedHashMap<>();
    static final Map<String, Kind> MCP_SERVER_KEYS = new LinkedHashMap<>();
    static final Map<String, Kind> WORKSPACE_WRITE_KEYS = new LinkedHashMap<>();
    static final Map<String, Kind> FEATURE_KEYS = new LinkedHashMap<>();

    static {
        PROFILE_KEYS.put("model", Kind.STRING);
        PROFILE_KEYS.put("model_provider", Kind.STRING);
        PROFILE_KEYS.put("approval_policy", Kind.APPROVAL_POLICY);
        PROFILE_KEYS.put("sandbox_permissions", Kind.SANDBOX_PERMISSIONS);
        PROFILE_KEYS.put("disable_response_storage", Kind.BOOLEAN);
        PROFILE_KEYS.put("notify", Kind.STRING_ARRAY);
        PROFILE_KEYS.put("model_reasoning_effort", Kind.REASONING_EFFORT);
        PROFILE_KEYS.put("model_reasoning_summary", Kind.REASONING_SUMMARY);
        PROFILE_KEYS.put("model_context_window", Kind.NON_NEGATIVE_INT);
        PROFILE_KEYS.put("model_max_output_tokens", Kind.NON_NEGATIVE_INT);
        PROFILE_KEYS.put("instructions", Kind.STRING);
        PROFILE_KEYS.put("project_doc_max_bytes", Kind.NON_NEGATIVE_INT);
        PROFILE_KEYS.put("history", Kind.HISTORY_TABLE);
        PROFILE_KEYS.put("hide_agent_reasoning", Kind.BOOLEAN);
        PROFILE_KEYS.put("model_providers", Kind.PROVIDERS_TABLE);
        PROFILE_KEYS.put("sandbox_mode", Kind.SANDBOX_MODE);
        PROFILE_KEYS.put("sandbox_workspace_write", Kind.WORKSPACE_WRITE_TABLE);

        TOP_KEYS.putAll(PROFILE_KEYS);
        TOP_KEYS.put("profile", Kind.STRING);
        TOP_KEYS.put("profiles", Kind.PROFILES_TABLE);
        TOP_KEYS.put("gateway", Kind.GATEWAY_TABLE);
        TOP_KEYS.put("sandbox", Kind.SANDBOX_TABLE);
        TOP_KEYS.put("notifier", Kind.NOTIFIER_TABLE);
        TOP_KEYS.put("features", Kind.FEATURES_TABLE);
        FEATURE_KEYS.put("shell_snapshot", Kind.BOOLEAN);
        TOP_KEYS.put("mcp_servers", Kind.MCP_SERVERS_TABLE);

        MCP_SERVER_KEYS.put("command", Kind.STRING);
        MCP_SERVER_KEYS.put("args", Kind.STRING_ARRAY);
        MCP_SERVER_KEYS.put("env", Kind.STRING_TABLE);
        MCP_SERVER_KEYS.put("cwd", Kind.STRING);
        MCP_SERVER_KEYS.put("url", Kind.STRING);
        MCP_SERVER_KEYS.put("bearer_token_env_var", Kind.STRING);
        MCP_SERVER_KEYS.put("startup_timeout_sec", Kind.NON_NEGATIVE_NUMBER);
        MCP_SERVER_KEYS.put("startup_timeout_ms", Kind.NON_NEGATIVE_LONG);
        MCP_SERVER_KEYS.put("tool_timeout_sec", Kind.NON_NEGATIVE_NUMBER);
        MCP_SERVER_KEYS.put("enabled", Kind.BOOLEAN);
        MCP_SERVER_KEYS.put("enabled_tools", Kind.STRING_ARRAY);
        MCP_SERVER_KEYS.put("disabled_tools", Kind.STRING_ARRAY);

        PROVIDER_KEYS.put("name", Kind.STRING);
        PROVIDER_KEYS.put("base_url", Kind.STRING);
        PROVIDER_KEYS.put("env_key", Kind.STRING);
        PROVIDER_KEYS.put("env_key_instructions", Kind.STRING);
        PROVIDER_KEYS.put("wire_api", Kind.WIRE_API);
        PROVIDER_KEYS.put("query_params", Kind.STRING_TABLE);
        PROVIDER_KEYS.put("http_headers", Kind.STRING_TABLE);
        PROVIDER_KEYS.put("env_http_headers", Kind.STRING_TABLE);
        PROVIDER_KEYS.put("request_max_retries", Kind.NON_NEGATIVE_INT);
        PROVIDER_KEYS.put("stream_max_retries", Kind.NON_NEGATIVE_INT);
        PROVIDER_KEYS.put("stream_idle_timeout_ms", Kind.NON_NEGATIVE_LONG);

        HISTORY_KEYS.put("persistence", Kind.HISTORY_PERSISTENCE);

        WORKSPACE_WRITE_KEYS.put("writable_roots", Kind.STRING_ARRAY);
        WORKSPACE_WRITE_KEYS.put("network_access", Kind.BOOLEAN);
        WORKSPACE_WRITE_KEYS.put("exclude_tmpdir_env_var", Kind.BOOLEAN);
        WORKSPACE_WRITE_KEYS.put("exclude_slash_tmp", Kind.BOOLEAN);
    }

    private ConfigSchema() {
    }

    /**
     * Checks every known key of a top-level tree and records unknown ones.
     *
     * @param source where the tree came from, for messages: a file path or a {@code -c} override
     */
    static void validateTopLevel(ObjectNode root, String source, Collection<String> unknownKeys) {
        validateTable(root, "", TOP_KEYS, source, unknownKeys);
    }

    private static void validateTable(ObjectNode table, String prefix, Map<String, Kind> schema,
                                      String source, Collection<String> unknownKeys) {
        table.properties().forEach(field -> {
            String key = prefix + field.getKey();
            Kind kind = schema.get(field.getKey());
            if (kind == null) {
                unknownKeys.add(key);
                return;
            }
            JsonNode value = field.getValue();
            switch (kind) {
                case HISTORY_TABLE -> validateTable(table(value, key, kind, source), key + ".", HISTORY_KEYS, source, unknownKeys);
                case WORKSPACE_WRITE_TABLE -> validateTable(table(value, key, kind, source), key + ".", WORKSPACE_WRITE_KEYS,
                        source, unknownKeys);
                case PROVIDERS_TABLE -> table(value, key, kind, source).properties().forEach(p ->
                        validateTable(table(p.getValue(), key + "." + p.getKey(), kind, source),
                                key + "." + p.getKey() + ".", PROVIDER_KEYS, source, unknownKeys));
                case PROFILES_TABLE -> table(value, key, kind, source).properties().forEach(p ->
                        validateTable(table(p.getValue(), key + "." + p.getKey(), kind, source),
                                key + "." + p.getKey() + ".", PROFILE_KEYS, source, unknownKeys));
                case GATEWAY_TABLE, SANDBOX_TABLE, NOTIFIER_TABLE -> table(value, key, kind, source);
                case FEATURES_TABLE -> validateTable(table(value, key, kind, source), key + ".", FEATURE_KEYS, source,
                        unknownKeys);
                case MCP_SERVERS_TABLE -> table(value, key, kind, source).properties().forEach(p ->
                        validateTable(table(p.getValue(), key + "." + p.getKey(), kind, source),
                                key + "." + p.getKey() + ".", MCP_SERVER_KEYS, source, unknownKeys));
                default -> read(value, key, kind, source);
            }
        });
    }

    /** Converts a value of a scalar or list kind, or throws a {@link ConfigException} naming the key. */
    static Object read(JsonNode value, String key, Kind kind, String source) {
        return switch (kind) {
            case STRING -> string(value, key, kind, source);
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw wrongType(value, key, kind, source);
                }
                yield value.booleanValue();
            }
            case NON_NEGATIVE_INT -> (int) integer(value, key, kind, source, Integer.MAX_VALUE);
            case NON_NEGATIVE_LONG -> integer(value, key, kind, source, Long.MAX_VALUE);
            case NON_NEGATIVE_NUMBER -> {
                if (!value.isNumber() || value.doubleValue() < 0 || !Double.isFinite(value.doubleValue())) {
                    throw wrongType(value, key, kind, source);
                }
                yield value.doubleValue();
            }
            case STRING_ARRAY -> stringArray(value, key, kind, source);
            case STRING_TABLE -> {
                Map<String, String> out = new LinkedHashMap<>();
                table(value, key, kind, source).properties().forEach(e ->
                        out.put(e.getKey(), string(e.getValue(), key + "." + e.getKey(), Kind.STRING, source)));
                yield out;
            }
            case APPROVAL_POLICY -> parse(value, key, kind, source, ApprovalPolicy::parse);
            case REASONING_EFFORT -> parse(value, key, kind, source, ReasoningEffort::parse);
            case REASONING_SUMMARY -> parse(value, key, kind, source, ReasoningSummary::parse);
            case WIRE_API -> parse(value, key, kind, source, WireApi::parse);
            case HISTORY_PERSISTENCE -> parse(value, key, kind, source, HistoryPersistence::parse);
            case SANDBOX_MODE -> parse(value, key, kind, source, SandboxMode::parse);
            case SANDBOX_PERMISSIONS -> {
                List<String> names = stringArray(value, key, kind, source);
                for (int i = 0; i < names.size(); i++) {
                    try {
                        SandboxPermission.parse(names.get(i));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(invalid(key + "[" + i + "]", source) + e.getMessage());
                    }
                }
                yield SandboxPermission.parseAll(names);
            }
            case HISTORY_TABLE, PROVIDERS_TABLE, PROFILES_TABLE, GATEWAY_TABLE, SANDBOX_TABLE, NOTIFIER_TABLE,
                    WORKSPACE_WRITE_TABLE, MCP_SERVERS_TABLE, FEATURES_TABLE ->
                    table(value, key, kind, source);
        };
    }

    static ObjectNode table(JsonNode value, String key, Kind kind, String source) {
        if (!(value instanceof ObjectNode object)) {
            throw new ConfigException(invalid(key, source) + "expected "
                    + (kind == Kind.PROVIDERS_TABLE || kind == Kind.PROFILES_TABLE || kind == Kind.MCP_SERVERS_TABLE
                            ? "a table" : kind.expected)
                    + ", got " + describe(value));
        }
        return object;
    }

    private static String string(JsonNode value, String key, Kind kind, String source) {
        if (!value.isTextual()) {
            throw wrongType(value, key, kind, source);
        }
        return value.textValue();
    }

    private static long integer(JsonNode value, String key, Kind kind, String source, long max) {
        if (!value.isIntegralNumber()) {
            throw wrongType(value, key, kind, source);
        }
        BigInteger n = value.bigIntegerValue();
        if (n.signum() < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ConfigException(invalid(key, source) + "expected " + kind.expected
                    + " no larger than " + max + ", got " + describe(value));
        }
        return n.longValue();
    }

    private static List<String> stringArray(JsonNode value, String key, Kind kind, String source) {
        if (!value.isArray()) {
            throw wrongType(value, key, kind, source);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            if (!element.isTextual()) {
                throw new ConfigException(invalid(key + "[" + i + "]", source)
                        + "expected a string, got " + describe(element));
            }
            out.add(element.textValue());
        }
        return out;
    }

    private static <T> T parse(JsonNode value, String key, Kind kind, String source, Function<String, T> parser) {
        String text = string(value, key, kind, source);
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(invalid(key, source) + e.getMessage());
        }
    }

    private static ConfigException wrongType(JsonNode value, String key, Kind kind, String source) {
        String expected = kind == Kind.APPROVAL_POLICY || kind == Kind.REASONING_EFFORT
                || kind == Kind.REASONING_SUMMARY || kind == Kind.WIRE_API || kind == Kind.HISTORY_PERSISTENCE
                || kind == Kind.SANDBOX_MODE
                ? "a string, " + kind.expected
                : kind.expected;
        String hint = key.endsWith("notify") && kind == Kind.STRING_ARRAY
                ? " (the notifier's argv, e.g. notify = [\"notify-send\", \"Codex\"])"
                : "";
        return new ConfigException(invalid(key, source) + "expected " + expected + hint + ", got " + describe(value));
    }

    static String invalid(String key, String source) {
        return "Invalid value for '" + key + "' in " + source + ": ";
    }

    /** A short, TOML-flavoured description of a value: {@code integer 3}, {@code string "x"}. */
    static String describe(JsonNode value) {
        String kind;
        if (value.isTextual()) {
            kind = "string";
        } else if (value.isBoolean()) {
            kind = "boolean";
        } else if (value.isIntegralNumber()) {
            kind = "integer";
        } else if (value.isNumber()) {
            kind = "float";
        } else if (value.isArray()) {
            kind = "array";
        } else if (value.isObject()) {
            kind = "table";
        } else {
            kind = value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
        String text = value.toString();
        if (text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        return kind + " " + text;
    }
}
