package codex.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.ApprovalMessages.Approval;
import codex.protocol.SessionMessages.Submit;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Protocol records on the event bus: the same object in one JVM, their JSON between JVMs, an Undecodable for bad JSON. */
class BusCodecsTest {
    private static final SessionConfig CONFIG = new SessionConfig("m", new ProviderSpec("openai", null,
            "http://127.0.0.1:1/v1", null, null, WireApi.RESPONSES, Map.of(), Map.of(), Map.of(), 0, 0, 1_000),
            ApprovalPolicy.ON_REQUEST, List.of("disk-full-read-access"), "/w", true, null, "agents", List.of("notify-me"),
            ReasoningEffort.HIGH, null, "/h", null, Map.of("fs", new McpServerDefinition("mcp-fs", List.of("-x"), null, null, null, null, null, null,
                    true, null, null)));
    private static final Event EVENT = new Event("s1", 7, "t1", "sub-1", 1234L,
            new EventMsg.ExecCommandBegin("c1", List.of("bash", "-lc", "ls"), "/w", true));
    private static final Submission SUBMISSION = new Submission("sub-1", Submission.Op.UserInput.text("hi"));
    private static final SandboxMessages.ExecFinished FINISHED = new SandboxMessages.ExecFinished("e1", 0, 0, false,
            false, 12, "out", "", 0, false, null);
    private static final Approval APPROVAL = new Approval("a1", "s1", "t1", "c1", "exec", List.of("rm", "x"), "/w",
            null, null, "why", "2026-12-03T08:00:00Z", "pending", null, null, null);

    /** One value of every record that travels the bus. */
    private static Map<Class<?>, Object> samples() {
        Map<Class<?>, Object> s = new LinkedHashMap<>();
        for (Object o : List.of(EVENT, SUBMISSION,
                new SessionMessages.CreateSession(CONFIG, "r1"), new SessionMessages.SessionCreated("s1", "addr", 3L),
                new SessionMessages.OpenSession("s1", CONFIG, false), new SessionMessages.SessionOpened("s1", "a", 0L),
                new Submit("s1", SUBMISSION), SessionMessages.Accepted.YES,
                new SessionMessages.Replay("s1", 4L), new SessionMessages.Replayed(List.of(EVENT), 7L),
                new SessionMessages.ListSessions("/h", 10, "/w"),
                new SessionMessages.SessionList(List.of(new SessionMessages.RecordedSession("s1", "2026-12-03T08:00:00Z", "/w", "hi"))),
                SessionMessages.ResolveSession.byId("/h", "abcdef12"), new SessionMessages.ResolvedSession("s1"),
                new SessionMessages.ReadRecordedEvents("/h", "s1", 2L), new SessionMessages.RecordedEvents(List.of(EVENT)),
                new SandboxMessages.ExecCommand("e1", List.of("ls"), "/w", Map.of("A", "b"), 1000, List.of("disk-full-read-access"),
                        false, "out.addr", 0, "s1", "c1"),
                new SandboxMessages.Cancel("e1"), new SandboxMessages.OutputChunk("e1", "stdout", "héllo\n"),
                SandboxMessages.ExecStarted.of("e1", "node-1"), FINISHED,
                new SandboxMessages.AttachExec("s1", "c1", "e2", "out.addr"), new SandboxMessages.ExecAttached(true, FINISHED),
                new SandboxMessages.PlanPatch("*** Begin Patch", "/w"),
                new SandboxMessages.PatchPlan(true, Map.of("/w/a", new EventMsg.FileChange("add", "x", null, null)),
                        List.of("/w/a"), null),
                SandboxMessages.ApplyPatch.within("*** Begin Patch", "/w", List.of("/w")),
                new SandboxMessages.PatchApplied(true, "A a", null),
                ApprovalMessages.InboxRequest.answer("a1", "approved", "alice", null),
                new ApprovalMessages.InboxList(List.of(APPROVAL)), new ApprovalMessages.InboxEntry(APPROVAL),
                new ApprovalMessages.AnnouncePending("reply.addr"),
                new NotifierMessages.TurnComplete("t1", List.of("hi"), "done", "s1", "/w"),
                new NotifierMessages.Delivered(true))) {
            s.put(o.getClass(), o);
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static <T> BusCodecs.RecordCodec<T> codec(Class<T> type) {
        return new BusCodecs.RecordCodec<>(type);
    }

    @SuppressWarnings("unchecked")
    private static Object wireRoundTrip(Object value) {
        BusCodecs.RecordCodec<Object> codec = (BusCodecs.RecordCodec<Object>) codec(value.getClass());
        Buffer wire = Buffer.buffer().appendString("header"); // a codec reads from where its part begins
        codec.encodeToWire(wire, value);
        return codec.decodeFromWire(6, wire);
    }

    @Test
    void everyRecordOnTheBusCrossesTheWireAsItsJsonAndComesBackEqual() {
        Map<Class<?>, Object> samples = samples();
        assertEquals(new java.util.HashSet<>(BusCodecs.TYPES), samples.keySet(), "a sample for every registered record");
        for (Object value : samples.values()) {
            BusCodecs.RecordCodec<?> codec = codec(value.getClass());
            assertTrue(codec.name().startsWith("codex.v1."), codec.name());
            Buffer wire = Buffer.buffer();
            @SuppressWarnings("unchecked") BusCodecs.RecordCodec<Object> c = (BusCodecs.RecordCodec<Object>) codec;
            c.encodeToWire(wire, value);
            assertEquals(Json.encode(value), wire.getString(4, wire.length(), "UTF-8"), "the wire carries the contract's JSON");
            assertEquals(wire.length() - 4, wire.getInt(0), "length-prefixed");
            assertEquals(value, wireRoundTrip(value), value.getClass().getName());
        }
        assertEquals("codex.v1.Event", BusCodecs.codecName(Event.class));
        assertEquals("codex.v1.SandboxMessages.ExecCommand", BusCodecs.codecName(SandboxMessages.ExecCommand.class));
    }

    /** A record added to an envelope class without a codec would fail at its first send ("no message codec"). */
    @Test
    void everyEnvelopeRecordHasACodecExceptThoseOnlyCarriedInsideAnother() {
        java.util.Set<Class<?>> onlyInside = java.util.Set.of(SessionMessages.RecordedSession.class, Approval.class);
        for (Class<?> holder : List.of(SessionMessages.class, SandboxMessages.class, ApprovalMessages.class,
                NotifierMessages.class)) {
            for (Class<?> nested : holder.getDeclaredClasses()) {
                if (nested.isRecord() && !onlyInside.contains(nested)) {
                    assertTrue(BusCodecs.TYPES.contains(nested), nested.getName() + " has no codec in BusCodecs.TYPES");
                }
            }
        }
    }

    private static Object decodeWire(Class<?> type, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return codec(type).decodeFromWire(0, Buffer.buffer().appendInt(bytes.length).appendBytes(bytes));
    }

    @Test
    void aBodyThatDoesNotDecodeArrivesAsUndecodableWithTheReasonNotAnException() {
        Undecodable bad = assertInstanceOf(Undecodable.class, decodeWire(Submit.class, "{\"session_id\":\"s1\"}"));
        assertEquals("Submit", bad.type());
        assertEquals("cannot decode Submit: submit needs submission", bad.reason());
        assertEquals("s1", bad.raw().getString("session_id"), "the fields that were there, for a consumer's answer");
        Undecodable badPolicy = assertInstanceOf(Undecodable.class, decodeWire(SandboxMessages.ExecCommand.class,
                "{\"exec_id\":\"e1\",\"argv\":[\"ls\"]}"));
        assertTrue(badPolicy.reason().contains("no permissions"), badPolicy.reason());
        Undecodable notJson = assertInstanceOf(Undecodable.class, decodeWire(Event.class, "[1,"));
        assertNull(notJson.raw());

        // a consumer refuses it as it refuses a bad JSON body: the reason, never a default
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> BusRequests.body(bad, Submit.class));
        assertEquals(bad.reason(), refused.getMessage());
        assertEquals("cannot decode Submit: submit needs submission", assertThrows(IllegalArgumentException.class,
                () -> BusRequests.body(new JsonObject().put("session_id", "s1"), Submit.class)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BusRequests.body(null, Submit.class))
                .getMessage().contains("empty"));
    }

    @Test
    void anEventOfATypeThisBuildDoesNotKnowCrossesTheWireUnchanged() {
        String json = "{\"session_id\":\"s1\",\"seq\":3,\"ts\":5,\"msg\":{\"type\":\"from_the_future\",\"n\":[1,{\"x\":null}],\"s\":\"é\"}}";
        Event unknown = Json.decode(json, Event.class);
        EventMsg.Unknown msg = assertInstanceOf(EventMsg.Unknown.class, unknown.msg());
        assertEquals("from_the_future", unknown.type());
        Event back = (Event) wireRoundTrip(unknown);
        assertEquals(unknown, back);
        JsonNode raw = ((EventMsg.Unknown) back.msg()).raw();
        assertEquals(msg.raw(), raw);
        assertEquals(new JsonObject(json), new JsonObject(Json.encode(back)), "re-encoding gives the same JSON");
    }

    @Test
    void inOneJvmTheReceiverGetsTheSenderObjectItselfAndJsonBodiesStillWork() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            BusCodecs.register(vertx);
            BusCodecs.register(vertx); // idempotent: every verticle calls it
            List<Object> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            vertx.eventBus().consumer("test.submit", msg -> {
                received.add(msg.body());
                Submit submit = BusRequests.decode(msg, Submit.class);
                if (submit != null) {
                    msg.reply(SessionMessages.Accepted.YES);
                }
            }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

            Submit sent = new Submit("s1", SUBMISSION);
            SessionMessages.Accepted accepted = BusRequests.call(vertx, "test.submit", sent, SessionMessages.Accepted.class,
                    new io.vertx.core.eventbus.DeliveryOptions()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertSame(sent, received.get(0), "no JSON and no copy in one JVM");
            assertSame(SessionMessages.Accepted.YES, accepted, "the reply too");

            Object fromJson = vertx.eventBus().request("test.submit", Json.toJson(sent)).toCompletionStage()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS).body();
            assertSame(SessionMessages.Accepted.YES, fromJson, "a JSON request (a test, HTTP) is decoded as before");

            ExecutionException e = assertThrows(ExecutionException.class, () -> vertx.eventBus()
                    .request("test.submit", new JsonObject().put("session_id", "s1")).toCompletionStage()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS));
            ReplyException refused = assertInstanceOf(ReplyException.class, e.getCause());
            assertEquals(BusRequests.BAD_REQUEST, refused.failureCode());
            assertEquals("cannot decode Submit: submit needs submission", refused.getMessage());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReplyOfTheWrongKindFailsTheCallWithTheReason() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            vertx.eventBus().consumer("test.bad-reply", msg -> msg.reply(new JsonObject().put("session_id", "s1")))
                    .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> BusRequests.call(vertx, "test.bad-reply",
                    new SessionMessages.Replay("s1", 0L), SessionMessages.SessionOpened.class,
                    new io.vertx.core.eventbus.DeliveryOptions()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals("bad reply from test.bad-reply: cannot decode SessionOpened: a session.open reply needs agent_address",
                    e.getCause().getMessage());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
