package codex.protocol;

import java.util.List;
import java.util.Map;

/**
 * One {@code [mcp_servers.NAME]} entry of config.toml, as today's Codex reads it: a command to
 * run over stdio ({@code command}, {@code args}, {@code env}, {@code cwd}) or a Streamable HTTP
 * {@code url} with the bearer token in the environment variable {@code bearer_token_env_var}.
 * Timeouts in seconds (null: 10 s to start, 60 s per tool call); {@code enabled} false skips the
 * server; {@code enabled_tools} (when set) and {@code disabled_tools} choose which tools the model sees.
 */
public record McpServerDefinition(String command, List<String> args, Map<String, String> env, String cwd,
                                  String url, String bearerTokenEnvVar, Double startupTimeoutSec,
                                  Double toolTimeoutSec, Boolean enabled, List<String> enabledTools,
                                  List<String> disabledTools) {

    public McpServerDefinition {
        if ((command == null) == (url == null)) {
            throw new IllegalArgumentException("an MCP server needs either command (stdio) or url (Streamable HTTP)");
        }
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
        enabledTools = enabledTools == null ? null : List.copyOf(enabledTools);
        disabledTools = disabledTools == null ? List.of() : List.copyOf(disabledTools);
    }

    public static McpServerDefinition stdio(String command, List<String> args) {
        return new McpServerDefinition(command, args, null, null, null, null, null, null, null, null, null);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** Whether the model may see this tool of the server. */
    public boolean offers(String tool) {
        return (enabledTools == null || enabledTools.contains(tool)) && !disabledTools.contains(tool);
    }
}
