package codex.notifier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliveredTurnsTest {
    @Test
    void aTurnCountsOnceAndTheOldestAreForgotten() {
        DeliveredTurns turns = new DeliveredTurns(2);
        assertTrue(turns.firstTime("s1", "t1"));
        assertFalse(turns.firstTime("s1", "t1"), "sent again");
        assertTrue(turns.firstTime("s2", "t1"), "another session's turn of the same id");
        assertTrue(turns.firstTime("s1", "t2"));
        assertTrue(turns.firstTime("s1", "t1"), "forgotten beyond the capacity");
        assertTrue(turns.firstTime(null, "t1"));
        assertTrue(turns.firstTime(null, "t1"), "an older agent's message has no session: never skipped");
    }
}
