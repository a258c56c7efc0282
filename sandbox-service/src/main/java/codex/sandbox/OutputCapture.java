package codex.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keeps up to a byte budget shared by stdout and stderr, forwards what it keeps to the listener,
 * and counts the rest. Used by one reader thread only.
 */
final class OutputCapture {
    private final int cap;
    private final OutputListener listener;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private long kept;
    private long dropped;

    OutputCapture(int cap, OutputListener listener) {
        this.cap = Math.max(cap, 0);
        this.listener = listener == null ? OutputListener.NONE : listener;
    }

    void accept(OutputListener.Stream stream, byte[] buffer, int length) {
        int keep = (int) Math.min(length, cap - kept);
        if (keep > 0) {
            (stream == OutputListener.Stream.STDOUT ? stdout : stderr).write(buffer, 0, keep);
            kept += keep;
            try {
                listener.onOutput(stream, Arrays.copyOf(buffer, keep));
            } catch (RuntimeException e) {
                // A broken listener must not stop us draining the pipes and reaping the process.
            }
        }
        dropped += length - keep;
    }

    String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    long dropped() {
        return dropped;
    }
}
