package codex.cli;

import codex.gateway.GatewayClient;
import codex.protocol.Event;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every service in this JVM and one session on them, used the way any front end uses the
 * gateway: open (or resume) it, follow its events, send submissions. Callable from any thread;
 * the gateway client always runs on one Vert.x context.
 */
public final class LocalSession implements AutoCloseable {
    /** Vert.x with the sandbox service deploying on it, started by {@link #prestart} for the next session. */
    private record Prestarted(Vertx vertx, Future<Void> sandbox) { }

    private static final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Prestarted>>
            PRESTARTED = new java.util.concurrent.atomic.AtomicReference<>();

    private final Vertx vertx;
    private final Future<Void> sandboxDeployed;
    private final Context context;
    private final GatewayClient client;
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
     * Starts Vert.x and deploys the sandbox service (its kernel probe, native library and
     * executor) on another thread, so that it overlaps the caller's config loading; the next
     * LocalSession takes them over. Neither needs the config: the sandbox reads its own
     * {@code [sandbox]} limits from the same environment. Call {@link #discardPrestart} when no
     * session follows.
     */
    static void prestart(java.util.Map<String, String> env) {
        java.util.concurrent.CompletableFuture<Prestarted> started = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            Vertx v = Services.newLocalVertx();
            return new Prestarted(v, Services.deploy(v, env, java.util.EnumSet.of(Services.Service.SANDBOX), List.of(), notifyClient));
        }, r -> {
            Thread t = new Thread(r, "codex-prestart");
            t.setDaemon(true);
            t.start();
        });
        java.util.concurrent.CompletableFuture<Prestarted> previous = PRESTARTED.getAndSet(started);
        if (previous != null) {
            previous.thenAccept(p -> p.vertx().close());
        }
    }

    /** Closes what {@link #prestart} started if no session took it. */
    static void discardPrestart() {
        java.util.concurrent.CompletableFuture<Prestarted> started = PRESTARTED.getAndSet(null);
        if (started != null) {
            started.thenAccept(p -> p.vertx().close());
        }
    }

    public LocalSession() {
        java.util.concurrent.CompletableFuture<Prestarted> started = PRESTARTED.getAndSet(null);
        Prestarted pre = null;
        if (started != null) {
            try {
                pre = started.join();
            } catch (RuntimeException e) {
                pre = null; // Vert.x did not start there: start it here, where the failure is reported
            }
        }
        this.vertx = pre != null ? pre.vertx() : Services.newLocalVertx();
        this.sandboxDeployed = pre != null ? pre.sandbox() : null;
        this.context = vertx.getOrCreateContext();
        this.client = new GatewayClient(vertx);
    }

    /**
     * Deploys the services, opens the session and delivers its events from the first one of this
     * open on (a resumed session's recorded history is not delivered again). The in-process
     * notifier runs the session's {@code notify} program: this front end's own config.
     */
    public Future<String> open(SessionConfig config, String resumeSessionId, Consumer<Event> onEvent) {
        Promise<String> opened = Promise.promise();
        context.runOnContext(v -> (sandboxDeployed == null
                ? Services.deployAll(vertx, environment, config.notifyCommand(), notifyClient)
                : sandboxDeployed.compose(x -> Services.deploy(vertx, environment, java.util.EnumSet.of(Services.Service.NOTIFIER,
                        Services.Service.AGENT, Services.Service.GATEWAY), config.notifyCommand(), notifyClient)))
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
