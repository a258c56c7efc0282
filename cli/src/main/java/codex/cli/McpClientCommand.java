package codex.cli;

import codex.mcp.McpJson;
import codex.mcp.client.McpClientException;
import codex.mcp.client.McpConnection;
import codex.mcp.client.McpServerSpec;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mcp-client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connect to an MCP server, initialize, and print its tools/list result as JSON;",
                "with --call, call one tool and print its result instead.",
                "  codex mcp-client -- npx -y @modelcontextprotocol/server-everything",
                "  codex mcp-client --url http://127.0.0.1:3001/mcp --call echo --args '{\"message\":\"hi\"}'"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the server failed (did not start, exited, timed out, refused) or the tool reported an error",
                "2:bad usage"})
public final class McpClientCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", description = "A Streamable HTTP server instead of a command.")
    String url;

    @Option(names = "--bearer-token-env-var", paramLabel = "VAR",
            description = "With --url: send the value of environment variable VAR as the bearer token.")
    String bearerTokenEnvVar;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "An environment variable for the server command (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--call", paramLabel = "TOOL", description = "Call this tool and print the result.")
    String call;

    @Option(names = "--args", paramLabel = "JSON", description = "The tool's arguments as a JSON object (default {}).")
    String args;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Start-up timeout: spawn, initialize, tools/list (default ${DEFAULT-VALUE}).")
    double startupTimeout;

    @Option(names = "--tool-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Timeout of the --call (default ${DEFAULT-VALUE}).")
    double toolTimeout;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The server command and its arguments, after --.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        if ((url == null) == command.isEmpty()) {
            System.err.println("error: give either a server command (after --) or --url URL");
            return 2;
        }
        Map<String, Object> arguments = Map.of();
        if (args != null) {
            if (call == null) {
                System.err.println("error: --args needs --call TOOL");
                return 2;
            }
            try {
                arguments = McpJson.MAPPER.readValue(args, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
            } catch (Exception e) {
                System.err.println("error: --args is not a JSON object: " + e.getMessage());
                return 2;
            }
            if (arguments == null) {
                System.err.println("error: --args is not a JSON object");
                return 2;
            }
        }
        String token = null;
        if (bearerTokenEnvVar != null) {
            token = System.getenv(bearerTokenEnvVar);
            if (token == null || token.isEmpty()) {
                System.err.println("error: environment variable " + bearerTokenEnvVar + " is not set");
                return 2;
            }
        }
        String name = url != null ? java.net.URI.create(url).getHost() : java.nio.file.Path.of(command.get(0)).getFileName().toString();
        McpServerSpec spec = (url != null ? McpServerSpec.http(name == null ? url : name, url, token)
                : new McpServerSpec(name, command.get(0), command.subList(1, command.size()), env, null, null, null, null, null))
                .withTimeouts(seconds(startupTimeout), seconds(toolTimeout));
        Vertx vertx = Services.newLocalVertx();
        Map<String, Object> callArguments = arguments;
        try {
            Future<String> output = McpConnection.open(vertx, spec, null).compose(connection -> {
                Future<String> work = call == null
                        ? connection.listTools().map(tools -> McpJson.pretty(new McpSchema.ListToolsResult(tools, null)))
                        : connection.callTool(call, callArguments).map(result -> {
                            toolFailed = Boolean.TRUE.equals(result.isError());
                            return McpJson.pretty(result);
                        });
                return work.eventually(connection::close);
            });
            System.out.println(output.toCompletionStage().toCompletableFuture().get(
                    (long) (startupTimeout + toolTimeout + 30), TimeUnit.SECONDS));
            System.out.flush();
            return toolFailed ? 1 : 0;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            System.err.println("error: " + (cause instanceof McpClientException ? cause.getMessage() : String.valueOf(cause)));
            return 1;
        } catch (Exception e) {
            System.err.println("error: " + e);
            return 1;
        } finally {
            vertx.close();
        }
    }

    private volatile boolean toolFailed;

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    }
}
