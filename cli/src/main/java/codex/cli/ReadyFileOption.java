package codex.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --ready-file PATH}: written once this process's services are deployed and their consumers
 * registered, removed when it stops. A container health check tests for it (docker-compose.yml),
 * since the JRE image has no HTTP client to ask the gateway's /api/v1/ready.
 */
final class ReadyFileOption {
    @Option(names = "--ready-file", paramLabel = "PATH",
            description = "Write PATH once ready (services deployed), remove it on stop: for container health checks.")
    Path readyFile;

    /** @return false (after saying why) when the file cannot be written */
    boolean markReady(String text) {
        if (readyFile == null) {
            return true;
        }
        try {
            Path parent = readyFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(readyFile, text + "\n");
            readyFile.toFile().deleteOnExit();
            return true;
        } catch (IOException e) {
            System.err.println("error: cannot write --ready-file " + readyFile + ": " + e.getMessage());
            return false;
        }
    }
}
