package codex.protocol;

/**
 * Every event-bus address of the system, in one place. The trailing {@code .v1} is the contract
 * version: an incompatible change to a body gets a new address, so old and new services can
 * share a cluster. Bodies are JSON objects (see {@link Json}); none of them carries Java objects.
 */
public final class Addresses {
    private Addresses() {
    }

    // ---- every service ---------------------------------------------------------------------

    /**
     * request/reply, one per service ({@link ServicePing#SERVICES}). Body {@code {}} → {@code
     * {"service", "ok": true}}: the readiness probe ({@code GET /api/v1/ready}) asks each one.
     */
    public static String ping(String service) {
        return "codex." + service + ".ping.v1";
    }

    // ---- gateway: the front door every client uses ------------------------------------------

    /** request/reply. Body {@link SessionMessages.CreateSession} → {@link SessionMessages.SessionCreated}. */
    public static final String GATEWAY_CREATE_SESSION = "codex.gateway.session.create.v1";
    /** request/reply. Body {@link SessionMessages.Submit} → {@link SessionMessages.Accepted}. */
    public static final String GATEWAY_SUBMIT = "codex.gateway.submit.v1";
    /** request/reply. Body {@link SessionMessages.Replay} → {@link SessionMessages.Replayed}: the events still buffered after that seq. */
    public static final String GATEWAY_REPLAY = "codex.gateway.replay.v1";
    /** publish (agent → gateways). Body: one {@link Event}. */
    public static final String GATEWAY_EVENTS_IN = "codex.gateway.events.v1";

    /**
     * request/reply, the approvals inbox of the gateway (every approval request of every session it
     * relays, by approval id). Body {@code {"action": "list"}} → {@code {"approvals": [Approval…]}};
     * {@code {"action": "lookup", "approval_id"}} → {@code {"state": "pending"|"resolved", "approval": Approval}}
     * or failure 404; {@code {"action": "answer", "approval_id", "decision", "decided_by"?, "reason"?}}
     * → {@code {"approval": Approval}}, or failure 404 (unknown), 409 (already answered), 400 (bad
     * decision), 503 (the agent did not take it). gateway/README.md describes an Approval.
     */
    public static final String GATEWAY_APPROVALS = "codex.gateway.approvals.v1";

    /** publish (gateway → clients). Body: one {@link Event}, in seq order. */
    public static String clientEvents(String sessionId) {
        return "codex.client.events.v1." + sessionId;
    }

    // ---- agent-service --------------------------------------------------------------------

    /**
     * publish (a gateway that (re)started → every agent). Body {@code {"reply_to"}}: each agent sends
     * the request event of every approval still waiting there to {@code reply_to}, one message per
     * event (seq 0), so the gateway's inbox lists them again.
     */
    public static final String AGENT_PENDING_APPROVALS = "codex.agent.approvals.pending.v1";

    /** request/reply. Body {@link SessionMessages.OpenSession} → {@link SessionMessages.SessionOpened} once configured. */
    public static final String AGENT_OPEN_SESSION = "codex.agent.session.open.v1";

    /** request/reply. Body {@link SessionMessages.ListSessions} → {@link SessionMessages.SessionList}: the recorded sessions, newest first. */
    public static final String AGENT_LIST_SESSIONS = "codex.agent.sessions.list.v1";
    /**
     * request/reply. Body {@link SessionMessages.ResolveSession} → {@link SessionMessages.ResolvedSession}: a
     * recorded session by id, prefix or "last"; fails 404 (none), 409 (ambiguous prefix), 400 (prefix too short).
     */
    public static final String AGENT_RESOLVE_SESSION = "codex.agent.sessions.resolve.v1";
    /** request/reply. Body {@link SessionMessages.ReadRecordedEvents} → {@link SessionMessages.RecordedEvents}; 404 when not recorded. */
    public static final String AGENT_SESSION_EVENTS = "codex.agent.sessions.events.v1";

    /**
     * point-to-point, one per agent instance, registered when it starts (so it is known cluster-wide
     * long before a command runs): {@link SandboxMessages.OutputChunk}s of that agent's commands.
     */
    public static String agentExecOutput(String agentInstanceId) {
        return "codex.agent.exec-output.v1." + agentInstanceId;
    }

    /**
     * request/reply, one per agent instance, registered when it starts. Body {@link SessionMessages.Submit}
     * → {@link SessionMessages.Accepted}. The gateway learns it from the open-session reply.
     */
    public static String agentInstance(String agentInstanceId) {
        return "codex.agent.instance.v1." + agentInstanceId;
    }

    /** request/reply, served by the agent instance that owns the session. Body: {@link Submission} → {@link SessionMessages.Accepted}. */
    public static String agentSession(String sessionId) {
        return "codex.agent.session.v1." + sessionId;
    }

    // ---- sandbox-service ------------------------------------------------------------------

    /** request/reply. Body: {@link SandboxMessages.ExecCommand} → {@link SandboxMessages.ExecFinished}. Output streams to the request's output_address. */
    public static final String SANDBOX_EXEC = "codex.sandbox.exec.v1";
    /** publish. Body {@code {"exec_id"}}: kill that command's process group, wherever it runs. */
    public static final String SANDBOX_CANCEL = "codex.sandbox.cancel.v1";
    /** Request: {@code AttachExec} → {@code ExecAttached}: a command another agent started, by session and call id. */
    public static final String SANDBOX_ATTACH = "codex.sandbox.attach.v1";
    /** request/reply. Body: {@link SandboxMessages.PlanPatch} → {@link SandboxMessages.PatchPlan}; writes nothing. */
    public static final String SANDBOX_PLAN_PATCH = "codex.sandbox.plan_patch.v1";
    /** request/reply. Body: {@link SandboxMessages.ApplyPatch} → {@link SandboxMessages.PatchApplied}. */
    public static final String SANDBOX_APPLY_PATCH = "codex.sandbox.apply_patch.v1";

    // ---- notifier-service -----------------------------------------------------------------

    /** publish. Body: {@link NotifierMessages.TurnComplete}. */
    public static final String NOTIFIER_TURN_COMPLETE = "codex.notifier.turn_complete.v1";
}
