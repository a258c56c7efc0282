package codex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxSettingsTest {
    @TempDir
    Path home;

    @Test
    void absentTableMeansDefaults() throws Exception {
        Files.writeString(home.resolve("config.toml"), "model = \"o4-mini\"\n");
        SandboxSettings s = SandboxSettings.read(home);
        assertNull(s.maxProcesses());
        assertNull(s.maxMemoryMb());
    }

    @Test
    void readsBothLimits() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[sandbox]\nmax_processes = 256\nmax_memory_mb = 0\n");
        assertEquals(new SandboxSettings(256, 0L), SandboxSettings.read(home));
        // the top-level validation knows the table: no "unknown key" note for it
        ConfigLoader.load(ConfigOptions.defaults().withCodexHome(home));
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedWithTheirNames() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[sandbox]\nmax_procs = 3\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxSettings.read(home));
        assertTrue(e.getMessage().contains("sandbox.max_procs") && e.getMessage().contains("max_processes"),
                e.getMessage());
        Files.writeString(home.resolve("config.toml"), "[sandbox]\nmax_memory_mb = \"4G\"\n");
        e = assertThrows(ConfigException.class, () -> SandboxSettings.read(home));
        assertTrue(e.getMessage().contains("sandbox.max_memory_mb must be a whole number"), e.getMessage());
    }
}
