package codex.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InFlightExecsTest {
    final InFlightExecs execs = new InFlightExecs();

    @Test
    void aCommandIsLostWhenItsSandboxNodeLeavesAndOnlyThen() {
        execs.sent("a");
        execs.sent("b");
        execs.started("a", "sandbox-1");
        execs.started("b", "sandbox-2");
        assertEquals(List.of(), execs.check(Set.of("agent", "sandbox-1", "sandbox-2"), 0));
        List<InFlightExecs.GiveUp> given = execs.check(Set.of("agent", "sandbox-2"), 100);
        assertEquals(1, given.size());
        assertEquals("a", given.get(0).execId());
        assertTrue(given.get(0).lost());
        assertTrue(given.get(0).reason().startsWith("sandbox lost while running the command; it was stopped"),
                given.get(0).reason());
        assertTrue(given.get(0).reason().contains("sandbox-1"));
        assertEquals(List.of(), execs.check(Set.of("agent", "sandbox-2"), 200), "given up once");
        assertFalse(execs.isEmpty(), "b still runs on a node that is there");
    }

    @Test
    void aCommandNotYetConfirmedWhenANodeLeavesGetsAGraceToBeConfirmed() {
        execs.sent("confirmed-late");
        execs.sent("never-confirmed");
        execs.check(Set.of("agent", "sandbox-1", "sandbox-2"), 0);
        assertEquals(List.of(), execs.check(Set.of("agent", "sandbox-2"), 10), "not yet: it may be on sandbox-2");
        execs.started("confirmed-late", "sandbox-2");
        assertEquals(List.of(), execs.check(Set.of("agent", "sandbox-2"), 10 + InFlightExecs.UNCONFIRMED_GRACE_MS - 1));
        List<InFlightExecs.GiveUp> given = execs.check(Set.of("agent", "sandbox-2"), 10 + InFlightExecs.UNCONFIRMED_GRACE_MS);
        assertEquals(List.of("never-confirmed"), given.stream().map(InFlightExecs.GiveUp::execId).toList());
        assertTrue(given.get(0).lost());
    }

    @Test
    void anUnconfirmedCommandIsNotSuspectedWhileNoNodeLeaves() {
        execs.sent("slow");
        execs.check(Set.of("agent", "sandbox-1"), 0);
        assertEquals(List.of(), execs.check(Set.of("agent", "sandbox-1", "sandbox-3"), 60_000), "a node joining is no loss");
    }

    @Test
    void aStopWithoutAnAnswerIsGivenUpAfterTheGrace() {
        execs.sent("a");
        execs.started("a", "sandbox-1");
        execs.cancelled("a", 1_000);
        assertEquals(List.of(), execs.check(Set.of("sandbox-1"), 1_000 + InFlightExecs.CANCEL_GRACE_MS - 1));
        List<InFlightExecs.GiveUp> given = execs.check(Set.of("sandbox-1"), 1_000 + InFlightExecs.CANCEL_GRACE_MS);
        assertEquals(1, given.size());
        assertFalse(given.get(0).lost());
        assertTrue(given.get(0).reason().contains("did not answer the stop"), given.get(0).reason());
    }

    @Test
    void aFinishedCommandIsForgotten() {
        execs.sent("a");
        execs.started("a", "sandbox-1");
        execs.cancelled("a", 0);
        execs.finished("a");
        assertTrue(execs.isEmpty());
        assertEquals(List.of(), execs.check(Set.of(), 60_000));
    }
}
