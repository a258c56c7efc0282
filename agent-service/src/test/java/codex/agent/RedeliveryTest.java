package codex.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedeliveryTest {
    @Test
    void attemptsBackOffToAFewSecondsApart() {
        Redelivery r = Redelivery.DEFAULT;
        assertEquals(500, r.nextDelayMs(0, 0, 0));
        assertEquals(1_000, r.nextDelayMs(1, 0, 500));
        assertEquals(2_000, r.nextDelayMs(2, 0, 1_500));
        assertEquals(4_000, r.nextDelayMs(3, 0, 3_500));
        assertEquals(Redelivery.MAX_DELAY_MS, r.nextDelayMs(4, 0, 7_500));
        assertEquals(Redelivery.MAX_DELAY_MS, r.nextDelayMs(500, 0, 60_000), "no overflow after many attempts");
    }

    @Test
    void aNotificationIsGivenUpOnceTheNextAttemptWouldFallOutsideTheWindow() {
        Redelivery r = new Redelivery(Duration.ofSeconds(10));
        assertEquals(5_000, r.nextDelayMs(10, 1_000, 6_000), "at 10 s after the first: still in");
        assertEquals(-1, r.nextDelayMs(10, 1_000, 6_001));
        assertEquals(-1, new Redelivery(Duration.ZERO).nextDelayMs(0, 0, 0), "a zero window: one attempt only");
        assertThrows(IllegalArgumentException.class, () -> new Redelivery(Duration.ofSeconds(-1)));
    }
}
