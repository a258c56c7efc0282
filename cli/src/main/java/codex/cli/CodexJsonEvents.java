package codex.cli;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Our protocol events as today's Codex CLI prints them with {@code exec --json} (checked against
 * Codex CLI 0.171 by {@code CodexJsonSchemaComparisonTest}): {@code thread.started}, {@code turn.started},
 * {@code item.started} / {@code item.completed} with items {@code agent_message}, {@code reasoning},
 * {@code command_execution}, {@code file_change}, {@code mcp_tool_call} ({@code server}, {@code tool},
 * {@code arguments}, {@code result: {content, structured_content}} or {@code error: {message}}, {@code status}:
 * failed when the call failed or the tool reported {@code isError}), {@code error}, then {@code turn.completed} with the
 * turn's summed usage, or {@code error} + {@code turn.failed}. Deltas are not printed (Codex prints whole
 * items). One instance per exec run; not thread-safe (events arrive in order on one thread).
 */
final class CodexJsonEvents {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Path cwd;
    private int nextItem;
    private boolean threadStarted;
    private final Map<String, ObjectNode> running = new HashMap<>();
    private final Map<String, StringBuilder> output = new HashMap<>();
    private long inputTokens;
    private long cachedInputTokens;
    private long outputTokens;
    private long reasoningOutputTokens;
    private String lastError;

    /** @param cwd the session's working directory, to make patch paths absolute as Codex prints them */
    CodexJsonEvents(Path cwd) {
        this.cwd = cwd;
    }

    /** The lines (zero or more) to print for this event, in order. */
    List<ObjectNode> map(Event event) {
        List<ObjectNode> out = new ArrayList<>();
        EventMsg msg = event.msg();
        if (msg instanceof EventMsg.SessionConfigured sc) {
            if (!threadStarted) {
                threadStarted = true;
                out.add(event("thread.started").put("thread_id", sc.sessionId()));
            }
        } else if (msg instanceof EventMsg.TaskStarted) {
            inputTokens = cachedInputTokens = outputTokens = reasoningOutputTokens = 0;
            lastError = null;
            out.add(event("turn.started"));
        } else if (msg instanceof EventMsg.AgentMessage m) {
            out.add(item("item.completed", newItem("agent_message").put("text", m.message())));
        } else if (msg instanceof EventMsg.AgentReasoning r) {
            out.add(item("item.completed", newItem("reasoning").put("text", r.text())));
        } else if (msg instanceof EventMsg.ExecCommandBegin b) {
            ObjectNode item = newItem("command_execution");
            item.put("command", ShellQuote.join(b.command()));
            item.put("aggregated_output", "");
            item.putNull("exit_code");
            item.put("status", "in_progress");
            running.put(b.callId(), item);
            output.put(b.callId(), new StringBuilder());
            out.add(item("item.started", item.deepCopy()));
        } else if (msg instanceof EventMsg.ExecCommandOutputDelta d) {
            StringBuilder sb = output.get(d.callId());
            if (sb != null) {
                sb.append(d.chunk());
            }
        } else if (msg instanceof EventMsg.ExecCommandEnd e) {
            ObjectNode item = running.remove(e.callId());
            StringBuilder sb = output.remove(e.callId());
            if (item == null) {
                item = newItem("command_execution").put("command", "");
            }
            String aggregated = sb != null && sb.length() > 0 ? sb.toString()
                    : nullToEmpty(e.stdout()) + nullToEmpty(e.stderr());
            item.put("aggregated_output", aggregated);
            item.put("exit_code", e.exitCode());
            item.put("status", e.exitCode() == 0 ? "completed" : "failed");
            out.add(item("item.completed", item));
        } else if (msg instanceof EventMsg.PatchApplyBegin p) {
            ObjectNode item = newItem("file_change");
            ArrayNode changes = item.putArray("changes");
            p.changes().forEach((path, change) -> changes.addObject()
                    .put("path", absolute(path))
                    .put("kind", change == null || change.kind() == null ? "update" : change.kind()));
            item.put("status", "in_progress");
            running.put(p.callId(), item);
            out.add(item("item.started", item.deepCopy()));
        } else if (msg instanceof EventMsg.PatchApplyEnd e) {
            ObjectNode item = running.remove(e.callId());
            if (item == null) {
                item = newItem("file_change");
                item.putArray("changes");
            }
            item.put("status", e.success() ? "completed" : "failed");
            out.add(item("item.completed", item));
        } else if (msg instanceof EventMsg.McpToolCallBegin b) {
            ObjectNode item = mcpItem(b.invocation());
            item.putNull("result");
            item.putNull("error");
            item.put("status", "in_progress");
            running.put(b.callId(), item);
            out.add(item("item.started", item.deepCopy()));
        } else if (msg instanceof EventMsg.McpToolCallEnd e) {
            ObjectNode item = running.remove(e.callId());
            if (item == null) {
                item = mcpItem(e.invocation());
            }
            boolean failed = e.result() == null || e.result().path("isError").asBoolean(false);
            if (e.result() != null) {
                // MCP's CallToolResult (camelCase) as Codex prints it: content, structured_content
                ObjectNode result = item.putObject("result");
                result.set("content", e.result().has("content") ? e.result().get("content") : JSON.arrayNode());
                result.set("structured_content", e.result().has("structuredContent")
                        ? e.result().get("structuredContent") : JSON.nullNode());
                item.putNull("error");
            } else {
                item.putNull("result");
                item.putObject("error").put("message", e.error() == null ? "the MCP tool call failed" : e.error());
            }
            item.put("status", failed ? "failed" : "completed");
            out.add(item("item.completed", item));
        } else if (msg instanceof EventMsg.TokenCount t) {
            inputTokens += t.inputTokens();
            cachedInputTokens += t.cachedInputTokens();
            outputTokens += t.outputTokens();
            reasoningOutputTokens += t.reasoningOutputTokens();
        } else if (msg instanceof EventMsg.BackgroundEvent b) {
            // a notice that does not end the turn (a retry): Codex prints its warnings as error items
            out.add(item("item.completed", newItem("error").put("message", b.message())));
        } else if (msg instanceof EventMsg.Error e) {
            lastError = e.message();
            out.add(event("error").put("message", e.message()));
        } else if (msg instanceof EventMsg.TaskComplete) {
            ObjectNode done = event("turn.completed");
            done.putObject("usage")
                    .put("input_tokens", inputTokens)
                    .put("cached_input_tokens", cachedInputTokens)
                    .put("cache_write_input_tokens", 0)
                    .put("output_tokens", outputTokens)
                    .put("reasoning_output_tokens", reasoningOutputTokens);
            out.add(done);
        } else if (msg instanceof EventMsg.TurnAborted a) {
            String why = lastError != null ? lastError
                    : "interrupted".equals(a.reason()) ? "the turn was interrupted" : "the turn was aborted (" + a.reason() + ")";
            ObjectNode failed = event("turn.failed");
            failed.putObject("error").put("message", why);
            out.add(failed);
        }
        // agent_message_delta, exec approval requests (exec never asks), shutdown, unknown: nothing
        return out;
    }

    private ObjectNode mcpItem(EventMsg.McpInvocation invocation) {
        ObjectNode item = newItem("mcp_tool_call");
        item.put("server", invocation == null ? "" : invocation.server());
        item.put("tool", invocation == null ? "" : invocation.tool());
        item.set("arguments", invocation == null || invocation.arguments() == null ? JSON.nullNode() : invocation.arguments());
        return item;
    }

    private String absolute(String path) {
        Path p = Path.of(path);
        return (p.isAbsolute() || cwd == null ? p : cwd.resolve(p)).normalize().toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static ObjectNode event(String type) {
        return JSON.objectNode().put("type", type);
    }

    private ObjectNode newItem(String type) {
        return JSON.objectNode().put("id", "item_" + nextItem++).put("type", type);
    }

    private static ObjectNode item(String type, ObjectNode item) {
        ObjectNode e = event(type);
        e.set("item", item);
        return e;
    }
}
