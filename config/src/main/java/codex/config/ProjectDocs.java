package codex.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Project instructions for the model: {@code AGENTS.md} files (or the seed's older {@code codex.md}).
 * Order: {@code $CODEX_HOME} first, then each folder from the repository root down to the cwd,
 * so more specific instructions come later and read as refinements.
 */
public final class ProjectDocs {
    public static final String PRIMARY_NAME = "AGENTS.md";
    /** The seed's older name, used only in a folder that has no AGENTS.md. */
    public static final String LEGACY_NAME = "codex.md";
    static final String SEPARATOR = "\n\n";

    private ProjectDocs() {
    }

    /**
     * The joined contents (each file stripped, blank ones skipped, joined by a blank line),
     * truncated to {@code maxBytes} UTF-8 bytes without splitting a character; empty when there
     * are none or {@code maxBytes <= 0}. Unreadable files are skipped.
     */
    public static String load(Path codexHome, Path cwd, int maxBytes) {
        return load(codexHome, cwd, maxBytes, null);
    }

    /** As {@link #load(Path, Path, int)}, looking for the repository no higher than {@code ceiling} (tests). */
    static String load(Path codexHome, Path cwd, int maxBytes, Path ceiling) {
        if (maxBytes <= 0) {
            return "";
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (Path file : discover(codexHome, cwd, ceiling)) {
            if (joined.size() >= maxBytes) {
                break;
            }
            String text = readPrefix(file, maxBytes);
            if (text == null || text.isBlank()) {
                continue;
            }
            if (joined.size() > 0) {
                joined.writeBytes(SEPARATOR.getBytes(StandardCharsets.UTF_8));
            }
            joined.writeBytes(text.strip().getBytes(StandardCharsets.UTF_8));
        }
        return utf8Prefix(joined.toByteArray(), maxBytes);
    }

    /** The longest prefix of at most {@code limit} bytes that does not split a UTF-8 character. */
    static String utf8Prefix(byte[] bytes, int limit) {
        int length = Math.min(bytes.length, limit);
        // Bytes 0b10xxxxxx continue a character: if the cut lands on one, back off to that character's start.
        while (length > 0 && length < bytes.length && (bytes[length] & 0xC0) == 0x80) {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** The files {@link #load} would read, in order (existing regular files only, no duplicates). */
    public static List<Path> discover(Path codexHome, Path cwd) {
        return discover(codexHome, cwd, null);
    }

    static List<Path> discover(Path codexHome, Path cwd, Path ceiling) {
        Set<Path> files = new LinkedHashSet<>();
        if (codexHome != null) {
            docIn(codexHome).ifPresent(files::add);
        }
        Path start = cwd.toAbsolutePath().normalize();
        Deque<Path> chain = new ArrayDeque<>();
        Path root = repositoryRoot(start, ceiling);
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            chain.addFirst(dir);
            if (dir.equals(root)) {
                break;
            }
        }
        for (Path dir : chain) {
            docIn(dir).ifPresent(files::add);
        }
        return dedupeByRealPath(files);
    }

    /** The nearest ancestor of {@code cwd} (itself included) holding {@code .git}; {@code cwd} if none. */
    public static Path repositoryRoot(Path cwd) {
        return repositoryRoot(cwd, null);
    }

    /**
     * As {@link #repositoryRoot(Path)}, but the search stops at {@code ceiling} (like git's
     * GIT_CEILING_DIRECTORIES), so a test in a temp folder is not affected by a {@code .git} above it.
     */
    static Path repositoryRoot(Path cwd, Path ceiling) {
        Path start = cwd.toAbsolutePath().normalize();
        Path stop = ceiling == null ? null : ceiling.toAbsolutePath().normalize();
        for (Path dir = start; dir != null && (stop == null || dir.startsWith(stop)); dir = dir.getParent()) {
            // .git is a directory in a normal clone and a file in worktrees and submodules.
            if (Files.exists(dir.resolve(".git"))) {
                return dir;
            }
        }
        return start;
    }

    private static java.util.Optional<Path> docIn(Path dir) {
        for (String name : List.of(PRIMARY_NAME, LEGACY_NAME)) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    // $CODEX_HOME may lie inside the repository (or be the cwd): never include the same file twice.
    private static List<Path> dedupeByRealPath(Set<Path> files) {
        Set<Path> seen = new LinkedHashSet<>();
        List<Path> out = new ArrayList<>();
        for (Path file : files) {
            Path key;
            try {
                key = file.toRealPath();
            } catch (IOException e) {
                key = file.toAbsolutePath().normalize();
            }
            if (seen.add(key)) {
                out.add(file);
            }
        }
        return out;
    }

    /** At most {@code maxBytes} of the file, so a huge file costs no more than the cap; null if unreadable. */
    private static String readPrefix(Path file, int maxBytes) {
        try (InputStream in = Files.newInputStream(file)) {
            // One byte past the cap tells whether the cut falls inside a character.
            return utf8Prefix(in.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1), maxBytes);
        } catch (IOException e) {
            return null;
        }
    }
}
