package codex.agent.rollout;

import codex.protocol.HistoryPersistence;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code $CODEX_HOME/history.jsonl}: every prompt the user typed, across sessions and processes,
 * one line {@code {"session_id","ts","text"}} each (ts in epoch seconds).
 *
 * <p>Several codex processes may append at once. Each line goes out in a single write on a file
 * opened for append, under an exclusive advisory lock, so lines never interleave. The file is
 * created readable by its owner only: prompts can hold secrets. Methods block (small local IO);
 * call them off the event loop.
 */
public final class HistoryFile {
    /** One remembered prompt. */
    public record Entry(String sessionId, long ts, String text) {
    }

    /** Appends within one JVM are serialised here: a second FileLock on the same file from the same JVM would throw. */
    private static final Object JVM_WIDE_LOCK = new Object();

    private final Path file;
    private final HistoryPersistence persistence;

    public HistoryFile(Path codexHome, HistoryPersistence persistence) {
        this.file = codexHome.resolve("history.jsonl");
        this.persistence = Objects.requireNonNull(persistence, "persistence");
    }

    public Path file() {
        return file;
    }

    /**
     * Remembers a prompt, unless persistence is {@code none} (then nothing is written and the file
     * is not even created). Returns whether a line was written.
     */
    public boolean append(String sessionId, long epochSeconds, String text) throws IOException {
        if (persistence == HistoryPersistence.NONE) {
            return false;
        }
        byte[] line = (new JsonObject().put("session_id", sessionId).put("ts", epochSeconds).put("text", text).encode() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.getParent());
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        synchronized (JVM_WIDE_LOCK) {
            try (FileChannel channel = FileChannel.open(file, options, ownerOnly())) {
                try (FileLock ignored = channel.lock()) {
                    ByteBuffer buf = ByteBuffer.wrap(line);
                    while (buf.hasRemaining()) {
                        channel.write(buf);
                    }
                }
            }
        }
        return true;
    }

    /** {@link #append(String, long, String)} stamped with the current time. */
    public boolean append(String sessionId, String text) throws IOException {
        return append(sessionId, System.currentTimeMillis() / 1000, text);
    }

    /**
     * The last {@code n} prompts, oldest first (the order an up-arrow walks them backwards). Lines
     * that are not complete entries (torn by a crash, or hand-edited) are skipped. An absent file is empty history.
     */
    public List<Entry> recent(int n) throws IOException {
        if (n <= 0) {
            return List.of();
        }
        Deque<Entry> last = new ArrayDeque<>(Math.min(n, 1024));
        try (BufferedReader in = RolloutReader.lenientReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                Entry e = parse(line);
                if (e != null) {
                    if (last.size() == n) {
                        last.removeFirst();
                    }
                    last.addLast(e);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return new ArrayList<>(last);
    }

    private static Entry parse(String line) {
        try {
            JsonObject o = new JsonObject(line);
            if (o.getValue("text") instanceof String text && o.getValue("ts") instanceof Number ts) {
                return new Entry(o.getValue("session_id") instanceof String id ? id : null, ts.longValue(), text);
            }
        } catch (RuntimeException ignored) {
            // not an entry
        }
        return null;
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }
}
