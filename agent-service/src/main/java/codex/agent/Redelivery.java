package codex.agent;

import java.time.Duration;

/**
 * When to try a turn's notification again after the notifier did not take it (not running, or
 * no answer): soon at first, then every few seconds, until the window since the turn completed
 * has passed. Plain Java.
 *
 * @param window how long after the first attempt a notification is still worth delivering
 */
record Redelivery(Duration window) {
    /** The default window: a notifier that is back within ten minutes still gets the turns it missed. */
    static final Redelivery DEFAULT = new Redelivery(Duration.ofMinutes(10));
    private static final long FIRST_DELAY_MS = 500;
    /** The longest wait between attempts: how late at most a notifier that came back hears of a missed turn. */
    static final long MAX_DELAY_MS = 5_000;

    Redelivery {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the redelivery window cannot be negative");
        }
    }

    /**
     * Milliseconds to wait before attempt {@code attempt + 1} (attempts count from 0), or -1 when
     * the notification is given up: the next attempt would start after the window.
     */
    long nextDelayMs(int attempt, long firstAttemptAtMs, long nowMs) {
        long delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << Math.min(attempt, 20));
        return nowMs + delay - firstAttemptAtMs > window.toMillis() ? -1 : delay;
    }
}
