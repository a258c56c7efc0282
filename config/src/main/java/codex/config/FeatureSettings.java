package codex.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code [features]} switches this build honours, under today's Codex names (the others Codex has are
 * accepted and ignored, reported in {@link CodexConfig#unknownKeys()}):
 *
 * <pre>
 * [features]
 * shell_snapshot = false   # run every bash -lc / zsh -lc command as a full login shell (default true)
 * </pre>
 *
 * Read by the services from {@code $CODEX_HOME/config.toml}, like {@code [sandbox]}.
 *
 * @param shellSnapshot run {@code bash -lc} / {@code zsh -lc} commands with a shell snapshot (sandbox-service)
 */
public record FeatureSettings(boolean shellSnapshot) {
    public static final FeatureSettings DEFAULTS = new FeatureSettings(true);

    /** Reads {@code [features]} from {@code $CODEX_HOME/config.toml}; a known switch that is not a boolean is refused. */
    public static FeatureSettings read(Path codexHome) {
        ObjectNode table = ConfigLoader.rawTable(codexHome, "features");
        return table == null ? DEFAULTS : parse(table, codexHome.resolve(ConfigLoader.CONFIG_FILE_NAME).toString());
    }

    /** Where {@code [features]} lives for a process with this environment. */
    public static FeatureSettings read(Map<String, String> env) {
        return read(ConfigLoader.resolveCodexHome(ConfigOptions.defaults().withEnv(env)));
    }

    static FeatureSettings parse(ObjectNode table, String source) {
        JsonNode snapshot = table.get("shell_snapshot");
        if (snapshot == null) {
            return DEFAULTS;
        }
        if (!snapshot.isBoolean()) {
            throw new ConfigException(source + ": features.shell_snapshot must be true or false, not " + snapshot);
        }
        return new FeatureSettings(snapshot.asBoolean());
    }
}
