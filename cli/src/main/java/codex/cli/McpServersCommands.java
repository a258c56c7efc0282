package codex.cli;

import codex.config.CodexConfig;
import codex.config.ConfigException;
import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import codex.config.McpServersToml;
import codex.protocol.McpServerDefinition;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code codex mcp list|get|add|remove}: the {@code [mcp_servers]} of config.toml, managed as
 * today's Codex does (same flags, output, {@code --json} shapes, messages and exit codes), written
 * surgically ({@link McpServersToml}) so the user's comments and order stay.
 */
final class McpServersCommands {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** JSON as today's Codex prints it (serde_json's pretty form: two spaces, {@code "k": v}, {@code []}). */
    private static final com.fasterxml.jackson.databind.ObjectWriter PRETTY = JSON.writer(serdePretty());

    private static com.fasterxml.jackson.core.util.DefaultPrettyPrinter serdePretty() {
        var indent = new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n");
        var separators = com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
                .withArrayEmptySeparator("").withObjectEmptySeparator("");
        return new com.fasterxml.jackson.core.util.DefaultPrettyPrinter(separators)
                .withObjectIndenter(indent).withArrayIndenter(indent);
    }
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-:@/.]+");

    private McpServersCommands() {
    }

    /** What every `codex mcp` subcommand shares: the parent's options and its own `-c` overrides. */
    abstract static class ServerCommand {
        @ParentCommand
        McpCommand parent;

        @Option(names = {"-c", "--config"}, paramLabel = "key=value",
                description = "Override a config value (repeatable; add and remove check it but do not apply it).")
        List<String> overrides = new ArrayList<>();

        /** The config options of `codex mcp [-c …] [-p …] SUB [-c …]`: the parent's overrides first. */
        ConfigOptions options() {
            List<String> all = new ArrayList<>(parent.overrides);
            all.addAll(overrides);
            return new ConfigOptions(null, System.getenv(), all, parent.profile, null, null, null, null, null, null);
        }

        /** The loaded config, or null once what is wrong with it has been said on stderr. */
        CodexConfig loadOrSay() {
            try {
                return ConfigLoader.load(options());
            } catch (ConfigException e) {
                System.err.println("Error: " + e.getMessage());
                return null;
            }
        }
    }

    static boolean validName(String name) {
        if (!NAME.matcher(name).matches()) {
            System.err.println("Error: invalid server name '" + name + "' (use letters, numbers, '-', '_', ':', '@', '/', '.')");
            return false;
        }
        return true;
    }

    private static String masked(Map<String, String> env) {
        if (env.isEmpty()) {
            return "-";
        }
        List<String> pairs = new ArrayList<>();
        new TreeMap<>(env).keySet().forEach(k -> pairs.add(k + "=*****"));
        return String.join(", ", pairs);
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String seconds(Double s) {
        return s % 1 == 0 ? String.valueOf(s.longValue()) : String.valueOf(s);
    }

    /** The transport object of the JSON output, as today's Codex writes it. */
    private static Map<String, Object> transport(McpServerDefinition s) {
        Map<String, Object> t = new LinkedHashMap<>();
        if (s.command() != null) {
            t.put("type", "stdio");
            t.put("command", s.command());
            t.put("args", s.args());
            t.put("env", s.env().isEmpty() ? null : new TreeMap<>(s.env()));
            t.put("env_vars", List.of());
            t.put("cwd", s.cwd());
        } else {
            t.put("type", "streamable_http");
            t.put("url", s.url());
            t.put("bearer_token_env_var", s.bearerTokenEnvVar());
            t.put("http_headers", null);
            t.put("env_http_headers", null);
            t.put("http_headers_helper", null);
        }
        return t;
    }

    private static String authStatus(McpServerDefinition s) {
        if (s.command() != null) {
            return "unsupported";
        }
        return s.bearerTokenEnvVar() != null ? "bearer_token" : "unknown"; // no OAuth here: what it needs is not known
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the configured MCP servers ([mcp_servers] in config.toml).")
    static final class ListServers extends ServerCommand implements Callable<Integer> {
        @Option(names = "--json", description = "Output the configured servers as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            CodexConfig config = loadOrSay();
            if (config == null) {
                return 1;
            }
            Map<String, McpServerDefinition> servers = new TreeMap<>(config.mcpServers());
            if (json) {
                List<Map<String, Object>> out = new ArrayList<>();
                servers.forEach((name, s) -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("name", name);
                    o.put("enabled", s.isEnabled());
                    o.put("disabled_reason", null);
                    o.put("transport", transport(s));
                    o.put("startup_timeout_sec", s.startupTimeoutSec());
                    o.put("tool_timeout_sec", s.toolTimeoutSec());
                    o.put("auth_status", authStatus(s));
                    out.add(o);
                });
                System.out.println(PRETTY.writeValueAsString(out));
                return 0;
            }
            if (servers.isEmpty()) {
                System.out.println("No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.");
                return 0;
            }
            List<String[]> stdio = new ArrayList<>();
            List<String[]> http = new ArrayList<>();
            servers.forEach((name, s) -> {
                String status = s.isEnabled() ? "enabled" : "disabled";
                if (s.command() != null) {
                    stdio.add(new String[]{name, s.command(), s.args().isEmpty() ? "-" : String.join(" ", s.args()),
                            masked(s.env()), orDash(s.cwd()), status, "Unsupported"});
                } else {
                    http.add(new String[]{name, s.url(), orDash(s.bearerTokenEnvVar()), status,
                            s.bearerTokenEnvVar() != null ? "Bearer token" : "Unknown"});
                }
            });
            StringBuilder out = new StringBuilder();
            if (!stdio.isEmpty()) {
                table(out, new String[]{"Name", "Command", "Args", "Env", "Cwd", "Status", "Auth"}, stdio);
            }
            if (!http.isEmpty()) {
                if (!stdio.isEmpty()) {
                    out.append('\n');
                }
                table(out, new String[]{"Name", "Url", "Bearer Token Env Var", "Status", "Auth"}, http);
            }
            System.out.print(out);
            return 0;
        }

        private static void table(StringBuilder out, String[] header, List<String[]> rows) {
            int[] widths = new int[header.length];
            for (int i = 0; i < header.length; i++) {
                widths[i] = header[i].length();
                for (String[] r : rows) {
                    widths[i] = Math.max(widths[i], r[i].length());
                }
            }
            List<String[]> all = new ArrayList<>();
            all.add(header);
            all.addAll(rows);
            for (String[] r : all) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    if (i > 0) {
                        line.append("  ");
                    }
                    line.append(r[i]).append(" ".repeat(widths[i] - r[i].length()));
                }
                out.append(line).append('\n');
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one configured MCP server.")
    static final class GetServer extends ServerCommand implements Callable<Integer> {
        @Option(names = "--json", description = "Output the server configuration as JSON.")
        boolean json;

        @Parameters(paramLabel = "NAME", description = "Name of the MCP server to display.")
        String name;

        @Override
        public Integer call() throws IOException {
            CodexConfig config = loadOrSay();
            if (config == null) {
                return 1;
            }
            McpServerDefinition s = config.mcpServers().get(name);
            if (s == null) {
                System.err.println("Error: No MCP server named '" + name + "' found.");
                return 1;
            }
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", name);
                o.put("enabled", s.isEnabled());
                o.put("disabled_reason", null);
                o.put("transport", transport(s));
                o.put("enabled_tools", s.enabledTools());
                o.put("disabled_tools", s.disabledTools().isEmpty() ? null : s.disabledTools());
                o.put("startup_timeout_sec", s.startupTimeoutSec());
                o.put("tool_timeout_sec", s.toolTimeoutSec());
                System.out.println(PRETTY.writeValueAsString(o));
                return 0;
            }
            if (!s.isEnabled()) {
                System.out.println(name + " (disabled)");
                return 0;
            }
            StringBuilder out = new StringBuilder(name).append('\n');
            out.append("  enabled: true\n");
            if (s.enabledTools() != null) {
                out.append("  enabled_tools: ").append(String.join(", ", s.enabledTools())).append('\n');
            }
            if (!s.disabledTools().isEmpty()) {
                out.append("  disabled_tools: ").append(String.join(", ", s.disabledTools())).append('\n');
            }
            if (s.command() != null) {
                out.append("  transport: stdio\n");
                out.append("  command: ").append(s.command()).append('\n');
                out.append("  args: ").append(s.args().isEmpty() ? "-" : String.join(" ", s.args())).append('\n');
                out.append("  cwd: ").append(orDash(s.cwd())).append('\n');
                out.append("  env: ").append(masked(s.env())).append('\n');
            } else {
                out.append("  transport: streamable_http\n");
                out.append("  url: ").append(s.url()).append('\n');
                out.append("  bearer_token_env_var: ").append(orDash(s.bearerTokenEnvVar())).append('\n');
                out.append("  http_headers: -\n  env_http_headers: -\n  http_headers_helper: -\n");
            }
            if (s.startupTimeoutSec() != null) {
                out.append("  startup_timeout_sec: ").append(seconds(s.startupTimeoutSec())).append('\n');
            }
            if (s.toolTimeoutSec() != null) {
                out.append("  tool_timeout_sec: ").append(seconds(s.toolTimeoutSec())).append('\n');
            }
            out.append("  remove: codex mcp remove ").append(name).append('\n');
            System.out.print(out);
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            customSynopsis = "codex mcp add [OPTIONS] <NAME> (--url <URL> | -- <COMMAND>...)",
            description = "Add (or replace) a global MCP server in config.toml: a command after --, or --url.")
    static final class AddServer extends ServerCommand implements Callable<Integer> {
        @Option(names = "--env", paramLabel = "KEY=VALUE",
                description = "Environment variables to set when launching the server. Only valid with stdio servers.")
        List<String> env = new ArrayList<>();

        @Option(names = "--url", paramLabel = "URL", description = "URL for a streamable HTTP MCP server.")
        String url;

        @Option(names = "--bearer-token-env-var", paramLabel = "ENV_VAR",
                description = "Optional environment variable to read for a bearer token. Only valid with streamable HTTP servers.")
        String bearerTokenEnvVar;

        @Parameters(index = "0", paramLabel = "NAME", description = "Name for the MCP server configuration.")
        String name;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND",
                description = "Command to launch the MCP server. Use --url for a streamable HTTP server.")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            String usage = "Usage: codex mcp add [OPTIONS] <NAME> (--url <URL> | -- <COMMAND>...)\n"
                    + "For more information, try '--help'.";
            if (url == null && command.isEmpty()) {
                System.err.println("error: the following required arguments were not provided:\n  <COMMAND|--url <URL>>\n"
                        + usage);
                return 2;
            }
            if (url != null && !command.isEmpty()) {
                System.err.println("error: the argument '--url <URL>' cannot be used with '[COMMAND]...'\n" + usage);
                return 2;
            }
            Map<String, String> envMap = new LinkedHashMap<>();
            for (String pair : env) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || pair.substring(0, eq).isBlank()) {
                    System.err.println("error: invalid value '" + pair + "' for '--env <KEY=VALUE>': environment entries"
                            + " must be in KEY=VALUE form\nFor more information, try '--help'.");
                    return 2;
                }
                envMap.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
            }
            if (!validName(name)) {
                return 1;
            }
            if (url != null && !envMap.isEmpty()) {
                System.err.println("Error: --env is only valid with stdio servers (a command after --)");
                return 1;
            }
            if (url == null && bearerTokenEnvVar != null) {
                System.err.println("Error: --bearer-token-env-var is only valid with streamable HTTP servers (--url)");
                return 1;
            }
            McpServersToml.Entry entry = url != null ? new McpServersToml.Entry(null, null, null, url, bearerTokenEnvVar)
                    : new McpServersToml.Entry(command.get(0), command.subList(1, command.size()), envMap, null, null);
            return edit(options(), text -> McpServersToml.put(text, name, entry),
                    "Added global MCP server '" + name + "'.");
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a global MCP server from config.toml.")
    static final class RemoveServer extends ServerCommand implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "Name of the MCP server configuration to remove.")
        String name;

        @Override
        public Integer call() {
            if (!validName(name)) {
                return 1;
            }
            boolean[] found = {true};
            int code = edit(options(), text -> McpServersToml.remove(text, name).orElseGet(() -> {
                found[0] = false;
                return null;
            }), "Removed global MCP server '" + name + "'.");
            if (code == 0 && !found[0]) {
                System.out.println("No MCP server named '" + name + "' found.");
            }
            return code;
        }
    }

    /**
     * Reads config.toml, applies the edit (null: nothing to write), writes it back atomically with
     * its permissions, and says {@code done}.
     */
    private static int edit(ConfigOptions options, java.util.function.UnaryOperator<String> change, String done) {
        Path home = ConfigLoader.resolveCodexHome(options);
        Path file = home.resolve(ConfigLoader.CONFIG_FILE_NAME);
        try {
            // the overrides are checked (as today's Codex does) though an edit of the file ignores them
            ConfigLoader.load(options);
        } catch (ConfigException e) {
            if (e.getMessage() != null && e.getMessage().contains("-c override")) {
                System.err.println("Error: " + e.getMessage());
                return 1;
            }
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            text = "";
        } catch (IOException e) {
            System.err.println("Error: failed to read " + file + ": " + e.getMessage());
            return 1;
        }
        String changed;
        try {
            changed = change.apply(text);
        } catch (ConfigException e) {
            System.err.println("Error: " + e.getMessage() + " (" + file + ")");
            return 1;
        }
        if (changed == null) {
            return 0;
        }
        try {
            Files.createDirectories(home);
            Path tmp = Files.createTempFile(home, ".config.toml.", ".tmp");
            try {
                Files.writeString(tmp, changed);
                if (Files.exists(file)) {
                    try {
                        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                        Files.setPosixFilePermissions(tmp, perms);
                    } catch (UnsupportedOperationException ignored) {
                        // not a POSIX file system
                    }
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            System.err.println("Error: failed to write MCP servers to " + file + ": " + e.getMessage());
            return 1;
        }
        System.out.println(done);
        return 0;
    }
}
