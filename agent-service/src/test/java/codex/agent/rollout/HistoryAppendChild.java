package codex.agent.rollout;

import codex.protocol.HistoryPersistence;
import java.nio.file.Path;

/** Child process for {@link HistoryFileTest}: appends many long prompts as fast as it can. */
public final class HistoryAppendChild {
    public static void main(String[] args) throws Exception {
        HistoryFile history = new HistoryFile(Path.of(args[0]), HistoryPersistence.SAVE_ALL);
        String who = args[1];
        int count = Integer.parseInt(args[2]);
        String filler = who.repeat(6000 / who.length());
        for (int i = 0; i < count; i++) {
            history.append(who, 1_700_000_000L + i, who + " " + i + " " + filler);
        }
    }
}
