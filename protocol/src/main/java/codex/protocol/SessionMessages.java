package codex.protocol;

import java.util.List;

/**
 * Bodies of the session addresses between front ends, the gateway and the agent
 * ({@link Addresses#GATEWAY_CREATE_SESSION}, {@link Addresses#GATEWAY_SUBMIT},
 * {@link Addresses#GATEWAY_REPLAY}, {@link Addresses#AGENT_OPEN_SESSION},
 * {@link Addresses#agentInstance}). Every field is required unless documented otherwise: a message
 * that lacks one is refused when it is decoded, naming the field, never filled with a default.
 */
public final class SessionMessages {
    private SessionMessages() {
    }

    static <T> T required(T value, String field, String message) {
        if (value == null) {
            throw new IllegalArgumentException(message + " needs " + field);
        }
        return value;
    }

    /** Create (or resume) a session at the gateway. {@code resumeSessionId} is optional: null opens a new one. */
    public record CreateSession(SessionConfig config, String resumeSessionId) {
        public CreateSession {
            required(config, "config", "session.create");
        }
    }

    /**
     * The gateway's answer: the session's id and where its events are published.
     *
     * @param lastSeq as in {@link SessionOpened}: a front end that shows only what happens from now
     *                on subscribes after it (a replay after 0 also brings a resumed session's history)
     */
    public record SessionCreated(String sessionId, String eventsAddress, Long lastSeq) {
        public SessionCreated {
            required(sessionId, "session_id", "a session.create reply");
            required(eventsAddress, "events_address", "a session.create reply");
        }

        public SessionCreated(String sessionId, String eventsAddress) {
            this(sessionId, eventsAddress, null);
        }
    }

    /** The gateway asks an agent to open the session: a new one, or a recorded one when {@code resume}. */
    public record OpenSession(String sessionId, SessionConfig config, Boolean resume) {
        public OpenSession {
            required(sessionId, "session_id", "session.open");
            required(config, "config", "session.open");
            required(resume, "resume", "session.open");
        }
    }

    /**
     * The agent's answer once the session is configured: the instance address that serves its
     * submissions.
     *
     * @param lastSeq the seq of the session's last event before this open (its recorded history
     *                when resumed, 0 for a new session); null from an older agent
     */
    public record SessionOpened(String sessionId, String agentAddress, Long lastSeq) {
        public SessionOpened {
            required(sessionId, "session_id", "a session.open reply");
            required(agentAddress, "agent_address", "a session.open reply");
        }

        public SessionOpened(String sessionId, String agentAddress) {
            this(sessionId, agentAddress, null);
        }
    }

    /** A submission for one session: to the gateway, and from it to the agent instance that owns the session. */
    public record Submit(String sessionId, Submission submission) {
        public Submit {
            required(sessionId, "session_id", "submit");
            required(submission, "submission", "submit");
        }
    }

    /** The answer to a submission: it was taken (what it causes arrives as events). */
    public record Accepted(boolean accepted) {
        public static final Accepted YES = new Accepted(true);
    }

    /** Ask the gateway for the events it still buffers after {@code afterSeq} (0: from the start). */
    public record Replay(String sessionId, Long afterSeq) {
        public Replay {
            required(sessionId, "session_id", "replay");
            required(afterSeq, "after_seq", "replay");
        }
    }

    /**
     * The buffered events after that seq, in order; {@code oldestSeq} is the first seq still
     * buffered (-1 when nothing is), so a client can tell that older events are gone.
     */
    public record Replayed(List<Event> events, Long oldestSeq) {
        public Replayed {
            events = List.copyOf(required(events, "events", "a replay reply"));
            required(oldestSeq, "oldest_seq", "a replay reply");
        }
    }

    // ---- recorded sessions (agent-service owns the rollout files; nobody else reads them) ----------

    /**
     * List recorded sessions, newest first.
     *
     * @param codexHome where the sessions were recorded (a session's {@code SessionConfig.codex_home});
     *                  null means the agent's own ({@code $CODEX_HOME}, else {@code ~/.codex})
     * @param limit     at most this many; required, at least 1
     * @param cwd       only those recorded in this folder; null for all
     */
    public record ListSessions(String codexHome, Integer limit, String cwd) {
        public ListSessions {
            required(limit, "limit", "sessions.list");
            if (limit < 1) {
                throw new IllegalArgumentException("sessions.list needs a limit of at least 1 (got " + limit + ")");
            }
        }
    }

    /** One recorded session: its id, start (ISO-8601 UTC), folder and the first line of its first prompt ("" if none). */
    public record RecordedSession(String sessionId, String startedAt, String cwd, String preview) {
        public RecordedSession {
            required(sessionId, "session_id", "a recorded session");
            required(startedAt, "started_at", "a recorded session");
        }
    }

    /** The answer to {@link ListSessions}. */
    public record SessionList(List<RecordedSession> sessions) {
        public SessionList {
            sessions = List.copyOf(required(sessions, "sessions", "a sessions.list reply"));
        }
    }

    /**
     * Find one recorded session: by its id or a unique prefix of at least 8 characters
     * ({@code idOrPrefix}), or the most recent one ({@code last: true}; of {@code cwd} when it has
     * one there, else of any folder). Exactly one of the two. Fails with 404 when nothing matches,
     * 409 when a prefix matches several (the message lists them), 400 for a prefix too short.
     *
     * @param codexHome as in {@link ListSessions}
     */
    public record ResolveSession(String codexHome, String idOrPrefix, Boolean last, String cwd) {
        public ResolveSession {
            boolean byLast = last != null && last;
            if (byLast == (idOrPrefix != null)) {
                throw new IllegalArgumentException("sessions.resolve needs either id_or_prefix or last: true (not both)");
            }
        }

        public static ResolveSession byId(String codexHome, String idOrPrefix) {
            return new ResolveSession(codexHome, required(idOrPrefix, "id_or_prefix", "sessions.resolve"), null, null);
        }

        public static ResolveSession latest(String codexHome, String cwd) {
            return new ResolveSession(codexHome, null, true, cwd);
        }
    }

    /** The answer to {@link ResolveSession}: the full id, to pass as {@code resume_session_id}. */
    public record ResolvedSession(String sessionId) {
        public ResolvedSession {
            required(sessionId, "session_id", "a sessions.resolve reply");
        }
    }

    /**
     * The recorded events of one session (its full id), for an audit or a replay the gateway's
     * buffer cannot serve; fails with 404 when it has no durable log.
     *
     * @param afterSeq only events with a greater seq; null for all (an older sender's request)
     */
    public record ReadRecordedEvents(String codexHome, String sessionId, Long afterSeq) {
        public ReadRecordedEvents {
            required(sessionId, "session_id", "sessions.events");
        }

        public ReadRecordedEvents(String codexHome, String sessionId) {
            this(codexHome, sessionId, null);
        }
    }

    /** The answer to {@link ReadRecordedEvents}: every recorded event, in seq order. */
    public record RecordedEvents(List<Event> events) {
        public RecordedEvents {
            events = List.copyOf(required(events, "events", "a sessions.events reply"));
        }
    }
}
