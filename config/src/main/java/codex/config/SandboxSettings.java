package codex.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * The sandbox service's {@code [sandbox]} table: per-command resource limits.
 *
 * <pre>
 * [sandbox]
 * max_processes = 1024   # processes (and threads) one command may have at once; 0 = no limit
 * max_memory_mb = 4096   # memory one command may use, children included; 0 = no limit
 * </pre>
 *
 * @param maxProcesses null when not set (the service's default applies)
 * @param maxMemoryMb  null when not set
 */
public record SandboxSettings(Integer maxProcesses, Long maxMemoryMb) {
    public static final SandboxSettings DEFAULTS = new SandboxSettings(null, null);

    /** Reads {@code [sandbox]} from {@code $CODEX_HOME/config.toml}; unknown keys and bad values are refused. */
    public static SandboxSettings read(Path codexHome) {
        ObjectNode table = ConfigLoader.rawTable(codexHome, "sandbox");
        return table == null ? DEFAULTS : parse(table, codexHome.resolve(ConfigLoader.CONFIG_FILE_NAME).toString());
    }

    /** Where {@code [sandbox]} lives for a process with this environment. */
    public static SandboxSettings read(Map<String, String> env) {
        return read(ConfigLoader.resolveCodexHome(ConfigOptions.defaults().withEnv(env)));
    }

    static SandboxSettings parse(ObjectNode table, String source) {
        Integer processes = null;
        Long memory = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "max_processes" -> processes = (int) count(e.getValue(), "sandbox.max_processes", source,
                        Integer.MAX_VALUE);
                case "max_memory_mb" -> memory = count(e.getValue(), "sandbox.max_memory_mb", source,
                        Long.MAX_VALUE / (1024 * 1024));
                default -> throw new ConfigException(source + ": unknown key sandbox." + e.getKey()
                        + " (the [sandbox] keys are max_processes and max_memory_mb)");
            }
        }
        return new SandboxSettings(processes, memory);
    }

    private static long count(JsonNode value, String key, String source, long max) {
        if (!value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > max) {
            throw new ConfigException(source + ": " + key + " must be a whole number, 0 for no limit, not " + value);
        }
        return value.asLong();
    }
}
