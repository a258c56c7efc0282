package codex.agent.tools;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * What the model reads back from a command: the output (cut in the middle when long, with a
 * marker saying how much was cut) and metadata, in the seed's
 * {@code {"output": …, "metadata": {"exit_code", "duration_seconds"}}} shape.
 */
public final class ToolOutputFormatter {
    /** Bytes of output the model sees at most; head and tail halves are kept. */
    public static final int MODEL_OUTPUT_LIMIT = 10 * 1024;

    private ToolOutputFormatter() {
    }

    public static String commandOutput(String stdout, String stderr, int exitCode, long durationMs, boolean timedOut,
                                       long droppedBytes) {
        StringBuilder text = new StringBuilder();
        if (stdout != null) {
            text.append(stdout);
        }
        if (stderr != null && !stderr.isEmpty()) {
            if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                text.append('\n');
            }
            text.append(stderr);
        }
        if (timedOut) {
            text.append(text.length() > 0 && text.charAt(text.length() - 1) != '\n' ? "\n" : "")
                    .append("command timed out after ").append(durationMs).append(" ms and was killed");
        }
        if (droppedBytes > 0) {
            text.append("\n[output capped by the sandbox: ").append(droppedBytes).append(" more bytes were not kept]");
        }
        JsonObject json = new JsonObject()
                .put("output", truncateMiddle(text.toString(), MODEL_OUTPUT_LIMIT))
                .put("metadata", new JsonObject()
                        .put("exit_code", exitCode)
                        .put("duration_seconds", Math.round(durationMs / 100.0) / 10.0));
        return json.encode();
    }

    /** Keeps the first and last halves of {@code limit} bytes, on character boundaries. */
    public static String truncateMiddle(String text, int limit) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= limit) {
            return text;
        }
        int half = limit / 2;
        String head = decodePrefix(bytes, half);
        String tail = decodeSuffix(bytes, half);
        long cut = bytes.length - head.getBytes(StandardCharsets.UTF_8).length - tail.getBytes(StandardCharsets.UTF_8).length;
        return head + "\n[... " + cut + " bytes of " + bytes.length + " omitted ...]\n" + tail;
    }

    private static String decodePrefix(byte[] bytes, int n) {
        int end = n;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // don't split a UTF-8 sequence
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static String decodeSuffix(byte[] bytes, int n) {
        int start = bytes.length - n;
        while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
            start++;
        }
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }
}
