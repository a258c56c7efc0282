package codex.mcp.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach one MCP server: a command to run with stdio (command, args, env added to ours, cwd)
 * or a Streamable HTTP url with an optional bearer token. Timeouts bound start-up (spawn plus
 * initialize plus the first tools/list) and each tool call.
 */
public record McpServerSpec(String name, String command, List<String> args, Map<String, String> env, Path cwd,
                            String url, String bearerToken, Duration startupTimeout, Duration toolTimeout) {
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofSeconds(60);

    public McpServerSpec {
        Objects.requireNonNull(name, "name");
        if ((command == null) == (url == null)) {
            throw new IllegalArgumentException("MCP server '" + name + "' needs either a command or a url");
        }
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
        startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
        toolTimeout = toolTimeout == null ? DEFAULT_TOOL_TIMEOUT : toolTimeout;
    }

    public static McpServerSpec stdio(String name, String command, List<String> args) {
        return new McpServerSpec(name, command, args, null, null, null, null, null, null);
    }

    public static McpServerSpec http(String name, String url, String bearerToken) {
        return new McpServerSpec(name, null, null, null, null, url, bearerToken, null, null);
    }

    public McpServerSpec withTimeouts(Duration startup, Duration tool) {
        return new McpServerSpec(name, command, args, env, cwd, url, bearerToken, startup, tool);
    }

    public boolean isStdio() {
        return command != null;
    }

    /** What a user recognises in a message: the command line or the url. */
    public String describe() {
        return isStdio() ? String.join(" ", java.util.stream.Stream.concat(java.util.stream.Stream.of(command), args.stream()).toList())
                : url;
    }
}
