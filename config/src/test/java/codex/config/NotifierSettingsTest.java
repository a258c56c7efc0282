package codex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierSettingsTest {
    @TempDir
    Path home;

    @Test
    void absentTableOrFileMeansTheDefault() throws Exception {
        assertEquals(NotifierSettings.DEFAULTS, NotifierSettings.read(home));
        Files.writeString(home.resolve("config.toml"), "model = \"o4-mini\"\n");
        assertEquals(NotifierSettings.DEFAULTS, NotifierSettings.read(home));
    }

    @Test
    void readsTheWindowAndTheTopLevelValidationKnowsTheTable() throws Exception {
        Files.writeString(home.resolve("config.toml"), "notify = [\"notify-send\"]\n[notifier]\nredelivery_window_seconds = 30\n");
        assertEquals(new NotifierSettings(30L), NotifierSettings.read(home));
        ConfigLoader.load(ConfigOptions.defaults().withCodexHome(home));
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedWithTheirNames() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[notifier]\nwindow = 3\n");
        ConfigException e = assertThrows(ConfigException.class, () -> NotifierSettings.read(home));
        assertTrue(e.getMessage().contains("notifier.window") && e.getMessage().contains("redelivery_window_seconds"),
                e.getMessage());
        Files.writeString(home.resolve("config.toml"), "[notifier]\nredelivery_window_seconds = -5\n");
        e = assertThrows(ConfigException.class, () -> NotifierSettings.read(home));
        assertTrue(e.getMessage().contains("must be a whole number of seconds"), e.getMessage());
    }
}
