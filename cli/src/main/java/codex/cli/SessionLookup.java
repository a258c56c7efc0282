package codex.cli;

import codex.agent.rollout.RolloutFiles;
import codex.agent.rollout.RolloutLookupException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Turns what the user typed (an id, a prefix, --last) into a recorded session's full id. */
final class SessionLookup {
    private SessionLookup() {
    }

    /** @param idOrPrefix null means the latest session (of {@code cwd} when it has one, else any) */
    static String resolve(Path codexHome, String idOrPrefix, Path cwd) {
        RolloutFiles files = new RolloutFiles(codexHome);
        try {
            Path file;
            if (idOrPrefix == null) {
                Optional<Path> here = files.latest(cwd.toString());
                file = here.isPresent() ? here.get() : files.latest(null).orElseThrow(() ->
                        new IllegalArgumentException("no recorded sessions under " + files.sessionsDir()
                                + " to resume"));
            } else {
                file = files.find(idOrPrefix);
            }
            return RolloutFiles.parseName(file).orElseThrow().sessionId();
        } catch (RolloutLookupException e) {
            String hint = e.candidates().isEmpty() ? "" : " (matching: " + String.join(", ", e.candidates()) + ")";
            throw new IllegalArgumentException(e.getMessage() + hint);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the sessions under " + files.sessionsDir() + ": "
                    + e.getMessage());
        }
    }
}
