package codex.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The tokens the server accepts and the identity each proves. Only SHA-256 digests are kept, so
 * a token in config may be given as {@code token_sha256}; every presented token is compared
 * against every entry in constant time, so timing tells nothing about which entry nearly matched.
 */
public final class TokenRegistry {
    public static final int MIN_TOKEN_LENGTH = 16;

    /** One accepted token: its digest and the identity it proves. */
    public record Entry(Identity identity, byte[] sha256) {
    }

    private final List<Entry> entries;

    private TokenRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The identity a presented token proves, if any. */
    public Optional<Identity> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        Identity found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.sha256(), digest) && found == null) {
                found = entry.identity();
            }
        }
        return Optional.ofNullable(found);
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<Identity> identities() {
        return entries.stream().map(Entry::identity).toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        /** A token given in clear (at least {@value #MIN_TOKEN_LENGTH} characters). */
        public Builder token(String name, Identity.Role role, String token) {
            if (token == null || token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("the token of \"" + name + "\" must be at least "
                        + MIN_TOKEN_LENGTH + " characters (e.g. openssl rand -hex 24)");
            }
            return add(name, role, sha256(token));
        }

        /** A token given as the hex SHA-256 of its text ({@code printf %s TOKEN | sha256sum}). */
        public Builder tokenSha256(String name, Identity.Role role, String hex) {
            byte[] digest;
            try {
                digest = HexFormat.of().parseHex(hex == null ? "" : hex.trim().toLowerCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                digest = new byte[0];
            }
            if (digest.length != 32) {
                throw new IllegalArgumentException("token_sha256 of \"" + name
                        + "\" must be 64 hex digits (printf %s TOKEN | sha256sum)");
            }
            return add(name, role, digest);
        }

        /** An entry of another registry (e.g. configured tokens next to the admin shortcut). */
        public Builder entry(Entry entry) {
            return add(entry.identity().name(), entry.identity().role(), entry.sha256());
        }

        private Builder add(String name, Identity.Role role, byte[] digest) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("every token needs a name (who it belongs to)");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("two tokens are named \"" + name + "\": names must be unique");
            }
            for (Entry e : entries) {
                if (MessageDigest.isEqual(e.sha256(), digest)) {
                    throw new IllegalArgumentException("\"" + name + "\" and \"" + e.identity().name()
                            + "\" have the same token: each identity needs its own");
                }
            }
            entries.add(new Entry(new Identity(name, role), digest));
            return this;
        }

        public TokenRegistry build() {
            return new TokenRegistry(entries);
        }
    }
}
