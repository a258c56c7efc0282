package codex.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayJoinTest {
    private static EventBuffer<Long> buffer(long... seqs) {
        EventBuffer<Long> b = new EventBuffer<>(100, s -> s);
        for (long s : seqs) {
            b.add(s);
        }
        return b;
    }

    @Test
    void theLogIsNeededWhenTheBufferCannotReachBackToTheClientsSeq() {
        assertTrue(ReplayJoin.needsLog(null, 0), "no buffer: a restarted gateway");
        assertTrue(ReplayJoin.needsLog(buffer(), 0), "an empty buffer");
        assertTrue(ReplayJoin.needsLog(buffer(7, 8, 9), 0), "the buffer starts after what the client needs");
        assertTrue(ReplayJoin.needsLog(buffer(7, 8, 9), 5));
        assertFalse(ReplayJoin.needsLog(buffer(7, 8, 9), 6), "the buffer has the next one");
        assertFalse(ReplayJoin.needsLog(buffer(1, 2, 3), 0));
        assertFalse(ReplayJoin.needsLog(buffer(1, 2, 3), 3), "caught up");
    }

    @Test
    void joinedEventsAreInSeqOrderEachOnceAndOnlyAfterTheClientsSeq() {
        List<Long> joined = ReplayJoin.join(2, List.of(1L, 2L, 3L, 4L, 5L), List.of(4L, 5L, 6L, 7L), s -> s);
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L), joined);
        assertTrue(ReplayJoin.gapless(2, joined, s -> s));
    }

    @Test
    void aLogThatEndsShortOfTheBufferLeavesAGap() {
        List<Long> joined = ReplayJoin.join(0, List.of(1L, 2L, 3L), List.of(6L, 7L), s -> s);
        assertEquals(List.of(1L, 2L, 3L, 6L, 7L), joined);
        assertFalse(ReplayJoin.gapless(0, joined, s -> s));
        assertFalse(ReplayJoin.gapless(0, List.of(2L, 3L), s -> s), "the first one missing");
        assertTrue(ReplayJoin.gapless(-1, List.of(1L, 2L), s -> s), "seqs start at 1");
        assertTrue(ReplayJoin.gapless(5, List.<Long>of(), s -> s), "nothing new is not a gap");
    }
}
