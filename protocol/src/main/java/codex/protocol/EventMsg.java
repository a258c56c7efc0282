package codex.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every message the system can say to a client. The JSON {@code type} names are the contract. A {@code type} this
 * build does not know (a newer agent) decodes to {@link Unknown}, which keeps the raw JSON: front ends skip it or
 * show it generically, and re-encoding it gives back the same JSON.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = EventMsg.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = EventMsg.SessionConfigured.class, name = "session_configured"),
    @JsonSubTypes.Type(value = EventMsg.TaskStarted.class, name = "task_started"),
    @JsonSubTypes.Type(value = EventMsg.UserMessage.class, name = "user_message"),
    @JsonSubTypes.Type(value = EventMsg.AgentMessageDelta.class, name = "agent_message_delta"),
    @JsonSubTypes.Type(value = EventMsg.AgentMessage.class, name = "agent_message"),
    @JsonSubTypes.Type(value = EventMsg.AgentReasoning.class, name = "agent_reasoning"),
    @JsonSubTypes.Type(value = EventMsg.ExecCommandBegin.class, name = "exec_command_begin"),
    @JsonSubTypes.Type(value = EventMsg.ExecCommandOutputDelta.class, name = "exec_command_output_delta"),
    @JsonSubTypes.Type(value = EventMsg.ExecCommandEnd.class, name = "exec_command_end"),
    @JsonSubTypes.Type(value = EventMsg.ExecApprovalRequest.class, name = "exec_approval_request"),
    @JsonSubTypes.Type(value = EventMsg.ApplyPatchApprovalRequest.class, name = "apply_patch_approval_request"),
    @JsonSubTypes.Type(value = EventMsg.ApprovalResolved.class, name = "approval_resolved"),
    @JsonSubTypes.Type(value = EventMsg.PatchApplyBegin.class, name = "patch_apply_begin"),
    @JsonSubTypes.Type(value = EventMsg.PatchApplyEnd.class, name = "patch_apply_end"),
    @JsonSubTypes.Type(value = EventMsg.TokenCount.class, name = "token_count"),
    @JsonSubTypes.Type(value = EventMsg.Error.class, name = "error"),
    @JsonSubTypes.Type(value = EventMsg.BackgroundEvent.class, name = "background_event"),
    @JsonSubTypes.Type(value = EventMsg.TurnAborted.class, name = "turn_aborted"),
    @JsonSubTypes.Type(value = EventMsg.TaskComplete.class, name = "task_complete"),
    @JsonSubTypes.Type(value = EventMsg.ShutdownComplete.class, name = "shutdown_complete"),
    @JsonSubTypes.Type(value = EventMsg.McpToolCallBegin.class, name = "mcp_tool_call_begin"),
    @JsonSubTypes.Type(value = EventMsg.McpToolCallEnd.class, name = "mcp_tool_call_end"),
})
public sealed interface EventMsg {

    /** The session is ready (first event of every session, again after configure_session). */
    record SessionConfigured(String sessionId, String model, String provider, String cwd,
                             String approvalPolicy, List<String> sandboxPermissions,
                             boolean resumed) implements EventMsg { }

    /** A turn began (the model is about to be asked). */
    record TaskStarted() implements EventMsg { }

    /**
     * The user's input that started the turn (right after its task_started; the event's id is the
     * submission's), so every client of the session, and a replay, shows what was asked.
     */
    record UserMessage(String message) implements EventMsg { }

    /** A piece of the assistant's text while it streams. */
    record AgentMessageDelta(String delta) implements EventMsg { }

    /** A complete assistant message. */
    record AgentMessage(String message) implements EventMsg { }

    /** A reasoning summary from the model. */
    record AgentReasoning(String text) implements EventMsg { }

    /** A command is about to run; {@code sandboxed} is false when the user approved running it outside the sandbox. */
    record ExecCommandBegin(String callId, List<String> command, String cwd, boolean sandboxed) implements EventMsg { }

    /** Output of a running command; stream is "stdout" or "stderr". */
    record ExecCommandOutputDelta(String callId, String stream, String chunk) implements EventMsg { }

    /** A command finished. exit_code is 128+signal when killed; stdout/stderr are capped. */
    record ExecCommandEnd(String callId, int exitCode, long durationMs, String stdout, String stderr,
                          boolean timedOut, boolean sandboxDenied) implements EventMsg { }

    /**
     * The agent waits for an {@code exec_approval} with this call_id. approval_id is made by the
     * agent and unique for ever (call ids repeat across turns and sessions): an answer that names it
     * answers this request and no other.
     */
    record ExecApprovalRequest(String callId, List<String> command, String cwd, String reason,
                               String approvalId) implements EventMsg {
        public ExecApprovalRequest(String callId, List<String> command, String cwd, String reason) {
            this(callId, command, cwd, reason, null);
        }
    }

    /** The agent waits for a {@code patch_approval} with this call_id. changes: path → change. approval_id as above. */
    record ApplyPatchApprovalRequest(String callId, Map<String, FileChange> changes, String reason,
                                     String grantRoot, String approvalId) implements EventMsg {
        public ApplyPatchApprovalRequest(String callId, Map<String, FileChange> changes, String reason, String grantRoot) {
            this(callId, changes, reason, grantRoot, null);
        }
    }

    /**
     * An approval request is settled: answered (decided_by names the identity that answered, when
     * known; never a token), timed out, or cancelled with its turn. decision: approved |
     * approved_for_session | denied | abort. reason says how, for people.
     */
    record ApprovalResolved(String approvalId, String callId, String decision, String decidedBy,
                            String reason) implements EventMsg { }

    /** A patch is about to be applied. */
    record PatchApplyBegin(String callId, boolean autoApproved, Map<String, FileChange> changes) implements EventMsg { }

    /** A patch was applied (or failed); stdout lists what changed, stderr says why it failed. */
    record PatchApplyEnd(String callId, String stdout, String stderr, boolean success) implements EventMsg { }

    /** Token usage of the last model response. */
    record TokenCount(long inputTokens, long cachedInputTokens, long outputTokens,
                      long reasoningOutputTokens, long totalTokens) implements EventMsg { }

    /** Something went wrong; the message is meant for the user. */
    record Error(String message) implements EventMsg { }

    /** Informational notice (e.g. a retry). */
    record BackgroundEvent(String message) implements EventMsg { }

    /** The turn ended early; reason: interrupted | aborted_by_user | error. */
    record TurnAborted(String reason) implements EventMsg { }

    /** The turn is over; last_agent_message may be null. */
    record TaskComplete(String lastAgentMessage) implements EventMsg { }

    /** The session ended. */
    record ShutdownComplete() implements EventMsg { }

    /** The agent calls a tool of an MCP server (after any approval). */
    record McpToolCallBegin(String callId, McpInvocation invocation) implements EventMsg { }

    /**
     * The MCP tool call ended. {@code result} is the server's CallToolResult as it sent it (MCP's own
     * camelCase keys, {@code isError} for a tool's own failure); null when the call itself failed, and
     * then {@code error} says why (the server crashed, timed out, refused the call, an interrupt).
     */
    record McpToolCallEnd(String callId, McpInvocation invocation, long durationMs, JsonNode result, String error)
            implements EventMsg { }

    /** Which server's tool, with which arguments (a JSON object). */
    record McpInvocation(String server, String tool, JsonNode arguments) { }

    /**
     * An event whose {@code type} this build does not know. {@code raw} is the whole {@code msg} object as received
     * (type included); it is encoded back unchanged.
     */
    @JsonDeserialize(using = UnknownEvents.Decoder.class)
    @JsonSerialize(using = UnknownEvents.Encoder.class)
    record Unknown(String type, JsonNode raw) implements EventMsg {
        public Unknown {
            Objects.requireNonNull(raw, "raw");
        }
    }

    /**
     * One file of a patch. kind: add | delete | update. content for add/delete, unified_diff for
     * update, move_path when an update also renames.
     */
    record FileChange(String kind, String content, String unifiedDiff, String movePath) { }

    static String typeName(EventMsg msg) {
        if (msg instanceof Unknown u) {
            return u.type() == null ? "unknown" : u.type();
        }
        return UnknownEvents.TYPE_NAMES.get(msg.getClass());
    }
}
