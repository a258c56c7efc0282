package codex.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Finds argv[0] the way a shell would, but with the child's PATH (posix_spawnp would use ours). */
final class ProgramLookup {
    private ProgramLookup() {
    }

    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    /** The absolute program path, or null when nothing executable is found. */
    static Path resolve(String command, Path cwd, Map<String, String> env) {
        if (command.isEmpty()) {
            return null;
        }
        if (command.indexOf('/') >= 0) {
            return cwd.resolve(command).normalize(); // the spawn reports a missing or unrunnable file
        }
        String path = env.getOrDefault("PATH", DEFAULT_PATH);
        for (String dir : path.split(":", -1)) {
            Path candidate = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.normalize();
            }
        }
        return null;
    }
}
