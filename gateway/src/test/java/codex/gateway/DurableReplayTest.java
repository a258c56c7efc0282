package codex.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codex.protocol.Addresses;
import codex.protocol.SessionConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's buffer is a cache of the session's durable log: a gateway that restarted (or
 * never saw the session) replays everything from the log, joined with what it buffered since,
 * and a failed open keeps what was buffered. The agent's sessions.events address is played here
 * by a consumer that answers the way AgentVerticle does.
 */
class DurableReplayTest {
    private Vertx vertx;
    /** What the "durable log" holds: seqs of session s1. */
    private final List<Long> recorded = new CopyOnWriteArrayList<>();
    private final List<JsonObject> logRequests = new CopyOnWriteArrayList<>();

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static JsonObject event(long seq) {
        return new JsonObject().put("session_id", "s1").put("seq", seq).put("turn_id", "t1").put("id", "sub")
                .put("ts", 1_764_680_000_000L).put("msg", new JsonObject().put("type", "agent_message_delta")
                        .put("delta", "d" + seq));
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        await(vertx.eventBus().consumer(Addresses.AGENT_SESSION_EVENTS, m -> {
            JsonObject body = codex.protocol.BusRequests.asJson(m.body());
            logRequests.add(body);
            if (!"s1".equals(body.getString("session_id"))) {
                m.fail(404, "no session " + body.getString("session_id"));
                return;
            }
            long after = body.getLong("after_seq", Long.MIN_VALUE);
            JsonArray events = new JsonArray();
            recorded.stream().filter(s -> s > after).forEach(s -> events.add(event(s)));
            m.reply(new JsonObject().put("events", events));
        }).completion());
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    private List<Long> replay(String sessionId, long after) throws Exception {
        JsonObject replayed = codex.protocol.BusRequests.asJson(await(vertx.eventBus().request(Addresses.GATEWAY_REPLAY,
                new JsonObject().put("session_id", sessionId).put("after_seq", after))).body());
        return replayed.getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
    }

    private void live(long seq) {
        vertx.eventBus().publish(Addresses.GATEWAY_EVENTS_IN, event(seq));
    }

    @Test
    void aRestartedGatewayReplaysTheWholeSessionFromTheLogAndWhatCameInSince() throws Exception {
        LongStream.rangeClosed(1, 12).forEach(recorded::add);
        String first = await(vertx.deployVerticle(new GatewayVerticle(new SimpleMeterRegistry())));
        await(vertx.undeploy(first));
        await(vertx.deployVerticle(new GatewayVerticle(new SimpleMeterRegistry())));
        assertEquals(LongStream.rangeClosed(1, 12).boxed().toList(), replay("s1", 0), "everything, from the log");
        recorded.add(13L);
        live(13);
        live(14); // not yet in the log: the buffer has it
        Thread.sleep(100);
        assertEquals(LongStream.rangeClosed(1, 14).boxed().toList(), replay("s1", 0));
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L), replay("s1", 9));
        assertEquals(List.of(14L), replay("s1", 13), "served by the buffer");
        assertEquals(0L, logRequests.stream().filter(r -> r.getLong("after_seq") == 13).count(),
                "the log is not read when the buffer has the next event");
    }

    @Test
    void aLogThatTrailsTheLiveEventsIsReadAgainSoNothingFallsBetween() throws Exception {
        LongStream.rangeClosed(1, 4).forEach(recorded::add);
        await(vertx.deployVerticle(new GatewayVerticle(new SimpleMeterRegistry())));
        live(7); // the gateway restarted between 4 and 7; 5 and 6 are still in the writer's queue
        Thread.sleep(100);
        vertx.setTimer(GatewayVerticle.LOG_CATCH_UP_MS / 2, t -> {
            recorded.add(5L);
            recorded.add(6L);
        });
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), replay("s1", 0));
    }

    @Test
    void aSessionWithNoDurableLogReplaysWhatIsBuffered() throws Exception {
        await(vertx.deployVerticle(new GatewayVerticle(new SimpleMeterRegistry())));
        vertx.eventBus().publish(Addresses.GATEWAY_EVENTS_IN, event(1).put("session_id", "s2"));
        Thread.sleep(100);
        assertEquals(List.of(1L), replay("s2", 0));
        assertEquals(List.of(), replay("nobody", 0));
    }

    @Test
    void aFailedResumeKeepsTheEventsAlreadyBuffered() throws Exception {
        await(vertx.deployVerticle(new GatewayVerticle(new SimpleMeterRegistry())));
        vertx.eventBus().publish(Addresses.GATEWAY_EVENTS_IN, event(1).put("session_id", "s3"));
        vertx.eventBus().publish(Addresses.GATEWAY_EVENTS_IN, event(2).put("session_id", "s3"));
        Thread.sleep(100);
        // no agent answers the open: the resume fails
        SessionConfig config = GatewayEnvelopesTest.CONFIG;
        Throwable failure = vertx.eventBus().request(Addresses.GATEWAY_CREATE_SESSION,
                        new JsonObject().put("config", codex.protocol.Json.toJson(config)).put("resume_session_id", "s3"))
                .toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get(70, TimeUnit.SECONDS);
        assertEquals(true, failure != null, "the open must fail with no agent");
        assertEquals(List.of(1L, 2L), replay("s3", 0));
    }
}
