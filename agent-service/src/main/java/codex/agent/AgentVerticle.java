package codex.agent;

import codex.agent.rollout.RolloutLookupException;
import codex.agent.rollout.SessionDirectory;
import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import codex.agent.mcp.McpTools;
import codex.agent.ownership.OwnershipStore;
import codex.agent.ownership.SessionLeases;
import codex.agent.ownership.LocalOwnershipStore;
import codex.agent.ownership.SharedDataOwnershipStore;
import codex.protocol.SessionMessages.Replay;
import codex.protocol.SessionMessages.Replayed;
import codex.protocol.SessionOwnership;
import io.vertx.core.eventbus.DeliveryOptions;

import codex.protocol.Addresses;
import codex.protocol.BusCodecs;
import codex.protocol.BusRequests;
import codex.protocol.NotifierMessages.TurnComplete;
import codex.protocol.SessionMessages.Accepted;
import codex.protocol.SessionMessages.ListSessions;
import codex.protocol.ApprovalMessages.AnnouncePending;
import codex.protocol.SessionMessages.ReadRecordedEvents;
import codex.protocol.SessionMessages.ResolveSession;
import codex.protocol.SessionMessages.OpenSession;
import codex.protocol.SessionMessages.SessionOpened;
import codex.protocol.SessionMessages.Submit;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import io.vertx.core.Future;
import java.util.ArrayList;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Thin adapter: opens {@link AgentSession}s on request and routes each session's submissions to
 * it; events go to the gateway, finished turns to the notifier. One event loop serves all of
 * this verticle's sessions.
 */
public class AgentVerticle extends VerticleBase {
    private final Map<String, AgentSession> sessions = new HashMap<>();
    private final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
    private final Map<String, SessionLog> logs = new HashMap<>();
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AgentVerticle.class.getName());
    private final Map<String, String> env;
    private HttpClient http;
    private EventBusSandbox sandbox;
    private TurnNotifications notifications;
    private final String instanceId = java.util.UUID.randomUUID().toString();
    /** Which sessions this instance owns, under which fence (the cluster's shared data). */
    private SessionLeases leases;
    /** Sessions being taken over now (not asked twice). */
    private final java.util.Set<String> takingOver = new java.util.HashSet<>();
    /** Sessions another owner took from us: whatever they still emit here goes nowhere. */
    private final java.util.Set<String> lost = new java.util.HashSet<>();

    /** At most this many model requests to one host at once (each session streams one at a time). */
    static final int MODEL_CONNECTIONS_PER_HOST = 1024;

    public AgentVerticle() {
        this(System.getenv());
    }

    public AgentVerticle(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Future<?> start() {
        BusCodecs.register(vertx);
        // One connection per streaming model response: Vert.x's default pool (5 per host) made the sixth
        // concurrent session wait for another session's whole response before its request was even sent.
        http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setKeepAlive(true),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(MODEL_CONNECTIONS_PER_HOST));
        sandbox = new EventBusSandbox(vertx, Addresses.agentExecOutput(instanceId));
        // in one JVM nothing but this agent ever reads the owners: no shared map, no JSON (LocalOwnershipStore)
        leases = new SessionLeases(vertx.isClustered() ? new SharedDataOwnershipStore(vertx)
                : new LocalOwnershipStore(System::currentTimeMillis), instanceId, SharedDataOwnershipStore.nodeId(vertx),
                Addresses.agentInstance(instanceId), () -> SharedDataOwnershipStore.nodes(vertx), System::currentTimeMillis);
        // instance-wide addresses are registered now, long before a session needs them, so other
        // processes of a cluster already know them when the first command streams or submission comes
        return Future.all(List.of(
                // config.toml is file IO: off the event loop; a bad [notifier] table stops the start
                vertx.executeBlocking(() -> codex.config.NotifierSettings.read(env)).map(settings -> {
                    notifications = new TurnNotifications(vertx, settings.redeliveryWindowSeconds() == null
                            ? Redelivery.DEFAULT
                            : new Redelivery(java.time.Duration.ofSeconds(settings.redeliveryWindowSeconds())));
                    return null;
                }),
                codex.protocol.ServicePing.answer(vertx, "agent"),
                vertx.eventBus().consumer(Addresses.AGENT_PENDING_APPROVALS, msg -> {
                    AnnouncePending ask;
                    try {
                        ask = BusRequests.body(msg.body(), AnnouncePending.class);
                    } catch (IllegalArgumentException e) {
                        LOG.warning("ignoring an approvals re-announcement request: " + e.getMessage());
                        return; // published: nobody to answer
                    }
                    sessions.values().forEach(s -> s.pendingApprovalRequests()
                            .forEach(e -> vertx.eventBus().send(ask.replyTo(), e)));
                }).completion(),
                sandbox.listen(),
                vertx.eventBus().consumer(Addresses.agentInstance(instanceId), msg -> {
                    Submit submit = BusRequests.decode(msg, Submit.class);
                    if (submit != null) {
                        onSubmission(submit.sessionId(), submit.submission(), msg);
                    }
                }).completion(),
                vertx.eventBus().consumer(Addresses.AGENT_OPEN_SESSION, this::openSession).completion(),
                vertx.eventBus().consumer(Addresses.AGENT_LIST_SESSIONS, this::listSessions).completion(),
                vertx.eventBus().consumer(Addresses.AGENT_RESOLVE_SESSION, msg -> lookUp(msg,
                        ResolveSession.class, r -> directory().resolve(r))).completion(),
                vertx.eventBus().consumer(Addresses.AGENT_SESSION_EVENTS, msg -> lookUp(msg,
                        ReadRecordedEvents.class, r -> directory().events(r))).completion()))
                .compose(v -> leases.start())
                .onSuccess(v -> vertx.setPeriodic(1_000, t -> watchOwnership()));
    }

    /** Renews our lease, stops driving sessions taken from us, takes over sessions whose owner is gone. */
    private void watchOwnership() {
        leases.tick().onSuccess(tick -> {
            tick.lost().forEach(this::lostTo);
            tick.orphans().forEach(this::takeOver);
        }).onFailure(err -> LOG.warning("session ownership: cannot reach the cluster's shared data: " + err.getMessage()));
    }

    /** Another agent owns the session now (we were presumed dead): stop it here without a word. */
    private void lostTo(String sessionId) {
        LOG.warning("session " + sessionId + " was taken over by another agent; it stops here");
        lost.add(sessionId);
        endLocally(sessionId);
    }

    /**
     * The owner of a session is gone: acquire it (one agent wins), read its log, take the events
     * the log missed from the gateway, and carry on the turn it left open.
     */
    private void takeOver(OwnershipStore.Stored orphan) {
        String sessionId = orphan.owner().sessionId();
        if (!takingOver.add(sessionId) || sessions.containsKey(sessionId)) {
            return;
        }
        long startedNanos = System.nanoTime();
        leases.takeOver(orphan).compose(owner -> vertx.executeBlocking(() -> {
                    SessionLog log = SessionLog.open(sessionId, owner.config(), true, err -> LOG.warning(err));
                    log.owner(owner.fence(), instanceId, SharedDataOwnershipStore.nodeId(vertx));
                    return log;
                }, false).compose(log -> missedEvents(sessionId, log).map(last -> {
                    AgentSession.ResumeState was = log.resumeState();
                    var state = new AgentSession.ResumeState(was.history(), Math.max(was.lastSeq(), last),
                            was.lastResponseId(), was.openTurn());
                    AgentSession session = startSession(null, sessionId, owner.config(), true, state, log, owner.fence());
                    if (session != null) {
                        session.emitBackground("session taken over by agent " + instanceId + " (fence " + owner.fence()
                                + ") after its owner " + orphan.owner().instanceId() + " stopped");
                        LOG.info("took session " + sessionId + " over in " + (System.nanoTime() - startedNanos) / 1_000_000
                                + " ms (fence " + owner.fence() + ")");
                        if (state.openTurn() != null) {
                            session.carryOn(state.openTurn());
                        }
                    }
                    return null;
                }).onFailure(err -> {
                    log.closeAsync();
                    leases.release(sessionId);
                })).onFailure(err -> LOG.warning("cannot take session " + sessionId + " over: " + err.getMessage())))
                .onComplete(ar -> takingOver.remove(sessionId));
    }

    /**
     * Events the gateway relayed that the log lacks (the owner died before writing them): recorded
     * now, so the log is whole and the seq goes on after them. Nothing when no gateway answers.
     */
    private Future<Long> missedEvents(String sessionId, SessionLog log) {
        long logged = log.resumeState().lastSeq();
        return BusRequests.call(vertx, Addresses.GATEWAY_REPLAY, new Replay(sessionId, logged), Replayed.class,
                        new DeliveryOptions().setSendTimeout(3_000))
                .map(replayed -> {
                    long last = logged;
                    for (codex.protocol.Event e : replayed.events()) {
                        if (e.seq() > last) {
                            log.recordEvent(e);
                            last = e.seq();
                        }
                    }
                    return last;
                }).otherwise(logged);
    }

    /** The agent's own codex home, for listing requests that name none. */
    private SessionDirectory directory() {
        return new SessionDirectory(ConfigLoader.resolveCodexHome(ConfigOptions.defaults().withEnv(env)));
    }

    private void listSessions(Message<Object> msg) {
        ListSessions request = BusRequests.decode(msg, ListSessions.class);
        if (request == null) {
            return;
        }
        // walking the sessions folders is file IO: off the event loop
        vertx.executeBlocking(() -> directory().list(request), false).onComplete(ar -> {
            if (ar.succeeded()) {
                msg.reply(ar.result());
            } else {
                msg.fail(500, "cannot list the recorded sessions: " + ar.cause().getMessage());
            }
        });
    }

    /** A blocking file lookup the directory answers, on a worker; a lookup failure is a 404/409/400 with its explanation. */
    private <T> void lookUp(Message<Object> msg, Class<T> type, Lookup<T> lookup) {
        T request = BusRequests.decode(msg, type);
        if (request == null) {
            return;
        }
        vertx.executeBlocking(() -> lookup.answer(request), false).onComplete(ar -> {
            if (ar.succeeded()) {
                msg.reply(ar.result());
            } else if (ar.cause() instanceof RolloutLookupException e) {
                msg.fail(switch (e.kind()) {
                    case NOT_FOUND -> 404;
                    case AMBIGUOUS -> 409;
                    case PREFIX_TOO_SHORT -> BusRequests.BAD_REQUEST;
                }, e.getMessage());
            } else {
                msg.fail(500, "cannot read the recorded sessions: " + ar.cause().getMessage());
            }
        });
    }

    @FunctionalInterface
    private interface Lookup<T> {
        Object answer(T request) throws Exception;
    }

    private void openSession(Message<Object> msg) {
        OpenSession open = BusRequests.decode(msg, OpenSession.class);
        if (open == null) {
            return;
        }
        String sessionId = open.sessionId();
        boolean resume = open.resume();
        SessionConfig config = open.config();
        if (config.provider() == null) {
            msg.fail(BusRequests.BAD_REQUEST, "session config has no model provider");
            return;
        }
        leases.claim(sessionId, config).onComplete(claimed -> {
            if (claimed.failed()) {
                msg.fail(503, "cannot acquire session " + sessionId + ": " + claimed.cause().getMessage());
                return;
            }
            SessionOwnership.Owner owner = claimed.result().owner();
            if (!claimed.result().mine()) {
                // a live agent drives it: it stays there (the gateway routes by the owner)
                msg.reply(new SessionOpened(sessionId, owner.agentAddress()));
                return;
            }
            // reading or creating the session log is file IO: off the event loop
            vertx.executeBlocking(() -> {
                SessionLog log = SessionLog.open(sessionId, config, resume, err -> LOG.warning(err));
                log.owner(owner.fence(), instanceId, SharedDataOwnershipStore.nodeId(vertx));
                return log;
            }, false).onComplete(ar -> {
                if (ar.failed()) {
                    leases.release(sessionId);
                    msg.fail(404, ar.cause().getMessage());
                    return;
                }
                AgentSession.ResumeState was = ar.result().resumeState();
                // an explicit resume closes what was left open; only a takeover carries a turn on
                startSession(msg, sessionId, config, resume, new AgentSession.ResumeState(was.history(), was.lastSeq(),
                        was.lastResponseId()), ar.result(), owner.fence());
            });
        });
    }

    /** @param msg the open request to answer, or null for a takeover (nobody asked) */
    private AgentSession startSession(Message<Object> msg, String sessionId, SessionConfig config, boolean resume,
                                      AgentSession.ResumeState state, SessionLog log, long fence) {
        DeliveryOptions fenced = new DeliveryOptions().addHeader(SessionOwnership.FENCE_HEADER, Long.toString(fence));
        lost.remove(sessionId);
        AgentSession session;
        try {
            session = new AgentSession(sessionId, config,
                    ModelClients.forProvider(vertx, http, config.provider(), env),
                    sandbox,
                    event -> {
                        if (lost.contains(sessionId)) {
                            return; // another owner drives it now
                        }
                        // the record itself: encoded once for the log; in one JVM the gateway gets this object
                        log.recordEvent(event);
                        vertx.eventBus().publish(Addresses.GATEWAY_EVENTS_IN, event, fenced);
                    },
                    new AgentSession.Hooks() {
                        @Override
                        public void turnCompleted(String turnId, List<String> inputs, String last) {
                            notifyTurn(turnId, inputs, last, sessionId, config.cwd());
                        }

                        @Override
                        public void itemAdded(JsonObject item) {
                            log.recordItem(item);
                        }

                        @Override
                        public void checkpoint() {
                            log.flush();
                        }

                        @Override
                        public void responseStored(String responseId) {
                            log.recordResponseId(responseId);
                        }
                    },
                    env, state, McpTools.start(vertx, config.mcpServers(), env, config.cwd()));
        } catch (RuntimeException e) {
            log.closeAsync();
            leases.release(sessionId);
            if (msg != null) {
                msg.fail(400, e.getMessage());
            } else {
                LOG.warning("cannot open session " + sessionId + " here: " + e.getMessage());
            }
            return null;
        }
        AgentSession existing = sessions.put(sessionId, session);
        if (existing != null) {
            existing.close();
        }
        SessionLog oldLog = logs.put(sessionId, log);
        if (oldLog != null) {
            oldLog.closeAsync();
        }
        MessageConsumer<Object> consumer = vertx.eventBus().consumer(Addresses.agentSession(sessionId),
                sub -> {
                    Submission submission = BusRequests.decode(sub, Submission.class);
                    if (submission != null) {
                        onSubmission(sessionId, submission, sub);
                    }
                });
        MessageConsumer<Object> old = consumers.put(sessionId, consumer);
        if (old != null) {
            old.unregister();
        }
        if (msg == null) {
            return session; // a takeover: the session was configured long ago, its clients are listening
        }
        consumer.completion().onComplete(ar -> {
            if (ar.failed()) {
                msg.fail(500, ar.cause().getMessage());
                return;
            }
            long lastSeq = session.lastSeq(); // before announce: its session_configured is the first new event
            session.announce(resume);
            log.flush();
            msg.reply(new SessionOpened(sessionId, Addresses.agentInstance(instanceId), lastSeq));
        });
        return session;
    }

    private void onSubmission(String sessionId, Submission submission, Message<Object> msg) {
        AgentSession session = sessions.get(sessionId);
        if (session == null) {
            msg.fail(404, "no session " + sessionId);
            return;
        }
        msg.reply(Accepted.YES);
        if (submission.op() instanceof Submission.Op.UserInput input) {
            SessionLog log = logs.get(sessionId);
            if (log != null) {
                String text = input.joinedText();
                vertx.executeBlocking(() -> {
                    log.recordPrompt(text);
                    return null;
                }, false);
            }
        }
        session.submit(submission);
        if (submission.op() instanceof Submission.Op.Shutdown) {
            endLocally(sessionId);
            leases.release(sessionId);
        }
    }

    private void endLocally(String sessionId) {
        AgentSession ended = sessions.remove(sessionId);
        if (ended != null) {
            ended.close();
        }
        MessageConsumer<Object> c = consumers.remove(sessionId);
        if (c != null) {
            c.unregister();
        }
        SessionLog log = logs.remove(sessionId);
        if (log != null) {
            log.closeAsync();
        }
    }

    /** The notifier decides what (if anything) to run, from its own configuration. */
    private void notifyTurn(String turnId, List<String> inputs, String last, String sessionId, String cwd) {
        notifications.send(new TurnComplete(turnId, inputs, last, sessionId, cwd));
    }

    @Override
    public Future<?> stop() {
        List<Future<Void>> mcpClosed = new ArrayList<>();
        sessions.values().forEach(s -> mcpClosed.add(s.close()));
        // closing a log waits for its last writes: a worker thread, not the event loop
        List<SessionLog> open = List.copyOf(logs.values());
        logs.clear();
        Future<Void> logsClosed = vertx.executeBlocking(() -> {
            open.forEach(SessionLog::close);
            return null;
        });
        // a clean stop ends our lease at once: other agents take our sessions over without waiting for its expiry
        Future<Void> leaseDropped = leases == null ? Future.succeededFuture()
                : leases.stop().otherwiseEmpty();
        return Future.join(mcpClosed).transform(x -> logsClosed).transform(x -> leaseDropped)
                .compose(v -> http == null ? Future.succeededFuture() : http.close());
    }
}
