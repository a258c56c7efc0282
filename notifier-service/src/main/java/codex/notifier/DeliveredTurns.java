package codex.notifier;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The turns already notified, most recent {@code capacity} of them, so a turn the agent sends
 * again (its first answer was lost) does not run the program twice. Plain Java; one thread.
 */
final class DeliveredTurns {
    private final Map<String, Boolean> seen;

    DeliveredTurns(int capacity) {
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Whether the turn is new (and now remembered). A turn without a session or turn id (an older
     * agent's message) cannot be told apart from another and always counts as new.
     */
    boolean firstTime(String sessionId, String turnId) {
        if (sessionId == null || turnId == null) {
            return true;
        }
        return seen.put(sessionId + "\u0000" + turnId, Boolean.TRUE) == null;
    }
}
