package codex.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Where a step's time goes, for the benchmarks only: with {@code -Dcodex.trace.steps=FILE} every
 * {@link #mark} records a label and the wall clock (epoch ns: the bench's scripted commands can only
 * read that clock), written to FILE at exit, one {@code label epochNs thread} a line. Off (the
 * default), a mark is one static boolean read.
 */
public final class StepTrace {
    private static final String FILE = System.getProperty("codex.trace.steps");
    public static final boolean ON = FILE != null && !FILE.isEmpty();
    private static final ConcurrentLinkedQueue<String> MARKS = new ConcurrentLinkedQueue<>();

    static {
        if (ON) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.write(Path.of(FILE), MARKS);
                } catch (IOException ignored) {
                    // a bench aid: nothing to do
                }
            }, "step-trace"));
        }
    }

    private StepTrace() {
    }

    public static void mark(String label) {
        if (ON) {
            Instant now = Instant.now();
            MARKS.add(label + " " + (now.getEpochSecond() * 1_000_000_000L + now.getNano()) + " " + Thread.currentThread().getName());
        }
    }
}
