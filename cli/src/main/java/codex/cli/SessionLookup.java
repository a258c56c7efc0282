package codex.cli;

import codex.gateway.AgentSessionDirectory;
import codex.protocol.Event;
import codex.protocol.Json;
import codex.protocol.SessionMessages.RecordedSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Recorded sessions, asked of agent-service over the bus as any front end would (cli never reads
 * rollout files): the agent alone, deployed in a short-lived Vert.x of this process.
 */
final class SessionLookup implements AutoCloseable {
    private final Vertx vertx = Services.newLocalVertx();
    private final AgentSessionDirectory sessions;

    private SessionLookup(Path codexHome) {
        sessions = new AgentSessionDirectory(vertx, codexHome);
        await(Services.deploy(vertx, System.getenv(), EnumSet.of(Services.Service.AGENT), List.of()));
    }

    static SessionLookup open(Path codexHome) {
        return new SessionLookup(codexHome);
    }

    /**
     * Turns what the user typed (an id, a prefix, --last) into a recorded session's full id.
     *
     * @param idOrPrefix null means the latest session (of {@code cwd} when it has one, else any)
     * @throws IllegalArgumentException with the agent's explanation when nothing (or more than one) matches
     */
    static String resolve(Path codexHome, String idOrPrefix, Path cwd) {
        try (SessionLookup lookup = open(codexHome)) {
            return lookup.await(idOrPrefix == null ? lookup.sessions.latest(cwd.toString())
                    : lookup.sessions.resolve(idOrPrefix));
        }
    }

    /** A recorded session's full id and its recorded events, in seq order. */
    record History(String sessionId, List<Event> events) {
    }

    /**
     * The session named as in {@link #resolve} and its recorded events (asked of the agent like
     * every other lookup), for a front end that draws the transcript before resuming.
     */
    static History history(Path codexHome, String idOrPrefix, Path cwd) {
        try (SessionLookup lookup = open(codexHome)) {
            String id = lookup.await(idOrPrefix == null ? lookup.sessions.latest(cwd.toString())
                    : lookup.sessions.resolve(idOrPrefix));
            List<Event> events = lookup.await(lookup.sessions.events(id)).orElse(List.of()).stream()
                    .map(e -> Json.fromJson(e, Event.class)).toList();
            return new History(id, events);
        }
    }

    /** Newest first, at most {@code limit}. */
    List<RecordedSession> list(int limit) {
        return await(sessions.list(limit, null));
    }

    private <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while looking up the recorded sessions");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalArgumentException("the agent did not answer about the recorded sessions within 60 s");
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // a lookup is done; a slow close must not keep the user waiting
        }
    }
}
