package codex.agent.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where rollouts live and how to find them again:
 * {@code $CODEX_HOME/sessions/YYYY/MM/DD/rollout-YYYY-MM-DDTHH-MM-SS-<session id>.jsonl}, UTC, dated by
 * the session's start. Lookups go by file name (no file is opened to match an id); only the cwd
 * filter and the picker preview read the first lines of a file.
 */
public final class RolloutFiles {
    /** An id prefix shorter than this could match almost anything, so it is refused. */
    public static final int MIN_PREFIX_LENGTH = 8;

    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern NAME =
            Pattern.compile("rollout-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2})-(.+)\\.jsonl");
    private static final int PREVIEW_CHARS = 80;
    /** The picker preview stops looking for a user message after this many lines of a file. */
    private static final int PREVIEW_SCAN_LINES = 200;

    private final Path codexHome;

    public RolloutFiles(Path codexHome) {
        this.codexHome = codexHome;
    }

    public Path sessionsDir() {
        return sessionsDir(codexHome);
    }

    public static Path sessionsDir(Path codexHome) {
        return codexHome.resolve("sessions");
    }

    /** The file a session started at {@code startedAt} records into (seconds precision, UTC). */
    public static Path pathFor(Path codexHome, String sessionId, Instant startedAt) {
        if (sessionId == null || sessionId.isBlank() || sessionId.contains("/") || sessionId.contains("\\")) {
            throw new IllegalArgumentException("session id must be non-empty and contain no path separator: '" + sessionId + "'");
        }
        String date = DateTimeFormatter.ofPattern("yyyy/MM/dd", Locale.ROOT).withZone(ZoneOffset.UTC).format(startedAt);
        return sessionsDir(codexHome).resolve(date)
                .resolve("rollout-" + NAME_TIME.format(startedAt.truncatedTo(ChronoUnit.SECONDS)) + "-" + sessionId + ".jsonl");
    }

    /** A rollout file as named on disk. */
    public record RolloutFile(Path path, String sessionId, Instant startedAt) {
    }

    /** Parses a rollout file name; empty for anything else lying in the sessions folders. */
    public static Optional<RolloutFile> parseName(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Instant started = LocalDateTime.parse(m.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss", Locale.ROOT))
                    .toInstant(ZoneOffset.UTC);
            return Optional.of(new RolloutFile(file, m.group(2), started));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Every rollout file under the sessions folder, newest first (start time, then modification time). */
    public List<RolloutFile> all() throws IOException {
        Path root = sessionsDir();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<RolloutFile> found = new ArrayList<>();
        Map<Path, Long> modified = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root, 4)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                Optional<RolloutFile> parsed = parseName(p);
                if (parsed.isPresent()) {
                    found.add(parsed.get());
                    modified.put(p, lastModified(p));
                }
            }
        }
        found.sort(Comparator.comparing(RolloutFile::startedAt)
                .thenComparing(f -> modified.get(f.path()))
                .thenComparing(f -> f.path().getFileName().toString())
                .reversed());
        return found;
    }

    /**
     * The rollout of the session whose id is {@code idOrPrefix}, or starts with it (at least
     * {@link #MIN_PREFIX_LENGTH} characters, case-insensitive). If several files carry the same id the newest wins.
     */
    public Path find(String idOrPrefix) throws IOException, RolloutLookupException {
        String wanted = idOrPrefix == null ? "" : idOrPrefix.trim().toLowerCase(Locale.ROOT);
        if (wanted.isEmpty()) {
            throw new RolloutLookupException(RolloutLookupException.Kind.PREFIX_TOO_SHORT,
                    "no session id given; pass a session id (or at least " + MIN_PREFIX_LENGTH + " leading characters of one)", List.of());
        }
        List<RolloutFile> files = all();
        for (RolloutFile f : files) {
            if (f.sessionId().toLowerCase(Locale.ROOT).equals(wanted)) {
                return f.path();
            }
        }
        if (wanted.length() < MIN_PREFIX_LENGTH) {
            throw new RolloutLookupException(RolloutLookupException.Kind.PREFIX_TOO_SHORT,
                    "session id prefix '" + idOrPrefix.trim() + "' is too short; give at least " + MIN_PREFIX_LENGTH
                            + " characters of the id (see the session list)", List.of());
        }
        Map<String, RolloutFile> matches = new LinkedHashMap<>();
        for (RolloutFile f : files) {
            if (f.sessionId().toLowerCase(Locale.ROOT).startsWith(wanted)) {
                matches.putIfAbsent(f.sessionId(), f); // newest first, so the first file per id is kept
            }
        }
        if (matches.isEmpty()) {
            throw new RolloutLookupException(RolloutLookupException.Kind.NOT_FOUND,
                    "no recorded session with id '" + idOrPrefix.trim() + "' under " + sessionsDir(), List.of());
        }
        if (matches.size() > 1) {
            List<String> ids = List.copyOf(matches.keySet());
            throw new RolloutLookupException(RolloutLookupException.Kind.AMBIGUOUS,
                    "session id prefix '" + idOrPrefix.trim() + "' matches " + ids.size() + " sessions: "
                            + String.join(", ", ids) + "; give more characters", ids);
        }
        return matches.values().iterator().next().path();
    }

    /**
     * The most recently started session (by the start time in its name, then last write), optionally
     * only among those recorded with this working directory. Files without a session_meta first line are passed over.
     */
    public Optional<Path> latest(String cwdOrNull) throws IOException {
        for (RolloutFile f : all()) {
            // a file whose first line is no session_meta cannot be resumed, so it is never "the last session"
            Optional<JsonObject> meta = readMeta(f.path());
            if (meta.isPresent() && (cwdOrNull == null || sameDirectory(meta.get().getString("cwd"), cwdOrNull))) {
                return Optional.of(f.path());
            }
        }
        return Optional.empty();
    }

    /** One row of the resume picker. {@code preview} is the first line of the first user prompt, or "" if none. */
    public record SessionSummary(String sessionId, Instant startedAt, String cwd, String preview, Path file) {
    }

    /**
     * Sessions newest first, at most {@code limit}, optionally only those recorded in {@code cwdOrNull}.
     * Files without a readable session_meta first line (cut off at birth, or not ours) are left out.
     */
    public List<SessionSummary> list(int limit, String cwdOrNull) throws IOException {
        List<SessionSummary> out = new ArrayList<>();
        for (RolloutFile f : all()) {
            if (out.size() >= limit) {
                break;
            }
            Optional<SessionSummary> summary = summarize(f);
            if (summary.isPresent() && (cwdOrNull == null || sameDirectory(summary.get().cwd(), cwdOrNull))) {
                out.add(summary.get());
            }
        }
        return out;
    }

    private static Optional<SessionSummary> summarize(RolloutFile f) throws IOException {
        JsonObject meta = null;
        String preview = "";
        try (BufferedReader in = RolloutReader.lenientReader(f.path())) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null && n++ < PREVIEW_SCAN_LINES) {
                JsonObject record = RolloutReader.parseRecord(line);
                if (record == null) {
                    continue;
                }
                if (meta == null) {
                    if (!"session_meta".equals(record.getString("type"))) {
                        return Optional.empty();
                    }
                    meta = record;
                    continue;
                }
                if ("item".equals(record.getString("type")) && record.getValue("item") instanceof JsonObject item) {
                    String text = userPromptText(item);
                    if (text != null) {
                        preview = preview(text);
                        break;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted while we listed
        }
        if (meta == null) {
            return Optional.empty();
        }
        String id = meta.getString("session_id", f.sessionId());
        return Optional.of(new SessionSummary(id, f.startedAt(), meta.getString("cwd"), preview, f.path()));
    }

    /**
     * The text of a user prompt item, or null for anything else, including the context messages
     * the agent seeds every conversation with ({@code <user_instructions>}, {@code <environment_context>}).
     */
    public static String userPromptText(JsonObject item) {
        if (!"message".equals(item.getString("type")) || !"user".equals(item.getString("role"))) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        Object content = item.getValue("content");
        if (content instanceof String s) {
            text.append(s);
        } else if (content instanceof JsonArray parts) {
            for (Object part : parts) {
                if (part instanceof JsonObject p && p.getValue("text") instanceof String t) {
                    text.append(t);
                }
            }
        }
        String s = text.toString().strip();
        if (s.startsWith("<user_instructions>") || s.startsWith("<environment_context>")) {
            return null;
        }
        return s;
    }

    private static String preview(String text) {
        String firstLine = text.strip().lines().findFirst().orElse("");
        return firstLine.length() <= PREVIEW_CHARS ? firstLine : firstLine.substring(0, PREVIEW_CHARS - 1) + "…";
    }

    /** The session_meta record on a rollout's first line, if that line is one. */
    static Optional<JsonObject> readMeta(Path file) throws IOException {
        try (BufferedReader in = RolloutReader.lenientReader(file)) {
            JsonObject first = RolloutReader.parseRecord(in.readLine());
            return first != null && "session_meta".equals(first.getString("type")) ? Optional.of(first) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static boolean sameDirectory(String recorded, String wanted) {
        if (recorded == null) {
            return false;
        }
        try {
            return Path.of(recorded).normalize().equals(Path.of(wanted).normalize());
        } catch (RuntimeException e) {
            return recorded.equals(wanted);
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
