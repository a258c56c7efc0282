package codex.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import codex.protocol.SessionMessages.Accepted;
import codex.protocol.SessionMessages.CreateSession;
import codex.protocol.SessionMessages.OpenSession;
import codex.protocol.SessionMessages.ReadRecordedEvents;
import codex.protocol.SessionMessages.Replay;
import codex.protocol.SessionMessages.Replayed;
import codex.protocol.SessionMessages.SessionCreated;
import codex.protocol.SessionMessages.SessionOpened;
import codex.protocol.SessionMessages.Submit;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The session envelopes: their JSON keys, a round trip, and a clear refusal for each missing required field. */
class SessionMessagesTest {
    private static final SessionConfig CONFIG = new SessionConfig("m", new ProviderSpec("openai", null,
            "http://127.0.0.1:1/v1", null, null, WireApi.RESPONSES, Map.of(), Map.of(), Map.of(), 0, 0, 1_000),
            ApprovalPolicy.NEVER, List.of(), "/w", true, null, null, List.of(), null, null, null, null);
    private static final Submission SUBMISSION = new Submission("s1", new Submission.Op.Interrupt());

    private static <T> T roundTrip(T value, @SuppressWarnings("unchecked") Class<T> type, String... keys) {
        JsonObject json = Json.toJson(value);
        assertEquals(java.util.Set.of(keys), json.fieldNames(), json.encode());
        T back = Json.fromJson(json, type);
        assertEquals(value, back);
        return back;
    }

    @Test
    void everyEnvelopeHasItsDocumentedKeysAndRoundTrips() {
        roundTrip(new CreateSession(CONFIG, "abc"), CreateSession.class, "config", "resume_session_id");
        roundTrip(new CreateSession(CONFIG, null), CreateSession.class, "config");
        roundTrip(new SessionCreated("abc", Addresses.clientEvents("abc")), SessionCreated.class, "session_id", "events_address");
        roundTrip(new OpenSession("abc", CONFIG, true), OpenSession.class, "session_id", "config", "resume");
        roundTrip(new SessionOpened("abc", Addresses.agentInstance("i1")), SessionOpened.class, "session_id", "agent_address");
        roundTrip(new SessionOpened("abc", Addresses.agentInstance("i1"), 7L), SessionOpened.class, "session_id",
                "agent_address", "last_seq");
        roundTrip(new SessionCreated("abc", Addresses.clientEvents("abc"), 7L), SessionCreated.class, "session_id",
                "events_address", "last_seq");
        roundTrip(new Submit("abc", SUBMISSION), Submit.class, "session_id", "submission");
        roundTrip(Accepted.YES, Accepted.class, "accepted");
        roundTrip(new Replay("abc", 7L), Replay.class, "session_id", "after_seq");
        Event event = new Event("abc", 8, "t", "s1", 1, new EventMsg.BackgroundEvent("hi"));
        roundTrip(new Replayed(List.of(event), 8L), Replayed.class, "events", "oldest_seq");
        roundTrip(new ReadRecordedEvents("/h", "abc", 7L), ReadRecordedEvents.class, "codex_home", "session_id", "after_seq");
        roundTrip(new ReadRecordedEvents(null, "abc"), ReadRecordedEvents.class, "session_id");
        assertEquals(new ReadRecordedEvents(null, "abc", null), Json.decode("{\"session_id\":\"abc\"}", ReadRecordedEvents.class),
                "an older gateway's request (no after_seq) asks for every event");
    }

    private static String refusal(String json, Class<?> type) {
        return assertThrows(IllegalArgumentException.class, () -> Json.decode(json, type)).getMessage();
    }

    @Test
    void aMissingRequiredFieldIsRefusedNamingItNeverDefaulted() {
        String config = Json.encode(CONFIG);
        assertEquals("cannot decode CreateSession: session.create needs config", refusal("{}", CreateSession.class));
        assertEquals("cannot decode OpenSession: session.open needs resume",
                refusal("{\"session_id\":\"a\",\"config\":" + config + "}", OpenSession.class));
        assertEquals("cannot decode OpenSession: session.open needs session_id",
                refusal("{\"resume\":false,\"config\":" + config + "}", OpenSession.class));
        assertEquals("cannot decode SessionOpened: a session.open reply needs agent_address",
                refusal("{\"session_id\":\"a\"}", SessionOpened.class));
        assertEquals("cannot decode Submit: submit needs submission", refusal("{\"session_id\":\"a\"}", Submit.class));
        assertEquals("cannot decode Replay: replay needs after_seq", refusal("{\"session_id\":\"a\"}", Replay.class));
        assertEquals("cannot decode Replayed: a replay reply needs oldest_seq", refusal("{\"events\":[]}", Replayed.class));
        assertFalse(refusal("{\"session_id\":\"a\",\"after_seq\":\"x\"}", Replay.class).isEmpty());
    }
}
