package codex.protocol;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An enum whose constants have a fixed spelling in config files, CLI flags and messages. One
 * parser for all of them, so every "unknown X" error reads the same and lists the valid names.
 */
public interface WireName {
    /** The spelling; also how the constant is written in JSON messages (the enums' {@code parse} reads it back). */
    @com.fasterxml.jackson.annotation.JsonValue
    String wireName();

    /** The valid spellings, comma-separated, in declaration order. */
    static <E extends Enum<E> & WireName> String validNames(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireName::wireName).collect(Collectors.joining(", "));
    }

    /**
     * @param what    what the value is, for the error ("approval policy")
     * @param plural  the noun for the list ("policies", "values")
     */
    static <E extends Enum<E> & WireName> E parse(Class<E> type, String text, String what, String plural) {
        String s = text == null ? "" : text.trim();
        for (E e : type.getEnumConstants()) {
            if (e.wireName().equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + s + "'; valid " + plural + " are: "
                + validNames(type));
    }
}
