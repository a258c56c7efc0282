package codex.agent;

import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** State of the running turn: what was asked, what is in flight, and whether the user interrupted it. */
final class Turn {
    final String id = UUID.randomUUID().toString();
    final String submissionId;
    final List<String> inputs = new ArrayList<>();
    String lastAgentMessage;
    boolean interrupted;
    /** The sandbox exec in flight, to cancel on interrupt. */
    String runningExecId;
    /** Approval questions waiting for the user's answer, by call id. */
    final Map<String, Promise<String>> pendingApprovals = new HashMap<>();

    Turn(String submissionId) {
        this.submissionId = submissionId;
    }
}
