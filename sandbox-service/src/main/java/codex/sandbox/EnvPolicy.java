package codex.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How a command's environment is derived from ours, after the seed's {@code shell_environment_policy}:
 * start from {@link Inherit}, drop secret-looking names (unless told not to), drop {@code exclude}
 * patterns, add {@code set}, then keep only {@code includeOnly} patterns (when any are given).
 * Patterns are case-insensitive globs with {@code *} and {@code ?}.
 *
 * @param inherit               which variables to start from
 * @param excludeDefaultSecrets drop names matching {@link #DEFAULT_SECRET_PATTERNS}
 * @param exclude               further patterns to drop
 * @param set                   variables to set (after exclusion, so they always win)
 * @param includeOnly           when non-empty, the final environment keeps only names matching one of these
 */
public record EnvPolicy(
        Inherit inherit,
        boolean excludeDefaultSecrets,
        List<String> exclude,
        Map<String, String> set,
        List<String> includeOnly) {

    public enum Inherit {
        /** everything we have */
        ALL,
        /** only {@link #CORE_VARIABLES} */
        CORE,
        /** nothing */
        NONE
    }

    /** Names that look like credentials: never handed to a command unless the policy says so. */
    public static final List<String> DEFAULT_SECRET_PATTERNS =
            List.of("*KEY*", "*SECRET*", "*TOKEN*", "*PASSWORD*", "*PASSWD*", "*CREDENTIAL*");

    /** What {@link Inherit#CORE} keeps. */
    public static final Set<String> CORE_VARIABLES =
            Set.of("HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP", "LANG", "TERM");

    public EnvPolicy {
        Objects.requireNonNull(inherit, "inherit");
        exclude = List.copyOf(exclude);
        set = Map.copyOf(set);
        includeOnly = List.copyOf(includeOnly);
    }

    /** Inherit everything except secret-looking names: the default for agent commands. */
    public static EnvPolicy defaults() {
        return new EnvPolicy(Inherit.ALL, true, List.of(), Map.of(), List.of());
    }

    /** This process's environment never changes, so its filtered form is computed once. */
    private static volatile Map<String, String> childEnvironment;

    /** {@link #defaults()} applied to this process's environment (unmodifiable, sorted by name). */
    public static Map<String, String> childEnvironment() {
        Map<String, String> env = childEnvironment;
        if (env == null) {
            env = java.util.Collections.unmodifiableMap(defaults().apply(System.getenv()));
            childEnvironment = env;
        }
        return env;
    }

    /** The child's environment, derived from {@code parent} (sorted by name, for stable output). */
    public Map<String, String> apply(Map<String, String> parent) {
        Map<String, String> env = new TreeMap<>();
        switch (inherit) {
            case ALL -> env.putAll(parent);
            case CORE -> parent.forEach((k, v) -> {
                if (CORE_VARIABLES.contains(k)) {
                    env.put(k, v);
                }
            });
            case NONE -> { }
        }
        if (excludeDefaultSecrets) {
            env.keySet().removeIf(EnvPolicy::looksSecret);
        }
        env.keySet().removeIf(name -> matchesAny(name, exclude));
        env.putAll(set);
        if (!includeOnly.isEmpty()) {
            env.keySet().removeIf(name -> !matchesAny(name, includeOnly));
        }
        return new LinkedHashMap<>(env);
    }

    /** True when the name matches one of {@link #DEFAULT_SECRET_PATTERNS} (e.g. OPENAI_API_KEY, GH_TOKEN). */
    public static boolean looksSecret(String name) {
        return matchesAny(name, DEFAULT_SECRET_PATTERNS);
    }

    static boolean matchesAny(String name, List<String> globs) {
        for (String glob : globs) {
            if (compiled(glob).matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Globs come from the defaults and the config, so there are few distinct ones: each is compiled once
     * (compiling per variable per command was 12% of a steady-state profile). Bounded all the same.
     */
    private static final int MAX_CACHED_GLOBS = 1024;
    private static final Map<String, Pattern> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    private static Pattern compiled(String glob) {
        Pattern p = COMPILED.get(glob);
        if (p == null) {
            p = globToRegex(glob);
            if (COMPILED.size() < MAX_CACHED_GLOBS) {
                COMPILED.putIfAbsent(glob, p);
            }
        }
        return p;
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    @Override
    public String toString() {
        return "EnvPolicy[inherit=" + inherit.name().toLowerCase(Locale.ROOT) + ", excludeDefaultSecrets="
                + excludeDefaultSecrets + ", exclude=" + exclude + ", set=" + set.keySet() + ", includeOnly="
                + includeOnly + "]";
    }
}
