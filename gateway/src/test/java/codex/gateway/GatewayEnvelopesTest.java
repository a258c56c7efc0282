package codex.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import codex.protocol.ApprovalPolicy;
import codex.protocol.BusRequests;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.Json;
import codex.protocol.ProviderSpec;
import codex.protocol.SessionConfig;
import codex.protocol.SessionMessages.Accepted;
import codex.protocol.SessionMessages.OpenSession;
import codex.protocol.SessionMessages.SessionOpened;
import codex.protocol.SessionMessages.Submit;
import codex.protocol.Submission;
import codex.protocol.WireApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's bus envelopes are the protocol's records: a front end and a fake agent speak them
 * through {@link GatewayClient} and {@link BusRequests}; a body missing a required field is refused
 * with 400 naming it, never filled in with a default.
 */
class GatewayEnvelopesTest {
    private static final String AGENT = "test.agent.instance";
    static final SessionConfig CONFIG = new SessionConfig("m", new ProviderSpec("openai", null,
            "http://127.0.0.1:1/v1", null, null, WireApi.RESPONSES, Map.of(), Map.of(), Map.of(), 0, 0, 1_000),
            ApprovalPolicy.NEVER, List.of("disk-full-read-access"), "/w", true, null, null, List.of(), null, null, null,
            null);

    private Vertx vertx;
    private final List<OpenSession> opened = new CopyOnWriteArrayList<>();
    private final List<Submit> submitted = new CopyOnWriteArrayList<>();
    private volatile boolean agentForgetsItsAddress;

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        var bus = vertx.eventBus();
        await(Future.all(
                bus.<JsonObject>consumer(Addresses.AGENT_OPEN_SESSION, msg -> {
                    OpenSession open = BusRequests.decode(msg, OpenSession.class);
                    opened.add(open);
                    msg.reply(agentForgetsItsAddress ? new JsonObject().put("session_id", open.sessionId())
                            : Json.toJson(new SessionOpened(open.sessionId(), AGENT)));
                }).completion(),
                bus.<JsonObject>consumer(AGENT, msg -> {
                    submitted.add(BusRequests.decode(msg, Submit.class));
                    msg.reply(Json.toJson(Accepted.YES));
                }).completion()));
        await(vertx.deployVerticle(new GatewayVerticle()));
    }

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ReplyException refused(String address, JsonObject body) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> await(vertx.eventBus().request(address, body)));
        return assertInstanceOf(ReplyException.class, e.getCause());
    }

    @Test
    void aSessionIsCreatedSubmittedToAndReplayedThroughTheTypedEnvelopes() throws Exception {
        GatewayClient client = new GatewayClient(vertx);
        String id = await(client.createSession(CONFIG, null));
        assertEquals(id, opened.get(0).sessionId());
        assertEquals(false, opened.get(0).resume());
        assertEquals(CONFIG, opened.get(0).config(), "the config reaches the agent unchanged");

        await(client.submit(id, new Submission("s1", new Submission.Op.Interrupt())));
        assertEquals(id, submitted.get(0).sessionId());
        assertInstanceOf(Submission.Op.Interrupt.class, submitted.get(0).submission().op());

        vertx.eventBus().publish(Addresses.GATEWAY_EVENTS_IN, Json.toJson(new Event(id, 1, null, null, 5,
                new EventMsg.BackgroundEvent("hello"))));
        List<Event> seen = new CopyOnWriteArrayList<>();
        Thread.sleep(100); // the gateway buffers it
        await(client.subscribe(id, 0, seen::add));
        assertEquals(1, seen.size());
        assertEquals("hello", ((EventMsg.BackgroundEvent) seen.get(0).msg()).message());

        String resumed = await(client.createSession(CONFIG, id));
        assertEquals(id, resumed);
        assertEquals(true, opened.get(1).resume());
    }

    @Test
    void aBodyMissingARequiredFieldIsRefusedNamingIt() {
        ReplyException noConfig = refused(Addresses.GATEWAY_CREATE_SESSION, new JsonObject().put("resume_session_id", "x"));
        assertEquals(400, noConfig.failureCode());
        assertTrue(noConfig.getMessage().contains("session.create needs config"), noConfig.getMessage());
        assertTrue(opened.isEmpty(), "nothing was opened");

        ReplyException noSeq = refused(Addresses.GATEWAY_REPLAY, new JsonObject().put("session_id", "s"));
        assertEquals(400, noSeq.failureCode());
        assertTrue(noSeq.getMessage().contains("replay needs after_seq"), noSeq.getMessage());

        ReplyException noSubmission = refused(Addresses.GATEWAY_SUBMIT, new JsonObject().put("session_id", "s"));
        assertEquals(400, noSubmission.failureCode());
        assertTrue(noSubmission.getMessage().contains("submit needs submission"), noSubmission.getMessage());

        ReplyException noSession = refused(Addresses.GATEWAY_SUBMIT, new JsonObject()
                .put("submission", Json.toJson(new Submission("s1", new Submission.Op.Interrupt()))));
        assertTrue(noSession.getMessage().contains("submit needs session_id"), noSession.getMessage());
        assertTrue(submitted.isEmpty());
    }

    @Test
    void anAgentReplyWithoutItsAddressFailsTheCreateInsteadOfLosingTheRoute() {
        agentForgetsItsAddress = true;
        ReplyException e = refused(Addresses.GATEWAY_CREATE_SESSION, new JsonObject().put("config", Json.toJson(CONFIG)));
        assertEquals(500, e.failureCode());
        assertTrue(e.getMessage().contains("needs agent_address"), e.getMessage());
    }
}
