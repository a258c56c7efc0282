package codex.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Adds, replaces and removes {@code [mcp_servers.NAME]} in the text of a config.toml, the way
 * {@code codex mcp add|remove} needs: surgically, so every other line (comments, order, blank
 * lines, other servers written the user's way) stays byte for byte. A new server goes after the
 * last {@code [mcp_servers.*]} table (or at the end); a replaced one keeps its place and the
 * comment lines just above it; a removed one takes those comment lines with it.
 *
 * <p>Every edit is checked by parsing both texts: the result must read as the original with
 * exactly that server changed. A server written in a form this editor does not touch (an inline
 * table under {@code [mcp_servers]}, dotted keys) fails that check and is refused with a
 * {@link ConfigException} instead of being written wrong.
 */
public final class McpServersToml {
    private static final TomlMapper TOML = new TomlMapper();
    private static final String TABLE = "mcp_servers";

    private McpServersToml() {
    }

    /** A server as {@code codex mcp add} writes it: a command (stdio) or a url (Streamable HTTP). */
    public record Entry(String command, List<String> args, Map<String, String> env, String url, String bearerTokenEnvVar) {
        public Entry {
            if ((command == null) == (url == null)) {
                throw new IllegalArgumentException("an MCP server needs either a command or a url");
            }
            args = args == null ? List.of() : List.copyOf(args);
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        ObjectNode tree() {
            ObjectNode t = JsonNodeFactory.instance.objectNode();
            if (command != null) {
                t.put("command", command);
                if (!args.isEmpty()) {
                    ArrayNode a = t.putArray("args");
                    args.forEach(a::add);
                }
                if (!env.isEmpty()) {
                    ObjectNode e = t.putObject("env");
                    new TreeMap<>(env).forEach(e::put);
                }
            } else {
                t.put("url", url);
                if (bearerTokenEnvVar != null) {
                    t.put("bearer_token_env_var", bearerTokenEnvVar);
                }
            }
            return t;
        }
    }

    /** The text with server {@code name} set to {@code entry} (replaced in place, or added). */
    public static String put(String text, String name, Entry entry) {
        Doc doc = new Doc(text);
        List<Header> own = doc.headersOf(name);
        List<String> block = entryLines(name, entry, doc.newline);
        String result;
        Header main = own.stream().filter(h -> h.path.size() == 2 && !h.arrayTable).findFirst().orElse(null);
        if (main != null) {
            // keep the header (and the comments above it); its keys and its sub-tables are rewritten
            int end = doc.contentEnd(main);
            List<int[]> drops = new ArrayList<>();
            for (Header h : own) {
                if (h != main) {
                    drops.add(doc.removalRange(h));
                }
            }
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < doc.lines.size(); i++) {
                int line = i;
                if (drops.stream().anyMatch(d -> line >= d[0] && line <= d[1]) || (i > main.line && i <= end)) {
                    continue;
                }
                String text0 = doc.lines.get(i);
                lines.add(i == main.line && !text0.endsWith("\n") ? text0 + doc.newline : text0);
                if (i == main.line) {
                    lines.addAll(block.subList(1, block.size()));
                }
            }
            result = String.join("", lines);
        } else {
            List<String> lines = new ArrayList<>(doc.lines);
            List<int[]> drops = new ArrayList<>();
            for (Header h : own) {
                drops.add(doc.removalRange(h));
            }
            drops.sort((a, b) -> Integer.compare(b[0], a[0]));
            for (int[] d : drops) {
                removeRange(lines, d);
            }
            Doc pruned = new Doc(String.join("", lines));
            Header last = null;
            for (Header h : pruned.headers) {
                if (!h.path.isEmpty() && h.path.get(0).equals(TABLE)) {
                    last = h;
                }
            }
            lines = new ArrayList<>(pruned.lines);
            List<String> insert = new ArrayList<>();
            if (last != null) {
                int at = pruned.contentEnd(last) + 1;
                insert.add(doc.newline);
                insert.addAll(block);
                lines.addAll(at, insert);
            } else {
                if (!lines.isEmpty() && !lines.get(lines.size() - 1).endsWith("\n")) {
                    lines.set(lines.size() - 1, lines.get(lines.size() - 1) + doc.newline);
                }
                if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                    insert.add(doc.newline);
                }
                insert.addAll(block);
                lines.addAll(insert);
            }
            result = String.join("", lines);
        }
        ObjectNode expected = parse(text, "config.toml").deepCopy();
        ObjectNode servers = expected.get(TABLE) instanceof ObjectNode o ? o : expected.putObject(TABLE);
        servers.set(name, entry.tree());
        verify(result, expected, name);
        return result;
    }

    /** The text without server {@code name}; empty if the text has no such server. */
    public static Optional<String> remove(String text, String name) {
        ObjectNode original = parse(text, "config.toml");
        if (!(original.get(TABLE) instanceof ObjectNode servers) || !servers.has(name)) {
            return Optional.empty();
        }
        Doc doc = new Doc(text);
        List<String> lines = new ArrayList<>(doc.lines);
        List<int[]> drops = new ArrayList<>();
        for (Header h : doc.headersOf(name)) {
            drops.add(doc.removalRange(h));
        }
        drops.sort((a, b) -> Integer.compare(b[0], a[0]));
        for (int[] d : drops) {
            removeRange(lines, d);
        }
        String result = String.join("", lines);
        ObjectNode expected = original.deepCopy();
        ((ObjectNode) expected.get(TABLE)).remove(name);
        if (expected.get(TABLE).isEmpty() && !new Doc(result).hasTable(List.of(TABLE))) {
            expected.remove(TABLE);
        }
        verify(result, expected, name);
        return Optional.of(result);
    }

    private static void removeRange(List<String> lines, int[] range) {
        for (int i = range[1]; i >= range[0]; i--) {
            lines.remove(i);
        }
    }

    private static void verify(String result, ObjectNode expected, String name) {
        ObjectNode actual;
        try {
            actual = (ObjectNode) TOML.readTree(result);
        } catch (JacksonException | ClassCastException e) {
            actual = null;
        }
        if (actual == null || !actual.equals(expected)) {
            throw new ConfigException("cannot edit [mcp_servers." + name + "] in config.toml safely: it is written in a"
                    + " form this command does not edit (an inline table or dotted keys); change it by hand");
        }
    }

    private static ObjectNode parse(String text, String source) {
        try {
            JsonNode tree = TOML.readTree(text);
            return tree instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        } catch (JacksonException e) {
            throw new ConfigException("Invalid TOML in " + source + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The lines codex mcp add writes for a server: its table, then its env table. */
    static List<String> entryLines(String name, Entry entry, String nl) {
        List<String> out = new ArrayList<>();
        String header = TABLE + "." + key(name);
        out.add("[" + header + "]" + nl);
        if (entry.command() != null) {
            out.add("command = " + string(entry.command()) + nl);
            if (!entry.args().isEmpty()) {
                out.add("args = [" + String.join(", ", entry.args().stream().map(McpServersToml::string).toList()) + "]" + nl);
            }
            if (!entry.env().isEmpty()) {
                out.add(nl);
                out.add("[" + header + ".env]" + nl);
                new TreeMap<>(entry.env()).forEach((k, v) -> out.add(key(k) + " = " + string(v) + nl));
            }
        } else {
            out.add("url = " + string(entry.url()) + nl);
            if (entry.bearerTokenEnvVar() != null) {
                out.add("bearer_token_env_var = " + string(entry.bearerTokenEnvVar()) + nl);
            }
        }
        return out;
    }

    static String key(String k) {
        return !k.isEmpty() && k.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_')
                ? k : string(k);
    }

    /** A TOML basic string. */
    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A table header: its line, key path, and whether it is {@code [[...]]}. */
    record Header(int line, List<String> path, boolean arrayTable) { }

    /** The text as lines (with their endings) and its table headers, found outside strings and values. */
    private static final class Doc {
        final List<String> lines = new ArrayList<>();
        final List<Header> headers = new ArrayList<>();
        final boolean[] blankOrComment;
        final String newline;

        Doc(String text) {
            int start = 0;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    lines.add(text.substring(start, i + 1));
                    start = i + 1;
                }
            }
            if (start < text.length()) {
                lines.add(text.substring(start));
            }
            newline = text.contains("\r\n") ? "\r\n" : "\n";
            blankOrComment = new boolean[lines.size()];
            String multiline = null;
            int depth = 0;
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n);
                String trimmed = line.strip();
                blankOrComment[n] = multiline == null && depth == 0 && (trimmed.isEmpty() || trimmed.startsWith("#"));
                if (multiline == null && depth == 0 && trimmed.startsWith("[")) {
                    Header h = parseHeader(n, trimmed);
                    if (h != null) {
                        headers.add(h);
                        continue;
                    }
                }
                int i = 0;
                while (i < line.length()) {
                    if (multiline != null) {
                        int end = line.indexOf(multiline, i);
                        if (end < 0) {
                            i = line.length();
                            break;
                        }
                        i = end + 3;
                        multiline = null;
                        continue;
                    }
                    char c = line.charAt(i);
                    if (c == '#') {
                        break;
                    }
                    if (line.startsWith("\"\"\"", i) || line.startsWith("'''", i)) {
                        multiline = line.substring(i, i + 3);
                        i += 3;
                        continue;
                    }
                    if (c == '"') {
                        i++;
                        while (i < line.length() && line.charAt(i) != '"') {
                            if (line.charAt(i) == '\\') {
                                i++;
                            }
                            i++;
                        }
                        i++;
                        continue;
                    }
                    if (c == '\'') {
                        int end = line.indexOf('\'', i + 1);
                        i = end < 0 ? line.length() : end + 1;
                        continue;
                    }
                    if (c == '[' || c == '{') {
                        depth++;
                    } else if ((c == ']' || c == '}') && depth > 0) {
                        depth--;
                    }
                    i++;
                }
            }
        }

        private static Header parseHeader(int line, String trimmed) {
            boolean array = trimmed.startsWith("[[");
            int i = array ? 2 : 1;
            List<String> path = new ArrayList<>();
            StringBuilder part = new StringBuilder();
            while (i < trimmed.length()) {
                char c = trimmed.charAt(i);
                if (c == '"' || c == '\'') {
                    int end = i + 1;
                    StringBuilder q = new StringBuilder();
                    while (end < trimmed.length() && trimmed.charAt(end) != c) {
                        char d = trimmed.charAt(end);
                        if (c == '"' && d == '\\' && end + 1 < trimmed.length()) {
                            char e = trimmed.charAt(++end);
                            q.append(switch (e) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                case 'r' -> '\r';
                                case 'b' -> '\b';
                                case 'f' -> '\f';
                                default -> e;
                            });
                        } else {
                            q.append(d);
                        }
                        end++;
                    }
                    part.append(q);
                    i = end + 1;
                } else if (c == '.') {
                    path.add(part.toString().strip());
                    part.setLength(0);
                    i++;
                } else if (c == ']') {
                    path.add(part.toString().strip());
                    return new Header(line, List.copyOf(path), array);
                } else {
                    part.append(c);
                    i++;
                }
            }
            return null;
        }

        boolean hasTable(List<String> path) {
            return headers.stream().anyMatch(h -> h.path.equals(path));
        }

        List<Header> headersOf(String name) {
            return headers.stream().filter(h -> h.path.size() >= 2 && h.path.get(0).equals(TABLE)
                    && h.path.get(1).equals(name)).toList();
        }

        /** The last line of a header's table that is not blank or a comment (those belong to what follows). */
        int contentEnd(Header h) {
            int next = lines.size();
            for (Header other : headers) {
                if (other.line > h.line) {
                    next = other.line;
                    break;
                }
            }
            int end = h.line;
            for (int i = h.line + 1; i < next; i++) {
                if (!blankOrComment[i]) {
                    end = i;
                }
            }
            return end;
        }

        /** The lines a removed table takes: the comments just above it, the table, and one blank line. */
        int[] removalRange(Header h) {
            int from = h.line;
            while (from > 0 && blankOrComment[from - 1] && !lines.get(from - 1).isBlank()) {
                from--;
            }
            int to = contentEnd(h);
            if (from > 0 && lines.get(from - 1).isBlank()) {
                from--;
            } else if (to + 1 < lines.size() && lines.get(to + 1).isBlank()) {
                to++;
            }
            return new int[]{from, to};
        }
    }
}
