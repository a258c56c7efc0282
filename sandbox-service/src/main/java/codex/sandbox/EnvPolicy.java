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
        Compiled compiled = compiled(this);
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
        if (compiled.exclude != null) {
            env.keySet().removeIf(name -> compiled.exclude.matcher(name).matches());
        }
        env.putAll(set);
        if (compiled.includeOnly != null) {
            env.keySet().removeIf(name -> !compiled.includeOnly.matcher(name).matches());
        }
        return new LinkedHashMap<>(env);
    }

    /** True when the name matches one of {@link #DEFAULT_SECRET_PATTERNS} (e.g. OPENAI_API_KEY, GH_TOKEN). */
    public static boolean looksSecret(String name) {
        return SECRETS.matcher(name).matches();
    }

    /**
     * A policy's globs as one regex per list (null for an empty list): {@code (?:g1)|(?:g2)|...} matches
     * exactly when one of the globs does. Compiling them per variable per command was 12% of a
     * steady-state profile; now each policy is compiled once and one matcher runs per variable.
     */
    record Compiled(Pattern exclude, Pattern includeOnly) { }

    private static final Pattern SECRETS = anyOf(DEFAULT_SECRET_PATTERNS);
    /** Policies come from the defaults and the config: few distinct ones. Bounded all the same. */
    private static final int MAX_CACHED_POLICIES = 256;
    private static final Map<EnvPolicy, Compiled> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    static Compiled compiled(EnvPolicy policy) {
        Compiled c = COMPILED.get(policy);
        if (c == null) {
            c = new Compiled(anyOf(policy.exclude()), anyOf(policy.includeOnly()));
            if (COMPILED.size() < MAX_CACHED_POLICIES) {
                Compiled raced = COMPILED.putIfAbsent(policy, c);
                c = raced == null ? c : raced;
            }
        }
        return c;
    }

    private static Pattern anyOf(List<String> globs) {
        if (globs.isEmpty()) {
            return null;
        }
        StringBuilder regex = new StringBuilder();
        for (String glob : globs) {
            if (regex.length() > 0) {
                regex.append('|');
            }
            regex.append("(?:").append(globToRegex(glob)).append(')');
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** {@code *} is any run of characters, {@code ?} any one; everything else is literal. */
    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    @Override
    public String toString() {
        return "EnvPolicy[inherit=" + inherit.name().toLowerCase(Locale.ROOT) + ", excludeDefaultSecrets="
                + excludeDefaultSecrets + ", exclude=" + exclude + ", set=" + set.keySet() + ", includeOnly="
                + includeOnly + "]";
    }
}
