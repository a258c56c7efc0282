package codex.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Images given with {@code -i/--image FILE}: read here, where the files are, and sent as
 * {@code data:} URLs in the input (the agent may run on another machine). Plain Java.
 */
final class ImageInputs {
    /** What the model APIs take per image. */
    static final long MAX_BYTES = 20L * 1024 * 1024;
    private static final Map<String, String> TYPES = Map.of("png", "image/png", "jpg", "image/jpeg",
            "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");

    private ImageInputs() {
    }

    /**
     * @param cwd where a relative path is taken from
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    static List<String> dataUrls(List<Path> files, Path cwd) {
        List<String> urls = new ArrayList<>();
        for (Path given : files) {
            Path file = cwd.resolve(given);
            String name = file.getFileName() == null ? "" : file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--image " + given + ": no such file");
            }
            if (type == null) {
                throw new IllegalArgumentException("--image " + given + ": not a PNG, JPEG, GIF or WebP file (by its name)");
            }
            try {
                long size = Files.size(file);
                if (size > MAX_BYTES) {
                    throw new IllegalArgumentException("--image " + given + ": " + size / (1024 * 1024)
                            + " MiB is more than the 20 MiB a model takes; make it smaller");
                }
                urls.add("data:" + type + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new IllegalArgumentException("--image " + given + ": cannot read it: " + e.getMessage());
            }
        }
        return urls;
    }
}
