package codex.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code [notifier]} table: how notifications of completed turns are delivered.
 *
 * <pre>
 * [notifier]
 * redelivery_window_seconds = 600   # a notifier that was down gets the turns it missed if it is back within this; 0 = one attempt
 * </pre>
 *
 * @param redeliveryWindowSeconds null when not set (the agent's default applies)
 */
public record NotifierSettings(Long redeliveryWindowSeconds) {
    public static final NotifierSettings DEFAULTS = new NotifierSettings(null);

    /** Reads {@code [notifier]} from {@code $CODEX_HOME/config.toml}; unknown keys and bad values are refused. */
    public static NotifierSettings read(Path codexHome) {
        ObjectNode table = ConfigLoader.rawTable(codexHome, "notifier");
        return table == null ? DEFAULTS : parse(table, codexHome.resolve(ConfigLoader.CONFIG_FILE_NAME).toString());
    }

    /** Where {@code [notifier]} lives for a process with this environment. */
    public static NotifierSettings read(Map<String, String> env) {
        return read(ConfigLoader.resolveCodexHome(ConfigOptions.defaults().withEnv(env)));
    }

    static NotifierSettings parse(ObjectNode table, String source) {
        Long window = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!"redelivery_window_seconds".equals(e.getKey())) {
                throw new ConfigException(source + ": unknown key notifier." + e.getKey()
                        + " (the [notifier] key is redelivery_window_seconds)");
            }
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > 7 * 24 * 3600) {
                throw new ConfigException(source + ": notifier.redelivery_window_seconds must be a whole number of"
                        + " seconds from 0 to 604800 (a week), not " + v);
            }
            window = v.asLong();
        }
        return new NotifierSettings(window);
    }
}
