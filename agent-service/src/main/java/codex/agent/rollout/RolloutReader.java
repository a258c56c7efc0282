package codex.agent.rollout;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a rollout back. A record counts once its terminating newline is in the file, so a last
 * line without one (the process died mid-write) is ignored and reported as {@link Rollout#tornTail()};
 * a line in the middle that is not a JSON object with a string {@code type} is skipped and counted in
 * {@link Rollout#skippedLines()}. Neither is fatal. The file must start with a session_meta record.
 */
public final class RolloutReader {
    /**
     * The rollout format this build writes and reads (agent-service README, "Rollout format"). A file
     * without {@code rollout_format} in its session_meta predates the field and is format 1; a file
     * of a newer format is refused rather than misread.
     */
    public static final int FORMAT = 1;

    private RolloutReader() {
    }

    /**
     * Everything a rollout holds.
     *
     * @param meta           the session_meta record (includes "type", "session_id", "timestamp" and the caller's fields)
     * @param items          the "item" payloads (Responses-API items), in the order they were appended
     * @param events         the "event" payloads (Event JSON), in order
     * @param lastSeq        the highest event seq recorded, 0 if none
     * @param lastResponseId from the last "state" record carrying last_response_id (null if none, or if it was set to null)
     * @param records        every well-formed record after the meta line, whole and in order (items, events, states, other types)
     * @param skippedLines   corrupted lines that were skipped
     * @param tornTail       whether an unterminated last line was ignored
     * @param fencedLines    records skipped because an owner of a higher fence had taken the session over before them
     * @param fence          the fence of the last owner record (0: none)
     */
    public record Rollout(Path file, JsonObject meta, List<JsonObject> items, List<JsonObject> events, long lastSeq,
                          String lastResponseId, List<JsonObject> records, int skippedLines, boolean tornTail,
                          int fencedLines, long fence) {
        public String sessionId() {
            return meta.getString("session_id");
        }

        public String cwd() {
            return meta.getString("cwd");
        }
    }

    public static Rollout read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        boolean torn = false;
        int lastNewline = lastIndexOf(bytes, (byte) '\n');
        if (lastNewline != end - 1) {
            torn = end > 0;
            end = lastNewline + 1;
        }
        JsonObject meta = null;
        List<JsonObject> items = new ArrayList<>();
        List<JsonObject> events = new ArrayList<>();
        List<JsonObject> records = new ArrayList<>();
        long lastSeq = 0;
        String lastResponseId = null;
        int skipped = 0;
        int fenced = 0;
        long fence = 0;
        int start = 0;
        while (start < end) {
            int nl = indexOf(bytes, (byte) '\n', start, end);
            String line = decode(bytes, start, nl);
            start = nl + 1;
            if (line != null && line.isBlank()) {
                continue;
            }
            JsonObject record = parseRecord(line);
            if (record == null) {
                skipped++;
                continue;
            }
            String type = record.getString("type");
            if (meta == null) {
                if (!"session_meta".equals(type)) {
                    throw new RolloutFormatException(file + " does not start with a session_meta record (found '" + type
                            + "'); it is not a codex rollout file");
                }
                int format = record.getValue("rollout_format") instanceof Number n ? n.intValue() : 1;
                if (format > FORMAT) {
                    throw new RolloutFormatException(file + " is in rollout format " + format + ", written by a newer"
                            + " codex-vertx; this build reads format " + FORMAT);
                }
                meta = record;
                continue;
            }
            if (record.getValue("fence") instanceof Number f) {
                if (f.longValue() < fence) {
                    fenced++;
                    continue; // written by an owner that had already been replaced
                }
                if ("owner".equals(type)) {
                    fence = f.longValue();
                }
            }
            records.add(record);
            switch (type) {
                case "item" -> {
                    if (record.getValue("item") instanceof JsonObject item) {
                        items.add(item);
                    } else {
                        skipped++;
                    }
                }
                case "event" -> {
                    if (record.getValue("event") instanceof JsonObject event) {
                        events.add(event);
                        if (event.getValue("seq") instanceof Number seq) {
                            lastSeq = Math.max(lastSeq, seq.longValue());
                        }
                    } else {
                        skipped++;
                    }
                }
                case "state" -> {
                    if (record.containsKey("last_response_id")) {
                        lastResponseId = record.getValue("last_response_id") instanceof String s ? s : null;
                    }
                }
                default -> {
                    // other record types are the caller's business; they stay in records
                }
            }
        }
        if (meta == null) {
            throw new RolloutFormatException(file + " holds no complete session_meta record"
                    + (torn ? " (its only line was cut off, the session died before anything was recorded)" : " (the file is empty)"));
        }
        return new Rollout(file, meta, List.copyOf(items), List.copyOf(events), lastSeq, lastResponseId,
                List.copyOf(records), skipped, torn, fenced, fence);
    }

    /** One line as a record: a JSON object with a string "type"; null for anything else. */
    static JsonObject parseRecord(String line) {
        if (line == null || line.isBlank()) {
            return null;
        }
        try {
            JsonObject o = new JsonObject(line);
            return o.getValue("type") instanceof String ? o : null;
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    /** A reader that turns undecodable bytes into U+FFFD instead of failing, so one bad line cannot hide the rest. */
    static java.io.BufferedReader lenientReader(Path file) throws IOException {
        return new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8));
    }

    private static String decode(byte[] bytes, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return null; // garbage bytes: counted as a corrupted line
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return to;
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
