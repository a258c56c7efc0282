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

    /** The gateway's answer: the session's id and where its events are published. */
    public record SessionCreated(String sessionId, String eventsAddress) {
        public SessionCreated {
            required(sessionId, "session_id", "a session.create reply");
            required(eventsAddress, "events_address", "a session.create reply");
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

    /** The agent's answer once the session is configured: the instance address that serves its submissions. */
    public record SessionOpened(String sessionId, String agentAddress) {
        public SessionOpened {
            required(sessionId, "session_id", "a session.open reply");
            required(agentAddress, "agent_address", "a session.open reply");
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
}
