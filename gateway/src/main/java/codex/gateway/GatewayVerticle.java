package codex.gateway;

import codex.protocol.Addresses;
import codex.protocol.BusCodecs;
import codex.protocol.BusRequests;
import codex.protocol.ServicePing;
import codex.protocol.SessionOwnership;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import codex.gateway.metrics.GatewayMetrics;
import codex.gateway.approvals.ApprovalInbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.Json;
import codex.protocol.ApprovalMessages.AnnouncePending;
import codex.protocol.ApprovalMessages.InboxEntry;
import codex.protocol.ApprovalMessages.InboxList;
import codex.protocol.ApprovalMessages.InboxRequest;
import codex.protocol.SessionMessages.Accepted;
import codex.protocol.SessionMessages.ReadRecordedEvents;
import codex.protocol.SessionMessages.RecordedEvents;
import codex.protocol.SessionMessages.CreateSession;
import codex.protocol.SessionMessages.OpenSession;
import codex.protocol.SessionMessages.Replay;
import codex.protocol.SessionMessages.Replayed;
import codex.protocol.SessionMessages.SessionCreated;
import codex.protocol.SessionMessages.SessionOpened;
import codex.protocol.SessionMessages.Submit;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The front door on the event bus: creates sessions (the agent opens them), relays submissions
 * to the agent that owns the session, and fans the agent's events out to subscribers with a
 * replay buffer. Everything runs on this verticle's event loop, so the maps need no locks.
 */
public class GatewayVerticle extends VerticleBase {
    static final int BUFFERED_EVENTS_PER_SESSION = 10_000;
    /** Replay buffers kept at most; the least recently active session's goes first (a long-running server). */
    static final int BUFFERED_SESSIONS = 256;
    private static final DeliveryOptions AGENT_CALL = new DeliveryOptions().setSendTimeout(60_000);
    /** How long the durable log gets to catch up with the live events before a replay is read again. */
    static final long LOG_CATCH_UP_MS = 250;

    private final GatewayMetrics metrics;
    private final ApprovalInbox inbox = new ApprovalInbox();
    /** Events held in all replay buffers (kept here: the buffers map is this loop's alone, the metrics are read elsewhere). */
    private long bufferedEvents;

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(GatewayVerticle.class.getName());
    /** The highest fencing number seen on each session's events: an older owner's events are refused. */
    private final Map<String, Long> fenceOf = new java.util.HashMap<>();
    /** The agent instance that opened each session, for agents that keep no owners map entry. */
    private final Map<String, String> agentOf = new java.util.HashMap<>();
    /** Where each session this gateway created keeps its durable log (null entries: the agent's own home). */
    private final Map<String, String> codexHomeOf = new java.util.HashMap<>();
    private final String recordedHome;
    private final Map<String, EventBuffer<Event>> buffers = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EventBuffer<Event>> eldest) {
            if (size() > BUFFERED_SESSIONS) {
                agentOf.remove(eldest.getKey()); // submissions then find the agent by the per-session address
                codexHomeOf.remove(eldest.getKey());
                fenceOf.remove(eldest.getKey());
                bufferedEvents -= eldest.getValue().size();
                return true;
            }
            return false;
        }
    };

    /** Counts into Micrometer's global registry (a no-op until a registry is added to it, as `codex serve` does). */
    public GatewayVerticle() {
        this(Metrics.globalRegistry);
    }

    public GatewayVerticle(MeterRegistry registry) {
        this(registry, null);
    }

    /**
     * @param recordedHome where sessions this gateway did not create (it restarted, or another
     *                     gateway created them) keep their durable log: the codex home front ends
     *                     put in their session configs; null for the agent's own
     */
    public GatewayVerticle(MeterRegistry registry, String recordedHome) {
        this.metrics = new GatewayMetrics(registry);
        this.recordedHome = recordedHome;
    }

    @Override
    public Future<?> start() {
        BusCodecs.register(vertx);
        var bus = vertx.eventBus();
        return Future.all(
                ServicePing.answer(vertx, "gateway"),
                bus.consumer(Addresses.GATEWAY_CREATE_SESSION, this::createSession).completion(),
                bus.consumer(Addresses.GATEWAY_SUBMIT, this::submit).completion(),
                bus.consumer(Addresses.GATEWAY_REPLAY, this::replay).completion(),
                bus.consumer(Addresses.GATEWAY_EVENTS_IN, this::relayEvent).completion(),
                bus.consumer(Addresses.GATEWAY_APPROVALS, this::approvals).completion())
                .compose(v -> rebuildInbox());
    }

    private void createSession(Message<Object> msg) {
        CreateSession request = BusRequests.decode(msg, CreateSession.class);
        if (request == null) {
            return;
        }
        String resumeId = request.resumeSessionId();
        String sessionId = resumeId != null ? resumeId : UUID.randomUUID().toString();
        boolean newBuffer = !buffers.containsKey(sessionId);
        buffers.computeIfAbsent(sessionId, this::newBuffer);
        codexHomeOf.put(sessionId, request.config().codexHome());
        BusRequests.call(vertx, Addresses.AGENT_OPEN_SESSION, new OpenSession(sessionId, request.config(), resumeId != null),
                        SessionOpened.class, AGENT_CALL)
                .onSuccess(opened -> {
                    agentOf.put(sessionId, opened.agentAddress());
                    metrics.sessionCreated(resumeId != null);
                    msg.reply(new SessionCreated(sessionId, Addresses.clientEvents(sessionId), opened.lastSeq()));
                })
                .onFailure(err -> {
                    // a failed open (e.g. a resume tried before any agent is back) never discards
                    // events: only a buffer this call made and that is still empty goes
                    EventBuffer<Event> buffer = buffers.get(sessionId);
                    if (newBuffer && buffer != null && buffer.size() == 0) {
                        dropBuffer(sessionId);
                    }
                    msg.fail(500, "could not open session: " + err.getMessage());
                });
    }

    private void submit(Message<Object> msg) {
        Submit request = BusRequests.decode(msg, Submit.class);
        if (request == null) {
            return;
        }
        String sessionId = request.sessionId();
        // the agent instance's own address is known cluster-wide since it started; the per-session
        // address serves gateways that did not open the session themselves
        relay(sessionId, request.submission())
                .onSuccess(msg::reply)
                .onFailure(err -> msg.fail(404, "session " + sessionId + " is not open: " + err.getMessage()));
    }

    /**
     * To the session's current owner, as the cluster's owners map names it (never a remembered
     * address: after a takeover the next submission goes to the new owner). While the owner is gone
     * and nobody has taken over yet (the dead agent's lease runs out in seconds) it is asked again,
     * for up to {@link #OWNER_WAIT_MS} ms.
     */
    private Future<Accepted> relay(String sessionId, Submission submission) {
        return relay(sessionId, submission, System.currentTimeMillis() + OWNER_WAIT_MS, null);
    }

    static final long OWNER_WAIT_MS = 30_000;
    private static final DeliveryOptions OWNER_CALL = new DeliveryOptions().setSendTimeout(5_000);

    private Future<Accepted> relay(String sessionId, Submission submission, long deadline, Throwable last) {
        if (System.currentTimeMillis() > deadline) {
            return Future.failedFuture(last);
        }
        return owner(sessionId).compose(owner -> {
            if (owner == null) {
                String remembered = agentOf.get(sessionId); // an agent that keeps no owners map entry
                return remembered != null
                        ? BusRequests.call(vertx, remembered, new Submit(sessionId, submission), Accepted.class, AGENT_CALL)
                        : BusRequests.call(vertx, Addresses.agentSession(sessionId), submission, Accepted.class, AGENT_CALL);
            }
            return BusRequests.call(vertx, owner.agentAddress(), new Submit(sessionId, submission), Accepted.class, OWNER_CALL)
                    .recover(err -> {
                        if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
                                && re.failureCode() != 404) {
                            return Future.failedFuture(err); // the owner refused it: asking again changes nothing
                        }
                        // the owner died (no handlers, no answer) or no longer has it: look the owner up again soon
                        Promise<Accepted> retried = Promise.promise();
                        vertx.setTimer(500, t -> relay(sessionId, submission, deadline, err).onComplete(retried));
                        return retried.future();
                    });
        });
    }

    private Future<SessionOwnership.Owner> owner(String sessionId) {
        return vertx.sharedData().<String, String>getAsyncMap(SessionOwnership.OWNERS_MAP)
                .compose(m -> m.get(sessionId))
                .map(text -> {
                    try {
                        return SessionOwnership.Owner.decode(text);
                    } catch (IllegalArgumentException unreadable) {
                        return null;
                    }
                });
    }

    /** The approvals inbox (see {@link Addresses#GATEWAY_APPROVALS}). */
    private void approvals(Message<Object> msg) {
        InboxRequest request = BusRequests.decode(msg, InboxRequest.class);
        if (request == null) {
            return;
        }
        String id = request.approvalId();
        switch (request.action()) {
            case LIST -> msg.reply(new InboxList(inbox.pending().stream().map(ApprovalInbox.Entry::toApproval).toList()));
            case LOOKUP -> {
                ApprovalInbox.Entry e = inbox.find(id);
                if (e == null) {
                    msg.fail(404, "no approval " + id);
                } else {
                    msg.reply(new InboxEntry(e.toApproval()));
                }
            }
            case ANSWER -> {
                ApprovalInbox.Entry e;
                try {
                    e = inbox.answer(id, request.decision(), request.decidedBy());
                } catch (ApprovalInbox.Refusal r) {
                    msg.fail(r.status(), r.getMessage());
                    return;
                }
                JsonObject op = new JsonObject().put("type", "exec".equals(e.kind()) ? "exec_approval" : "patch_approval")
                        .put("call_id", e.callId()).put("decision", request.decision())
                        .put("approval_id", e.approvalId());
                if (request.decidedBy() != null) {
                    op.put("decided_by", request.decidedBy());
                }
                if (request.reason() != null) {
                    op.put("reason", request.reason());
                }
                Submission answer;
                try {
                    answer = Json.fromJson(new JsonObject().put("id", "approval-" + e.approvalId()).put("op", op),
                            Submission.class);
                } catch (IllegalArgumentException bad) {
                    inbox.undo(e);
                    msg.fail(BusRequests.BAD_REQUEST, bad.getMessage());
                    return;
                }
                relay(e.sessionId(), answer)
                        .onSuccess(reply -> msg.reply(new InboxEntry(e.toApproval())))
                        .onFailure(err -> {
                            inbox.undo(e);
                            msg.fail(503, "the agent of session " + e.sessionId() + " did not take the answer: "
                                    + err.getMessage());
                        });
            }
        }
    }

    /**
     * After a (re)start: every agent re-announces the approval requests still waiting there, so
     * the inbox lists them again. Not waited for: an agent that answers later still counts.
     */
    private Future<Void> rebuildInbox() {
        String replyTo = "codex.gateway.approvals.rebuild.v1." + UUID.randomUUID();
        AnnouncePending ask = new AnnouncePending(replyTo);
        return vertx.eventBus().consumer(replyTo, m -> {
                    Event event = event(m.body());
                    if (event != null) {
                        inbox.onEvent(event);
                    }
                }).completion()
                .onSuccess(v -> {
                    // asked again a little later: in a cluster our reply address takes a moment to be
                    // known on the agents' nodes (a send before that is lost); repeats are ignored
                    vertx.eventBus().publish(Addresses.AGENT_PENDING_APPROVALS, ask);
                    if (vertx.isClustered()) {
                        vertx.setTimer(1_000, t -> vertx.eventBus().publish(Addresses.AGENT_PENDING_APPROVALS, ask));
                        vertx.setTimer(4_000, t -> vertx.eventBus().publish(Addresses.AGENT_PENDING_APPROVALS, ask));
                    }
                });
    }

    /**
     * Replay from the buffer when it holds everything after the client's seq; otherwise (a
     * restarted gateway, a session another gateway opened, a client further behind than the
     * buffer) from the session's durable log joined with the buffer, so no event is missed.
     */
    private void replay(Message<Object> msg) {
        Replay request = BusRequests.decode(msg, Replay.class);
        if (request == null) {
            return;
        }
        String sessionId = request.sessionId();
        long afterSeq = request.afterSeq();
        EventBuffer<Event> buffer = buffers.get(sessionId);
        if (!ReplayJoin.needsLog(buffer, afterSeq)) {
            reply(msg, buffer.after(afterSeq), buffer.oldestSeq());
            return;
        }
        readLog(sessionId, afterSeq, true).onComplete(ar -> {
            EventBuffer<Event> now = buffers.get(sessionId); // live events may have come in meanwhile
            List<Event> buffered = now == null ? List.of() : now.after(afterSeq);
            long bufferOldest = now == null ? -1 : now.oldestSeq();
            if (ar.failed() || ar.result() == null) {
                reply(msg, buffered, bufferOldest); // no durable log: the buffer is all there is
                return;
            }
            List<Event> joined = ReplayJoin.join(afterSeq, ar.result(), buffered, Event::seq);
            reply(msg, joined, joined.isEmpty() ? bufferOldest : joined.get(0).seq());
        });
    }

    /**
     * The session's recorded events after {@code afterSeq}; null when it has no durable log. The log
     * trails the live events by the writer's latency: when it ends short of what the buffer begins
     * with, it is read once more a moment later.
     */
    private Future<List<Event>> readLog(String sessionId, long afterSeq, boolean retryOnGap) {
        return BusRequests.call(vertx, Addresses.AGENT_SESSION_EVENTS,
                        new ReadRecordedEvents(codexHomeOf.getOrDefault(sessionId, recordedHome), sessionId, afterSeq), RecordedEvents.class,
                        AGENT_CALL)
                .map(RecordedEvents::events)
                .recover(err -> err instanceof ReplyException re && re.failureCode() == 404
                        ? Future.succeededFuture(null) : Future.failedFuture(err))
                .compose(recorded -> {
                    EventBuffer<Event> buffer = buffers.get(sessionId);
                    List<Event> buffered = buffer == null ? List.of() : buffer.after(afterSeq);
                    if (recorded == null || !retryOnGap || buffered.isEmpty()
                            || ReplayJoin.gapless(afterSeq, ReplayJoin.join(afterSeq, recorded, buffered,
                            Event::seq), Event::seq)) {
                        return Future.succeededFuture(recorded);
                    }
                    Promise<List<Event>> later = Promise.promise();
                    vertx.setTimer(LOG_CATCH_UP_MS, t -> readLog(sessionId, afterSeq, false).onComplete(later));
                    return later.future();
                });
    }

    private static void reply(Message<Object> msg, List<Event> events, long oldestSeq) {
        msg.reply(new Replayed(events, oldestSeq));
    }

    /**
     * An event body: the agent's record (one JVM, or decoded from another), or JSON (tests, other
     * senders), decoded here; null, logged, for one that does not decode.
     */
    private static Event event(Object body) {
        try {
            return BusRequests.body(body, Event.class);
        } catch (IllegalArgumentException e) {
            LOG.warning("dropped an event that does not decode: " + e.getMessage());
            return null;
        }
    }

    private void relayEvent(Message<Object> msg) {
        Event event = event(msg.body());
        if (event == null) {
            return;
        }
        String sessionId = event.sessionId();
        if (sessionId == null) {
            return; // not an event of any session: nobody to relay it to
        }
        String fenceHeader = msg.headers().get(SessionOwnership.FENCE_HEADER);
        if (fenceHeader != null) {
            long fence = Long.parseLong(fenceHeader);
            Long highest = fenceOf.get(sessionId);
            if (highest != null && fence < highest) {
                LOG.warning("refused event seq " + event.seq() + " of session " + sessionId + ": fence " + fence
                        + " is older than " + highest + " (an agent that lost the session)");
                return;
            }
            fenceOf.put(sessionId, fence);
        }
        EventBuffer<Event> buffer = buffers.computeIfAbsent(sessionId, this::newBuffer);
        int before = buffer.size();
        buffer.add(event);
        bufferedEvents += buffer.size() - before;
        vertx.eventBus().publish(Addresses.clientEvents(sessionId), event); // the record: no copy per subscriber
        metrics.event(event);
        inbox.onEvent(event);
        if (event.msg() instanceof EventMsg.ShutdownComplete) {
            dropBuffer(sessionId);
            agentOf.remove(sessionId);
            codexHomeOf.remove(sessionId);
            fenceOf.remove(sessionId);
        }
        metrics.buffers(buffers.size(), bufferedEvents);
    }

    private void dropBuffer(String sessionId) {
        EventBuffer<Event> gone = buffers.remove(sessionId);
        if (gone != null) {
            bufferedEvents -= gone.size();
        }
        metrics.buffers(buffers.size(), bufferedEvents);
    }

    private EventBuffer<Event> newBuffer(String sessionId) {
        return new EventBuffer<>(BUFFERED_EVENTS_PER_SESSION, Event::seq);
    }
}
