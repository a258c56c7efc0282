package codex.agent;

import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** State of the running turn: what was asked, what is in flight, and whether the user interrupted it. */
final class Turn {
    final String id;
    final String submissionId;
    final List<String> inputs = new ArrayList<>();
    String lastAgentMessage;
    boolean interrupted;
    /** The sandbox exec in flight, to cancel on interrupt. */
    String runningExecId;
    /** Approval questions waiting for the user's answer, by approval id (unique for ever; call ids repeat). */
    final Map<String, PendingApproval> pendingApprovals = new java.util.LinkedHashMap<>();
    /** What else to stop on interrupt (an MCP tool call in flight). */
    final java.util.List<Runnable> onInterrupt = new java.util.ArrayList<>();

    /** One question: the request as emitted (with its approval id), when, and the answer to come. */
    record PendingApproval(String approvalId, String callId, codex.protocol.EventMsg request, long askedAt,
                           Promise<Answer> answer) {
    }

    /** An answer: the decision text and, when the gateway says, who gave it and why. */
    record Answer(String decision, String decidedBy, String reason) {
    }

    Turn(String submissionId) {
        this(submissionId, UUID.randomUUID().toString());
    }

    /** A turn carried on under its original id (taken over from another agent). */
    Turn(String submissionId, String id) {
        this.submissionId = submissionId;
        this.id = id;
    }
}
