package codex.cli;

import codex.gateway.GatewayClient;
import codex.protocol.Event;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every service in this JVM and one session on them, used the way any front end uses the
 * gateway: open (or resume) it, follow its events, send submissions. Callable from any thread;
 * the gateway client always runs on one Vert.x context.
 */
public final class LocalSession implements AutoCloseable {
    private final Vertx vertx = Services.newLocalVertx();
    private final Context context = vertx.getOrCreateContext();
    private final GatewayClient client = new GatewayClient(vertx);
    /** The sandbox's executor: made by the first command (an answer without one never needs it). */
    private final LazyExecutor sandbox = new LazyExecutor();
    private volatile String id;
    /** The environment the services see: the process's, plus a stored API key (see {@link Auth}). */
    private static volatile java.util.Map<String, String> environment = System.getenv();

    static void useEnvironment(java.util.Map<String, String> env) {
        environment = java.util.Map.copyOf(env);
    }

    /** The notify payload's {@code client}: Codex's names for the same front ends. */
    static final String EXEC_CLIENT = "codex_exec";
    static final String TUI_CLIENT = "codex-tui";
    private static volatile String notifyClient = TUI_CLIENT;

    static void useClient(String name) {
        notifyClient = name;
    }

    /**
     * Deploys the services, opens the session and delivers its events from the first one of this
     * open on (a resumed session's recorded history is not delivered again). The in-process
     * notifier runs the session's {@code notify} program: this front end's own config.
     */
    public Future<String> open(SessionConfig config, String resumeSessionId, Consumer<Event> onEvent) {
        Promise<String> opened = Promise.promise();
        context.runOnContext(v -> Services.deployLocal(vertx, environment, config.notifyCommand(), notifyClient, sandbox)
                .compose(x -> client.open(config, resumeSessionId))
                .compose(created -> {
                    id = created.sessionId();
                    long after = created.lastSeq() == null ? 0 : created.lastSeq();
                    return client.subscribe(id, after, onEvent).map(id);
                })
                .onComplete(opened));
        return opened.future();
    }

    /** The session's id once it is open, else null. */
    public String id() {
        return id;
    }

    /** Completes when the gateway has accepted the submission. */
    public Future<Void> submit(Submission submission) {
        Promise<Void> accepted = Promise.promise();
        context.runOnContext(v -> client.submit(id, submission).onComplete(accepted));
        return accepted.future();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // exiting anyway; a stuck close must not keep the user waiting
        }
    }
}
