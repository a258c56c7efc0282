package codex.agent.rollout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Child process for {@link RolloutCrashTest}: records {@code flushed} items with a flush every ten,
 * says how many were acknowledged, then dies on the spot (Runtime.halt: no shutdown hooks, no
 * close, no JVM cleanup). Mode "torn": first writes half a record onto the file, as a write cut
 * short by the crash leaves it. Mode "racing": first queues 500 more items and a 16 MB one
 * without waiting, so the halt lands while the writer thread is busy.
 */
public final class RolloutCrashChild {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String id = args[1];
        int flushed = Integer.parseInt(args[2]);
        String mode = args[4];
        RolloutRecorder recorder = RolloutRecorder.create(home, id, Instant.parse(args[3]),
                RolloutTestData.meta("/crash"), RolloutRecorder.Options.defaults(e -> {
                    System.out.println("ERROR " + e);
                    Runtime.getRuntime().halt(3);
                }));
        for (int i = 0; i < flushed; i++) {
            recorder.appendItem(RolloutTestData.userMessage("item " + i));
            if (i % 10 == 9 || i == flushed - 1) {
                recorder.flush().get(10, TimeUnit.SECONDS);
            }
        }
        System.out.println("FLUSHED " + flushed);
        System.out.flush();
        if (mode.equals("torn")) {
            // the writer is idle (everything was flushed), so nothing can land after this fragment
            Files.write(recorder.file(), "{\"type\":\"item\",\"item\":{\"type\":\"message\",\"ro".getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.APPEND);
        } else {
            for (int i = flushed; i < flushed + 500; i++) {
                recorder.appendItem(RolloutTestData.userMessage("item " + i));
            }
            recorder.appendItem(RolloutTestData.userMessage("item " + (flushed + 500) + " " + "z".repeat(16 << 20)));
            Thread.sleep(5); // let the writer get going
        }
        Runtime.getRuntime().halt(137);
    }
}
