package codex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code $CODEX_HOME/auth.json}, as {@code codex login --with-api-key} writes it: {@code {"auth_mode": "apikey",
 * "OPENAI_API_KEY": "..."}}, mode 0600. The key is used only when the environment does not set
 * {@code OPENAI_API_KEY} itself (the environment wins, as in Codex).
 */
final class Auth {
    static final String FILE = "auth.json";
    static final String KEY = "OPENAI_API_KEY";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Auth() {
    }

    static Path file(Path codexHome) {
        return codexHome.resolve(FILE);
    }

    /** Writes the key (trimmed) to auth.json with mode 0600, atomically, creating CODEX_HOME if needed. */
    static void store(Path codexHome, String apiKey) throws IOException {
        Files.createDirectories(codexHome);
        ObjectNode doc = JSON.createObjectNode().put("auth_mode", "apikey").put(KEY, apiKey.trim());
        Path tmp = Files.createTempFile(codexHome, ".auth", ".json",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
            Files.move(tmp, file(codexHome), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The stored key; empty when there is no auth.json or it holds none. */
    static Optional<String> storedKey(Path codexHome) {
        try {
            JsonNode doc = JSON.readTree(Files.readString(file(codexHome)));
            JsonNode key = doc == null ? null : doc.get(KEY);
            return key != null && key.isTextual() && !key.textValue().isBlank()
                    ? Optional.of(key.textValue()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalArgumentException(file(codexHome) + " is not valid JSON (" + e.getMessage()
                    + "); run codex logout, then codex login --with-api-key again");
        }
    }

    /** The environment with the stored key added when the environment itself has none. */
    static Map<String, String> withStoredKey(Map<String, String> env, Path codexHome) {
        String fromEnv = env.get(KEY);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return env;
        }
        Optional<String> stored = storedKey(codexHome);
        if (stored.isEmpty()) {
            return env;
        }
        Map<String, String> out = new HashMap<>(env);
        out.put(KEY, stored.get());
        return out;
    }

    /** sk-abc…wxyz: enough to tell keys apart, never the key. */
    static String masked(String key) {
        return key.length() <= 8 ? "****" : key.substring(0, 3) + "…" + key.substring(key.length() - 4);
    }
}
