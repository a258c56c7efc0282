package codex.agent.rollout;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test main class in a fresh JVM with the test classpath, as a separate codex process would be. */
final class ChildJvm {
    private ChildJvm() {
    }

    static Process start(Class<?> mainClass, Path log, String... args) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path");
        if (classpath == null || classpath.isBlank()) {
            classpath = System.getProperty("java.class.path");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", classpath, mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static String pathSeparator() {
        return File.pathSeparator;
    }
}
