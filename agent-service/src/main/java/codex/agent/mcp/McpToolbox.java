package codex.agent.mcp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Map;

/** What a session needs from its MCP servers (the seam {@link McpTools} fills; tests use a fake). */
public interface McpToolbox {
    /** Completes, never fails, when every server has started or failed to. */
    Future<Void> ready();

    /** One message per server that could not start. */
    List<String> startFailures();

    boolean has(String name);

    McpTools.Tool tool(String name);

    /** The function tools for the model request. */
    JsonArray toolSpecs();

    /** Never fails: a failed call is an outcome whose error the model is told. */
    Future<McpTools.Outcome> call(String name, Map<String, Object> arguments);

    Future<Void> close();
}
