package codex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureSettingsTest {
    @TempDir
    Path home;

    @Test
    void shellSnapshotIsOnUnlessTurnedOff() throws Exception {
        assertTrue(FeatureSettings.read(home).shellSnapshot(), "no config.toml at all");
        Files.writeString(home.resolve("config.toml"), "model = \"o4-mini\"\n");
        assertTrue(FeatureSettings.read(home).shellSnapshot());
        Files.writeString(home.resolve("config.toml"), "[features]\nshell_snapshot = false\n");
        assertFalse(FeatureSettings.read(home).shellSnapshot());
        Files.writeString(home.resolve("config.toml"), "[features]\nshell_snapshot = true\n");
        assertTrue(FeatureSettings.read(home).shellSnapshot());
    }

    @Test
    void theSwitchIsKnownAndOtherCodexFeaturesAreUnknownKeys() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[features]\nshell_snapshot = false\nweb_search_request = true\n");
        CodexConfig config = ConfigLoader.load(ConfigOptions.defaults().withCodexHome(home));
        assertEquals(List.of("features.web_search_request"), List.copyOf(config.unknownKeys()));
        assertFalse(FeatureSettings.read(home).shellSnapshot());
    }

    @Test
    void aSwitchThatIsNotABooleanIsRefused() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[features]\nshell_snapshot = \"no\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> FeatureSettings.read(home));
        assertTrue(e.getMessage().contains("features.shell_snapshot must be true or false"), e.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(ConfigOptions.defaults().withCodexHome(home)));
    }
}
