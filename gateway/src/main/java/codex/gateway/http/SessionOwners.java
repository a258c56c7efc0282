package codex.gateway.http;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which identity created each session served by the HTTP API. A session that is not here does
 * not exist as far as HTTP clients are concerned (404), so one user cannot probe another's ids.
 * Kept in a JSON-lines file (one line per session, appended) so ownership survives a restart;
 * reads are from memory, writes are blocking and belong on a worker.
 */
public final class SessionOwners {
    private final Map<String, String> ownerOf = new ConcurrentHashMap<>();
    private final Path file;

    /** @param file where to keep the list, or null to keep it in memory only */
    public SessionOwners(Path file) {
        this.file = file;
        if (file != null && Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonObject entry = new JsonObject(line);
                        ownerOf.put(entry.getString("session_id"), entry.getString("owner"));
                    } catch (RuntimeException e) {
                        // a torn last line after a crash: the sessions before it still count
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the session owners file " + file, e);
            }
        }
    }

    public String ownerOf(String sessionId) {
        return sessionId == null ? null : ownerOf.get(sessionId);
    }

    /** Blocking: appends to the file. A session keeps its first owner. */
    public void record(String sessionId, String owner) {
        if (ownerOf.putIfAbsent(sessionId, owner) != null || file == null) {
            return;
        }
        String line = new JsonObject().put("session_id", sessionId).put("owner", owner)
                .put("created_at", Instant.now().toString()).encode() + "\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the owner of session " + sessionId + " in " + file, e);
        }
    }
}
