package codex.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reading config.toml and {@code -c key=value} overrides into Jackson trees, and merging trees. */
final class TomlSupport {
    private static final TomlMapper MAPPER = new TomlMapper();

    /** One parsed {@code -c} override. {@code text} is what the user typed, for messages. */
    record Override(List<String> path, JsonNode value, String text) {
        String source() {
            return "-c override '" + text + "'";
        }
    }

    private TomlSupport() {
    }

    /** The file as a tree; an empty table if it does not exist. */
    static ObjectNode readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return JsonNodeFactory.instance.objectNode();
        } catch (CharacterCodingException e) {
            throw new ConfigException("Cannot read " + file + ": it is not valid UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException("Cannot read " + file + ": " + e, e);
        }
        try {
            JsonNode tree = MAPPER.readTree(text);
            return tree instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        } catch (JacksonException e) {
            throw new ConfigException(malformedMessage(file.toString(), text, e), e);
        }
    }

    private static String malformedMessage(String source, String text, JacksonException e) {
        JsonLocation location = e.getLocation();
        String reason = e.getOriginalMessage();
        if (location == null || location.getLineNr() < 1) {
            return "Invalid TOML in " + source + ": " + reason;
        }
        String[] lines = text.split("\r?\n", -1);
        int line = location.getLineNr();
        int column = location.getColumnNr();
        String hint = null;
        if (reason != null && reason.startsWith("Duplicate key")) {
            // the parser notices at the token after the value, often a line or more later: find the real one
            int[] dup = duplicateKey(lines, line);
            if (dup != null) {
                line = dup[0];
                column = 1;
                hint = "this key is already set on line " + dup[1] + " of the same table: keep one of the two";
            } else {
                hint = "a key is set twice in the same table: keep one of the two";
            }
        } else if (reason != null && reason.startsWith("Table redefined")) {
            hint = "this [table] appears twice: merge the two sections into one";
        } else if (reason != null && reason.startsWith("Unknown token")) {
            hint = "a value must be a quoted string (\"o3\"), a number, true/false, an [array] or an { inline = table };"
                    + " a bare word needs quotes, e.g. model = \"o3\"";
        } else if (reason != null && reason.startsWith("Premature end of file")) {
            hint = "the file ends inside an array, inline table or string: close the bracket or quote that was opened";
        } else if (reason != null && reason.startsWith("Newline not permitted")) {
            hint = "a \"string\" must close on the line it opens (use \"\"\"...\"\"\" for text over several lines)";
        }
        // Some errors (end of file) are reported at the start of the following blank line: the problem is on the
        // last line with content before it.
        if (line > lines.length || lines[line - 1].isBlank()) {
            for (int i = Math.min(line, lines.length) - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) {
                    line = i + 1;
                    column = lines[i].length() + 1;
                    break;
                }
            }
        }
        StringBuilder message = new StringBuilder()
                .append("Invalid TOML in ").append(source)
                .append(" at line ").append(line).append(", column ").append(column)
                .append(": ").append(reason);
        if (line <= lines.length && line >= 1) {
            // the offending line with a caret: the fastest way for a user to spot the typo
            String offending = lines[line - 1];
            String gutter = String.format("%5d | ", line);
            message.append('\n').append(gutter).append(offending);
            if (column >= 1 && column <= offending.length() + 1) {
                message.append('\n').append(" ".repeat(gutter.length() - 2)).append("| ")
                        .append(" ".repeat(column - 1)).append('^');
            }
        }
        if (hint != null) {
            message.append('\n').append("hint: ").append(hint);
        }
        return message.toString();
    }

    private static final java.util.regex.Pattern KEY_LINE =
            java.util.regex.Pattern.compile("^\\s*([A-Za-z0-9_.\"' -]+?)\\s*=");
    private static final java.util.regex.Pattern TABLE_LINE = java.util.regex.Pattern.compile("^\\s*\\[\\[?([^\\]]+)\\]");

    /** {line of the second definition, line of the first} of the first key set twice up to {@code upTo}; null if none. */
    private static int[] duplicateKey(String[] lines, int upTo) {
        Map<String, Integer> seen = new java.util.HashMap<>();
        String table = "";
        for (int i = 0; i < Math.min(upTo, lines.length); i++) {
            String l = lines[i];
            java.util.regex.Matcher t = TABLE_LINE.matcher(l);
            if (t.find()) {
                // each [[array]] entry is a table of its own
                table = t.group(1).trim() + (l.trim().startsWith("[[") ? "#" + i : "") + ".";
                continue;
            }
            java.util.regex.Matcher k = KEY_LINE.matcher(l);
            if (k.find()) {
                String key = table + k.group(1).replace(" ", "").replace("\"", "").replace("'", "");
                Integer first = seen.putIfAbsent(key, i + 1);
                if (first != null) {
                    return new int[] {i + 1, first};
                }
            }
        }
        return null;
    }

    /**
     * Parses {@code key=value}: the key is a dotted TOML key path, the value a TOML value
     * (string, number, boolean, array, inline table) or, when it does not parse as one,
     * the raw text as a string, so {@code -c model=gpt-5} needs no quoting.
     */
    static Override parseOverride(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq < 0 || text.substring(0, eq).isBlank()) {
            throw new ConfigException("Invalid -c override '" + text + "': expected the form key=value, "
                    + "e.g. -c model=o3 or -c 'sandbox_permissions=[\"disk-write-cwd\"]'");
        }
        String key = text.substring(0, eq).trim();
        String rawValue = text.substring(eq + 1).trim();
        return new Override(parseKeyPath(key, text), parseValue(rawValue), text);
    }

    private static List<String> parseKeyPath(String key, String text) {
        String problem = "Invalid -c override '" + text + "': '" + key
                + "' is not a valid key path (expected a dotted TOML key, e.g. model_providers.local.base_url)";
        JsonNode node;
        try {
            node = MAPPER.readTree(key + " = 0");
        } catch (JacksonException e) {
            throw new ConfigException(problem);
        }
        List<String> path = new ArrayList<>();
        while (node instanceof ObjectNode object) {
            if (object.size() != 1) {
                throw new ConfigException(problem);
            }
            Map.Entry<String, JsonNode> only = object.properties().iterator().next();
            path.add(only.getKey());
            node = only.getValue();
        }
        if (path.isEmpty()) {
            throw new ConfigException(problem);
        }
        return path;
    }

    private static JsonNode parseValue(String rawValue) {
        try {
            JsonNode doc = MAPPER.readTree("value = " + rawValue);
            // More than one key means the text smuggled in a second assignment: not one value.
            if (doc instanceof ObjectNode object && object.size() == 1 && object.has("value")) {
                return object.get("value");
            }
        } catch (JacksonException notToml) {
            // fall through: plain string
        }
        return TextNode.valueOf(rawValue);
    }

    /** A tree holding just the override, for validating it in isolation with its own source. */
    static ObjectNode asTree(Override override) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        set(root, override.path(), override.value());
        return root;
    }

    /** Sets {@code path} in {@code root}, creating tables on the way and replacing non-tables. */
    static void set(ObjectNode root, List<String> path, JsonNode value) {
        ObjectNode table = root;
        for (String segment : path.subList(0, path.size() - 1)) {
            JsonNode next = table.get(segment);
            if (!(next instanceof ObjectNode)) {
                next = table.putObject(segment);
            }
            table = (ObjectNode) next;
        }
        table.set(path.get(path.size() - 1), value.deepCopy());
    }

    /** Overlays {@code overlay} on {@code target}: tables merge key by key, everything else is replaced. */
    static void deepMerge(ObjectNode target, ObjectNode overlay) {
        for (Map.Entry<String, JsonNode> field : overlay.properties()) {
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode existingTable && field.getValue() instanceof ObjectNode overlayTable) {
                deepMerge(existingTable, overlayTable);
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }
}
