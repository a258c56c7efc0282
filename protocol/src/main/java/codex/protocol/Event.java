package codex.protocol;

/**
 * What a client receives. Every event carries the session it belongs to, a per-session sequence
 * number that only grows (a client resumes "after seq N"), the turn it belongs to (null outside
 * a turn), the id of the submission that caused it (may be null) and a timestamp (epoch millis).
 * JSON: {@code {"session_id","seq","turn_id","id","ts","msg":{"type":"agent_message_delta","delta":"Hi"}}}.
 */
public record Event(String sessionId, long seq, String turnId, String id, long ts, EventMsg msg) {

    public String type() {
        return EventMsg.typeName(msg);
    }
}
