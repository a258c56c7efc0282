package codex.gateway.http;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser logins for the web client. A browser trades either an API token (the login form) or a
 * one-time login code (the link {@code codex serve} prints) for a browser session: a random id
 * kept in an HttpOnly cookie, and a CSRF token the page sends in a header with every
 * state-changing request. Codes work once and expire; browser sessions expire after
 * {@link #SESSION_LIFETIME}. Only SHA-256 digests of codes and session ids are kept, so a heap
 * dump or log of this object holds nothing a browser could present. Everything is in memory: a
 * restarted server asks browsers to log in again.
 */
public final class WebLogins {
    public static final Duration CODE_LIFETIME = Duration.ofHours(1);
    public static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    /** Beyond this many live browser sessions the oldest are dropped (a flood of logins cannot fill the heap). */
    static final int MAX_SESSIONS = 10_000;

    /** A logged-in browser: who it is, the CSRF token its page must echo, when it ends. */
    public record BrowserSession(Identity identity, String csrfToken, Instant expiresAt) {
    }

    /** What a successful login hands the browser: the cookie value (never stored in clear) and the session. */
    public record Login(String cookieValue, BrowserSession session) {
    }

    private record Code(Identity identity, Instant expiresAt) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, BrowserSession> sessions = new ConcurrentHashMap<>();

    public WebLogins() {
        this(Clock.systemUTC());
    }

    WebLogins(Clock clock) {
        this.clock = clock;
    }

    /** A new one-time login code for {@code identity}, valid for {@link #CODE_LIFETIME}. */
    public String issueCode(Identity identity) {
        String code = randomHex(24);
        codes.put(digest(code), new Code(identity, clock.instant().plus(CODE_LIFETIME)));
        return code;
    }

    /**
     * Logs a browser in with what it presented: an unused, unexpired login code (used up by
     * this), or an API token of {@code tokens}.
     */
    public Optional<Login> login(String presented, TokenRegistry tokens) {
        if (presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        String text = presented.trim();
        Instant now = clock.instant();
        Code code = codes.remove(digest(text));
        Identity identity = null;
        if (code != null && now.isBefore(code.expiresAt())) {
            identity = code.identity();
        } else {
            identity = tokens.authenticate(text).orElse(null);
        }
        codes.values().removeIf(c -> !now.isBefore(c.expiresAt()));
        if (identity == null) {
            return Optional.empty();
        }
        String cookie = randomHex(32);
        BrowserSession session = new BrowserSession(identity, randomHex(24), now.plus(SESSION_LIFETIME));
        prune(now);
        sessions.put(digest(cookie), session);
        return Optional.of(new Login(cookie, session));
    }

    /** The live browser session a cookie value names, if any. */
    public Optional<BrowserSession> session(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty()) {
            return Optional.empty();
        }
        String key = digest(cookieValue);
        BrowserSession session = sessions.get(key);
        if (session == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(session.expiresAt())) {
            sessions.remove(key);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** Whether a request's CSRF header matches its browser session (constant time). */
    public static boolean csrfMatches(BrowserSession session, String header) {
        return header != null && MessageDigest.isEqual(session.csrfToken().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                header.trim().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public void logout(String cookieValue) {
        if (cookieValue != null) {
            sessions.remove(digest(cookieValue));
        }
    }

    int liveSessions() {
        return sessions.size();
    }

    private void prune(Instant now) {
        sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
        if (sessions.size() >= MAX_SESSIONS) {
            Iterator<Map.Entry<String, BrowserSession>> oldest = sessions.entrySet().stream()
                    .sorted(Map.Entry.comparingByValue(java.util.Comparator.comparing(BrowserSession::expiresAt)))
                    .limit(sessions.size() - MAX_SESSIONS + 1).toList().iterator();
            oldest.forEachRemaining(e -> sessions.remove(e.getKey()));
        }
    }

    private String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String digest(String text) {
        return HexFormat.of().formatHex(TokenRegistry.sha256(text));
    }
}
