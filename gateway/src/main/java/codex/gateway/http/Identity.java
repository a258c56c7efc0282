package codex.gateway.http;

import java.util.Locale;

/**
 * Who is calling the HTTP API: a name from the server's token list and a role. Names appear in
 * events, logs and audit; the token that proved the identity never does.
 */
public record Identity(String name, Role role) {

    public enum Role {
        /** Sees and drives only the sessions it created. */
        USER,
        /** Sees and drives every session. */
        ADMIN;

        public static Role parse(String text) {
            for (Role role : values()) {
                if (role.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("role must be \"user\" or \"admin\", not \"" + text + "\"");
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Whether this identity may see and drive a session created by {@code owner} (null: not created over HTTP). */
    public boolean mayAccess(String owner) {
        return isAdmin() || name.equals(owner);
    }
}
