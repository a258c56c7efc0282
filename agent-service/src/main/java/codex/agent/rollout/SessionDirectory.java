package codex.agent.rollout;

import codex.protocol.Event;
import codex.protocol.Json;
import codex.protocol.SessionMessages.ListSessions;
import codex.protocol.SessionMessages.ReadRecordedEvents;
import codex.protocol.SessionMessages.RecordedEvents;
import codex.protocol.SessionMessages.RecordedSession;
import codex.protocol.SessionMessages.ResolveSession;
import codex.protocol.SessionMessages.ResolvedSession;
import codex.protocol.SessionMessages.SessionList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The recorded sessions as other services see them ({@code codex.agent.sessions.list.v1},
 * {@code .resolve.v1} and {@code .events.v1}): listing, finding by id, prefix or "last", and a
 * session's recorded events, over {@link RolloutFiles} and {@link RolloutReader}.
 * Plain Java and blocking (it reads folders): the verticle calls it on a worker.
 */
public final class SessionDirectory {
    private final Path defaultHome;

    /** @param defaultHome the agent's own codex home, for requests that name none */
    public SessionDirectory(Path defaultHome) {
        this.defaultHome = defaultHome;
    }

    private RolloutFiles files(String codexHome) {
        return new RolloutFiles(codexHome == null ? defaultHome : Path.of(codexHome));
    }

    public SessionList list(ListSessions request) throws IOException {
        return new SessionList(files(request.codexHome()).list(request.limit(), request.cwd()).stream()
                .map(s -> new RecordedSession(s.sessionId(), s.startedAt().toString(), s.cwd(), s.preview()))
                .toList());
    }

    /** @throws RolloutLookupException when nothing (or more than one session) matches; the message says what to do */
    public ResolvedSession resolve(ResolveSession request) throws IOException, RolloutLookupException {
        RolloutFiles files = files(request.codexHome());
        Path file;
        if (request.idOrPrefix() != null) {
            file = files.find(request.idOrPrefix());
        } else {
            Optional<Path> here = request.cwd() == null ? Optional.empty() : files.latest(request.cwd());
            file = here.isPresent() ? here.get() : files.latest(null).orElseThrow(() -> new RolloutLookupException(
                    RolloutLookupException.Kind.NOT_FOUND, "no recorded sessions under " + files.sessionsDir()
                            + " to resume", java.util.List.of()));
        }
        return new ResolvedSession(RolloutFiles.parseName(file).orElseThrow().sessionId());
    }

    /** @throws RolloutLookupException (NOT_FOUND) when the session has no rollout here */
    public RecordedEvents events(ReadRecordedEvents request) throws IOException, RolloutLookupException {
        Path file = files(request.codexHome()).find(request.sessionId());
        long after = request.afterSeq() == null ? Long.MIN_VALUE : request.afterSeq();
        return new RecordedEvents(RolloutReader.read(file).events().stream()
                .map(e -> Json.fromJson(e, Event.class)).filter(e -> e.seq() > after).toList());
    }
}
