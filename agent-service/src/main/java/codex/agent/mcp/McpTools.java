package codex.agent.mcp;

import codex.mcp.McpJson;
import codex.mcp.client.McpConnection;
import codex.mcp.client.McpServerSpec;
import codex.protocol.McpServerDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One session's MCP servers: started when the session opens, their tools offered to the model as
 * {@code SERVER__TOOL}, and calls routed to them. A server that fails to start is left out (and
 * reported once by the session); a call to a server that crashed or hangs fails within the tool
 * timeout with a message for the model. Futures complete on the context that started them.
 */
public final class McpTools implements McpToolbox {
    /** No servers: what a session without {@code [mcp_servers]} has. */
    public static final McpTools NONE = new McpTools();

    /** A tool as the model sees it. */
    public record Tool(String name, String server, String tool, String description, Map<String, Object> inputSchema,
                       boolean readOnly) { }

    /**
     * How a call went: {@code result} is the server's CallToolResult as JSON (null when the call
     * itself failed, {@code error} says why); {@code modelText} is what the model is told.
     */
    public record Outcome(JsonNode result, String error, String modelText) {
        public boolean success() {
            return error == null && !(result != null && result.path("isError").asBoolean(false));
        }
    }

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final Map<String, McpConnection> connections = new LinkedHashMap<>();
    private final List<String> startFailures = new ArrayList<>();
    private Future<Void> ready = Future.succeededFuture();

    private McpTools() {
    }

    /** Starts every enabled server of the definitions, in parallel. */
    public static McpTools start(Vertx vertx, Map<String, McpServerDefinition> servers, Map<String, String> env,
                                 String sessionCwd) {
        if (servers == null || servers.values().stream().noneMatch(McpServerDefinition::isEnabled)) {
            return NONE;
        }
        McpTools mcp = new McpTools();
        List<Future<List<McpSchema.Tool>>> started = new ArrayList<>();
        List<String> names = new ArrayList<>();
        servers.forEach((name, def) -> {
            if (!def.isEnabled()) {
                return;
            }
            names.add(name);
            McpServerSpec spec;
            try {
                spec = spec(name, def, env, sessionCwd);
            } catch (IllegalArgumentException e) {
                started.add(Future.failedFuture(e));
                return;
            }
            started.add(McpConnection.open(vertx, spec, line -> { }).compose(c -> {
                mcp.connections.put(name, c);
                return c.listTools();
            }));
        });
        mcp.ready = Future.join(started).transform(ignored -> {
            List<McpToolNames.ServerTool> offered = new ArrayList<>();
            Map<McpToolNames.ServerTool, McpSchema.Tool> byKey = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                String server = names.get(i);
                Future<List<McpSchema.Tool>> f = started.get(i);
                if (f.failed()) {
                    mcp.startFailures.add(f.cause().getMessage().startsWith("MCP server") ? f.cause().getMessage()
                            : "MCP server '" + server + "': " + f.cause().getMessage());
                    McpConnection c = mcp.connections.remove(server);
                    if (c != null) {
                        c.close();
                    }
                    continue;
                }
                McpServerDefinition def = servers.get(server);
                for (McpSchema.Tool t : f.result()) {
                    if (def.offers(t.name())) {
                        McpToolNames.ServerTool key = new McpToolNames.ServerTool(server, t.name());
                        offered.add(key);
                        byKey.put(key, t);
                    }
                }
            }
            McpToolNames.assign(offered).forEach((key, modelName) -> {
                McpSchema.Tool t = byKey.get(key);
                boolean readOnly = t.annotations() != null && Boolean.TRUE.equals(t.annotations().readOnlyHint());
                mcp.tools.put(modelName, new Tool(modelName, key.server(), key.tool(),
                        t.description() == null ? "" : t.description(), t.inputSchema(), readOnly));
            });
            return Future.succeededFuture();
        });
        return mcp;
    }

    static McpServerSpec spec(String name, McpServerDefinition def, Map<String, String> env, String sessionCwd) {
        Duration startup = seconds(def.startupTimeoutSec(), McpServerSpec.DEFAULT_STARTUP_TIMEOUT);
        Duration tool = seconds(def.toolTimeoutSec(), McpServerSpec.DEFAULT_TOOL_TIMEOUT);
        if (def.url() != null) {
            String token = null;
            if (def.bearerTokenEnvVar() != null) {
                token = env.get(def.bearerTokenEnvVar());
                if (token == null || token.isBlank()) {
                    throw new IllegalArgumentException("the environment variable " + def.bearerTokenEnvVar()
                            + " (bearer_token_env_var) is not set");
                }
            }
            return McpServerSpec.http(name, def.url(), token).withTimeouts(startup, tool);
        }
        Path cwd = def.cwd() == null ? Path.of(sessionCwd) : Path.of(sessionCwd).resolve(def.cwd());
        return new McpServerSpec(name, def.command(), def.args(), def.env(), cwd, null, null, startup, tool);
    }

    private static Duration seconds(Double s, Duration fallback) {
        return s == null ? fallback : Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    }

    /** Completes (never fails) once every server has started or failed to. */
    @Override
    public Future<Void> ready() {
        return ready;
    }

    /** One message per server that could not start (after {@link #ready()}). */
    @Override
    public List<String> startFailures() {
        return List.copyOf(startFailures);
    }

    @Override
    public boolean has(String name) {
        return tools.containsKey(name);
    }

    @Override
    public Tool tool(String name) {
        return tools.get(name);
    }

    public List<Tool> tools() {
        return List.copyOf(tools.values());
    }

    /** The function tools for the model request. */
    @Override
    public JsonArray toolSpecs() {
        JsonArray specs = new JsonArray();
        for (Tool t : tools.values()) {
            JsonObject parameters = t.inputSchema() == null ? new JsonObject() : new JsonObject(new LinkedHashMap<>(t.inputSchema()));
            parameters = parameters.copy();
            parameters.remove("$schema");
            if (!parameters.containsKey("type")) {
                parameters.put("type", "object");
            }
            if (!parameters.containsKey("properties")) {
                parameters.put("properties", new JsonObject());
            }
            specs.add(new JsonObject().put("type", "function").put("name", t.name())
                    .put("description", t.description()).put("strict", false).put("parameters", parameters));
        }
        return specs;
    }

    /** Calls the tool; never fails: a failure is an outcome with the error for the model. */
    @Override
    public Future<Outcome> call(String name, Map<String, Object> arguments) {
        Tool t = tools.get(name);
        McpConnection c = t == null ? null : connections.get(t.server());
        if (c == null) {
            String error = "no MCP tool " + name;
            return Future.succeededFuture(new Outcome(null, error, error));
        }
        return c.callTool(t.tool(), arguments).transform(ar -> {
            if (ar.failed()) {
                String error = ar.cause().getMessage();
                return Future.succeededFuture(new Outcome(null, error, "error: " + error));
            }
            JsonNode result = McpJson.MAPPER.valueToTree(ar.result());
            return Future.succeededFuture(new Outcome(result, null, modelText(ar.result())));
        });
    }

    /** Text content as it is (joined by newlines); anything else as the result's JSON. */
    static String modelText(McpSchema.CallToolResult r) {
        boolean allText = r.content() != null && r.content().stream().allMatch(c -> c instanceof McpSchema.TextContent);
        String body;
        if (allText && r.structuredContent() == null) {
            StringBuilder b = new StringBuilder();
            for (McpSchema.Content c : r.content()) {
                if (!b.isEmpty()) {
                    b.append('\n');
                }
                b.append(((McpSchema.TextContent) c).text());
            }
            body = b.toString();
        } else {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("content", r.content());
            if (r.structuredContent() != null) {
                shown.put("structuredContent", r.structuredContent());
            }
            body = McpJson.pretty(shown);
        }
        return Boolean.TRUE.equals(r.isError()) ? "the tool reported an error: " + body : body;
    }

    /** Stops every server (and its processes). */
    @Override
    public Future<Void> close() {
        List<Future<Void>> closing = new ArrayList<>();
        connections.values().forEach(c -> closing.add(c.close()));
        connections.clear();
        return Future.join(closing).mapEmpty();
    }
}
