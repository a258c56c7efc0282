package codex.agent;

import codex.agent.mcp.McpToolbox;
import codex.agent.mcp.McpTools;
import codex.execpolicy.SessionApprovals;
import codex.mcp.McpJson;
import codex.protocol.EventMsg;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A call to an MCP tool under the approval policy ({@link SessionApprovals#forMcpTool}): asks when
 * told to, then calls the server between {@code mcp_tool_call_begin} and {@code mcp_tool_call_end}.
 * The model always gets an answer: the tool's content, or why there is none (refused, the server
 * crashed, timed out). An interrupt ends the wait at once.
 */
final class McpFlow {
    static final String DENIED_OUTPUT = "MCP tool call rejected by user: do not call it again; ask the user or try another way";

    private final SessionContext session;
    private final Supplier<SessionApprovals> approvals;
    private final Supplier<McpToolbox> tools;
    private final UserQuestions questions;

    McpFlow(SessionContext session, Supplier<SessionApprovals> approvals, Supplier<McpToolbox> tools, UserQuestions questions) {
        this.session = session;
        this.approvals = approvals;
        this.tools = tools;
        this.questions = questions;
    }

    boolean handles(String name) {
        return tools.get().has(name);
    }

    /** Completes with the text for the model; fails on interrupt or with {@link TurnAbortedByUser}. */
    Future<String> run(Turn turn, String callId, String name, String arguments) {
        McpTools.Tool tool = tools.get().tool(name);
        JsonNode args;
        try {
            args = arguments == null || arguments.isBlank() ? McpJson.MAPPER.createObjectNode() : McpJson.MAPPER.readTree(arguments);
        } catch (Exception e) {
            args = null;
        }
        if (!(args instanceof ObjectNode)) {
            return Future.succeededFuture("error: the arguments of " + name + " must be a JSON object, got: " + arguments);
        }
        EventMsg.McpInvocation invocation = new EventMsg.McpInvocation(tool.server(), tool.tool(), args);
        SessionApprovals.McpTool decision = approvals.get().forMcpTool(name, tool.readOnly());
        if (!decision.ask()) {
            return call(turn, callId, name, invocation);
        }
        EventMsg.ExecApprovalRequest question = new EventMsg.ExecApprovalRequest(callId,
                List.of("mcp", tool.server(), tool.tool(), args.toString()), session.config().cwd(), decision.reason());
        return questions.ask(turn, callId, question).compose(review -> {
            approvals.get().recordMcpToolAnswer(name, review);
            return switch (review) {
                case APPROVED, APPROVED_FOR_SESSION -> call(turn, callId, name, invocation);
                case DENIED -> Future.succeededFuture(DENIED_OUTPUT);
                case ABORT -> Future.failedFuture(new TurnAbortedByUser());
            };
        });
    }

    @SuppressWarnings("unchecked")
    private Future<String> call(Turn turn, String callId, String name, EventMsg.McpInvocation invocation) {
        if (turn.interrupted) {
            return Future.failedFuture("interrupted");
        }
        session.emit(turn, new EventMsg.McpToolCallBegin(callId, invocation));
        long start = System.nanoTime();
        Promise<McpTools.Outcome> outcome = Promise.promise();
        Runnable onInterrupt = () -> outcome.tryFail("interrupted");
        turn.onInterrupt.add(onInterrupt);
        Map<String, Object> arguments = McpJson.MAPPER.convertValue(invocation.arguments(), Map.class);
        tools.get().call(name, arguments).onComplete(ar -> {
            if (ar.succeeded()) {
                outcome.tryComplete(ar.result());
            } else {
                outcome.tryFail(ar.cause());
            }
        });
        return outcome.future().transform(ar -> {
            turn.onInterrupt.remove(onInterrupt);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (ar.failed()) {
                session.emit(turn, new EventMsg.McpToolCallEnd(callId, invocation, ms, null,
                        "interrupted by the user before the tool answered"));
                return Future.failedFuture(ar.cause());
            }
            McpTools.Outcome o = ar.result();
            session.emit(turn, new EventMsg.McpToolCallEnd(callId, invocation, ms, o.result(), o.error()));
            return Future.succeededFuture(o.modelText());
        });
    }
}
