package codex.protocol;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An enum whose constants have a fixed spelling in config files, CLI flags and messages. One
 * parser for all of them, so every "unknown X" error reads the same and lists the valid names.
 */
public interface WireName {
    /**
     * The spelling; also how the constant is written in JSON messages (the enums' {@code parse} reads it back).
     * Derived from the constant: lower case, words joined by {@link #wordSeparator()} ({@code ON_FAILURE} is
     * {@code on-failure}), so an enum declares only its constants, its parse and its toString.
     */
    @com.fasterxml.jackson.annotation.JsonValue
    default String wireName() {
        return ((Enum<?>) this).name().toLowerCase(java.util.Locale.ROOT).replace('_', wordSeparator());
    }

    /** What joins the words of a wire name: {@code -} (config style) unless the wire format says otherwise. */
    default char wordSeparator() {
        return '-';
    }

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
