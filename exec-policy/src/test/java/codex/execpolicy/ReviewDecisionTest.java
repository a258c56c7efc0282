package codex.execpolicy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewDecisionTest {

    @Test
    void wireNamesRoundTrip() {
        assertEquals(ReviewDecision.APPROVED, ReviewDecision.parse("approved"));
        assertEquals(ReviewDecision.APPROVED_FOR_SESSION, ReviewDecision.parse(" approved_for_session "));
        assertEquals(ReviewDecision.DENIED, ReviewDecision.parse("denied"));
        assertEquals(ReviewDecision.ABORT, ReviewDecision.parse("abort"));
        for (ReviewDecision d : ReviewDecision.values()) {
            assertEquals(d, ReviewDecision.parse(d.toString()));
        }
    }

    @Test
    void unknownNamesListTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReviewDecision.parse("APPROVED"));
        assertTrue(e.getMessage().contains("'APPROVED'") && e.getMessage().contains(ReviewDecision.VALID_NAMES), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReviewDecision.parse(null));
    }

    @Test
    void onlyApprovalsLetTheActionGoAhead() {
        assertTrue(ReviewDecision.APPROVED.isApproval());
        assertTrue(ReviewDecision.APPROVED_FOR_SESSION.isApproval());
        assertFalse(ReviewDecision.DENIED.isApproval());
        assertFalse(ReviewDecision.ABORT.isApproval());
    }
}
