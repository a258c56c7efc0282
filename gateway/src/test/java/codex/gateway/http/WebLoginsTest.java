package codex.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WebLoginsTest {
    static final Identity ADMIN = new Identity("serve-admin", Identity.Role.ADMIN);

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    final MovableClock clock = new MovableClock();
    final TokenRegistry tokens = TokenRegistry.builder().token("alice", Identity.Role.USER, "alice-token-0123456789").build();

    @Test
    void aLoginCodeWorksOnceAndProvesItsIdentity() {
        WebLogins logins = new WebLogins(clock);
        String code = logins.issueCode(ADMIN);
        var login = logins.login(code, tokens).orElseThrow();
        assertEquals(ADMIN, login.session().identity());
        assertEquals(ADMIN, logins.session(login.cookieValue()).orElseThrow().identity());
        assertTrue(logins.login(code, tokens).isEmpty(), "a second use of the same link is refused");
    }

    @Test
    void aLoginCodeExpires() {
        WebLogins logins = new WebLogins(clock);
        String code = logins.issueCode(ADMIN);
        clock.now = clock.now.plus(WebLogins.CODE_LIFETIME).plusSeconds(1);
        assertTrue(logins.login(code, tokens).isEmpty());
    }

    @Test
    void anApiTokenLogsInAsItsIdentityAndWrongOnesDoNot() {
        WebLogins logins = new WebLogins(clock);
        assertEquals("alice", logins.login("alice-token-0123456789", tokens).orElseThrow().session().identity().name());
        assertTrue(logins.login("alice-token-012345678", tokens).isEmpty());
        assertTrue(logins.login("", tokens).isEmpty());
        assertTrue(logins.login(null, tokens).isEmpty());
    }

    @Test
    void browserSessionsEndAfterTheirLifetimeOrAtLogout() {
        WebLogins logins = new WebLogins(clock);
        var first = logins.login("alice-token-0123456789", tokens).orElseThrow();
        var second = logins.login("alice-token-0123456789", tokens).orElseThrow();
        assertNotEquals(first.cookieValue(), second.cookieValue());
        assertNotEquals(first.session().csrfToken(), second.session().csrfToken());
        logins.logout(first.cookieValue());
        assertTrue(logins.session(first.cookieValue()).isEmpty());
        assertTrue(logins.session(second.cookieValue()).isPresent());
        clock.now = clock.now.plus(WebLogins.SESSION_LIFETIME);
        assertTrue(logins.session(second.cookieValue()).isEmpty());
        assertTrue(logins.session("made-up").isEmpty());
    }

    @Test
    void theCsrfTokenMustMatchItsOwnSession() {
        WebLogins logins = new WebLogins(clock);
        var a = logins.login("alice-token-0123456789", tokens).orElseThrow().session();
        var b = logins.login("alice-token-0123456789", tokens).orElseThrow().session();
        assertTrue(WebLogins.csrfMatches(a, a.csrfToken()));
        assertFalse(WebLogins.csrfMatches(a, b.csrfToken()));
        assertFalse(WebLogins.csrfMatches(a, null));
        assertFalse(WebLogins.csrfMatches(a, ""));
    }

    @Test
    void aFloodOfLoginsCannotGrowWithoutBound() {
        WebLogins logins = new WebLogins(clock);
        for (int i = 0; i < WebLogins.MAX_SESSIONS + 50; i++) {
            logins.login("alice-token-0123456789", tokens);
            clock.now = clock.now.plus(Duration.ofMillis(1));
        }
        assertTrue(logins.liveSessions() <= WebLogins.MAX_SESSIONS, String.valueOf(logins.liveSessions()));
    }
}
