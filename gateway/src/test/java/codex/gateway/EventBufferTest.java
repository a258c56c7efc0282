package codex.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventBufferTest {
    @Test
    void replaysOnlyEventsAfterTheGivenSeqInOrder() {
        EventBuffer<Long> buffer = new EventBuffer<>(10, Long::longValue);
        for (long seq = 1; seq <= 5; seq++) {
            buffer.add(seq);
        }
        assertEquals(List.of(4L, 5L), buffer.after(3));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), buffer.after(0));
        assertEquals(List.of(), buffer.after(5));
    }

    @Test
    void dropsTheOldestBeyondCapacityAndSaysWhereItStarts() {
        EventBuffer<Long> buffer = new EventBuffer<>(3, Long::longValue);
        assertEquals(-1, buffer.oldestSeq());
        for (long seq = 1; seq <= 5; seq++) {
            buffer.add(seq);
        }
        assertEquals(3, buffer.size());
        assertEquals(3, buffer.oldestSeq());
        assertEquals(List.of(3L, 4L, 5L), buffer.after(0));
    }
}
