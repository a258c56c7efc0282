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

    /**
     * What a relay (the gateway) reads of an event: its session, seq and {@code msg.type}, of the
     * record or of its JSON without decoding all of it. The one place besides this record that knows
     * those keys.
     */
    public record Header(String sessionId, long seq, String type) {
        public static Header of(Event event) {
            return new Header(event.sessionId(), event.seq(), event.type());
        }

        /** Of an event body as it comes off the bus: the record, or its JSON (tests, other senders); null for anything else. */
        public static Header ofBody(Object body) {
            if (body instanceof Event event) {
                return of(event);
            }
            return body instanceof io.vertx.core.json.JsonObject json ? of(json) : null;
        }

        public static Header of(io.vertx.core.json.JsonObject json) {
            Object msg = json.getValue("msg");
            String type = msg instanceof io.vertx.core.json.JsonObject m ? m.getString("type") : null;
            return new Header(json.getString("session_id"), json.getLong("seq", 0L), type);
        }
    }
}
