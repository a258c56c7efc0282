package codex.agent.mcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names the model sees for MCP tools: {@code SERVER__TOOL}, made fit for a function name
 * (only {@code a-z A-Z 0-9 _ -}, at most 64 characters). Anything else becomes {@code _}; a name
 * that is too long keeps its start and ends with a hash of the full name; when two tools come
 * out with the same name, the one whose (server, tool) sorts first keeps it and the others get
 * the hash suffix. The same servers and tools always give the same names.
 */
public final class McpToolNames {
    public static final String DELIMITER = "__";
    public static final int MAX_LENGTH = 64;
    private static final int HASH_LENGTH = 8;

    /** A tool of a server. */
    public record ServerTool(String server, String tool) { }

    private McpToolNames() {
    }

    /** Every tool's model-facing name, in the order given. */
    public static Map<ServerTool, String> assign(List<ServerTool> tools) {
        List<ServerTool> sorted = new ArrayList<>(tools);
        sorted.sort(Comparator.comparing(ServerTool::server).thenComparing(ServerTool::tool));
        Map<ServerTool, String> names = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (ServerTool t : sorted) {
            if (names.containsKey(t)) {
                continue;
            }
            String name = plain(t);
            if (!taken.add(name)) {
                name = hashed(t, name);
                for (int i = 2; !taken.add(name); i++) { // a hash collision too: still deterministic
                    name = hashed(new ServerTool(t.server(), t.tool() + "#" + i), name);
                }
            }
            names.put(t, name);
        }
        Map<ServerTool, String> inOrder = new LinkedHashMap<>();
        for (ServerTool t : tools) {
            inOrder.put(t, names.get(t));
        }
        return inOrder;
    }

    /** {@code SERVER__TOOL} sanitised, shortened with a hash when longer than 64. */
    static String plain(ServerTool t) {
        String name = sanitise(t.server()) + DELIMITER + sanitise(t.tool());
        return name.length() <= MAX_LENGTH ? name : hashed(t, name);
    }

    private static String hashed(ServerTool t, String name) {
        String hash = sha1(t.server() + "\u0000" + t.tool()).substring(0, HASH_LENGTH);
        String head = name.length() > MAX_LENGTH - HASH_LENGTH - 1 ? name.substring(0, MAX_LENGTH - HASH_LENGTH - 1) : name;
        return head + "_" + hash;
    }

    static String sanitise(String part) {
        StringBuilder b = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            b.append(ok ? c : '_');
        }
        return b.isEmpty() ? "_" : b.toString();
    }

    private static String sha1(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte x : d) {
                hex.append(String.format("%02x", x));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
