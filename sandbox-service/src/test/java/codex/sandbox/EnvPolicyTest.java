package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EnvPolicyTest {
    private static final Map<String, String> PARENT = Map.of(
            "PATH", "/usr/bin:/bin",
            "HOME", "/home/u",
            "OPENAI_API_KEY", "sk-1",
            "GITHUB_TOKEN", "ghp",
            "AWS_SECRET_ACCESS_KEY", "aws",
            "db_password", "pw",
            "EDITOR", "vi");

    @Test
    void defaultsInheritEverythingButSecrets() {
        Map<String, String> env = EnvPolicy.defaults().apply(PARENT);
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/u", "EDITOR", "vi"), env);
    }

    @Test
    void secretPatternsAreCaseInsensitive() {
        assertTrue(EnvPolicy.looksSecret("openai_api_key"));
        assertTrue(EnvPolicy.looksSecret("MY_SERVICE_TOKEN"));
        assertTrue(EnvPolicy.looksSecret("client_secret"));
        assertFalse(EnvPolicy.looksSecret("PATH"));
        assertFalse(EnvPolicy.looksSecret("TERM"));
    }

    @Test
    void corePolicyKeepsOnlyTheBasics() {
        EnvPolicy core = new EnvPolicy(EnvPolicy.Inherit.CORE, true, List.of(), Map.of(), List.of());
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/u"), core.apply(PARENT));
    }

    @Test
    void excludeSetAndIncludeOnlyApplyInOrder() {
        EnvPolicy p = new EnvPolicy(EnvPolicy.Inherit.ALL, true, List.of("ED*"), Map.of("CI", "1", "GITHUB_TOKEN", "x"),
                List.of("P?TH", "CI", "*TOKEN"));
        // set wins over the secret filter (it is explicit), include_only is applied last
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "CI", "1", "GITHUB_TOKEN", "x"), p.apply(PARENT));
    }

    @Test
    void secretsCanBeKeptWhenAskedFor() {
        EnvPolicy p = new EnvPolicy(EnvPolicy.Inherit.ALL, false, List.of(), Map.of(), List.of());
        assertEquals(PARENT, p.apply(PARENT));
    }

    @Test
    void noneStartsEmpty() {
        EnvPolicy p = new EnvPolicy(EnvPolicy.Inherit.NONE, true, List.of(), Map.of("A", "b"), List.of());
        assertEquals(Map.of("A", "b"), p.apply(PARENT));
    }

    @Test
    void toStringDoesNotPrintValuesThatMayBeSecret() {
        EnvPolicy p = new EnvPolicy(EnvPolicy.Inherit.ALL, true, List.of(), Map.of("API", "sk-live-123"), List.of());
        assertFalse(p.toString().contains("sk-live-123"));
    }

    /** The policy as it was applied before its globs were compiled once: every glob compiled for every name. */
    private static Map<String, String> reference(EnvPolicy p, Map<String, String> parent) {
        Map<String, String> env = new TreeMap<>();
        switch (p.inherit()) {
            case ALL -> env.putAll(parent);
            case CORE -> parent.forEach((k, v) -> {
                if (EnvPolicy.CORE_VARIABLES.contains(k)) {
                    env.put(k, v);
                }
            });
            case NONE -> { }
        }
        if (p.excludeDefaultSecrets()) {
            env.keySet().removeIf(n -> slowMatch(n, EnvPolicy.DEFAULT_SECRET_PATTERNS));
        }
        env.keySet().removeIf(n -> slowMatch(n, p.exclude()));
        env.putAll(p.set());
        if (!p.includeOnly().isEmpty()) {
            env.keySet().removeIf(n -> !slowMatch(n, p.includeOnly()));
        }
        return env;
    }

    private static boolean slowMatch(String name, List<String> globs) {
        for (String glob : globs) {
            StringBuilder regex = new StringBuilder();
            for (char c : glob.toCharArray()) {
                regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
            }
            if (Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void compiledOncePerPolicyGivesTheSameEnvironmentsAsCompilingEveryGlobForEveryName() {
        Map<String, String> parent = new HashMap<>(PARENT);
        for (String name : List.of("A.B", "AxB", "a+b", "(x)", "[y]", "x|y", "back\\slash", "q?", "qq", "straße", "STRASSE",
                "Ünïcode_KEY", "ünïcode_key", "tokenizer", "TOKEN", "_", "", "$HOME", "x\\Ey", "x\\Qy", "MY_KEYS",
                "CI", "C", "CII", "PATHX", "PXTH", "EDITOR2", "lower_secret", "Password", "X_PASSWD_Y")) {
            parent.put(name, "v-" + name);
        }
        List<EnvPolicy> policies = new ArrayList<>(List.of(EnvPolicy.defaults(),
                new EnvPolicy(EnvPolicy.Inherit.ALL, false, List.of(), Map.of(), List.of()),
                new EnvPolicy(EnvPolicy.Inherit.CORE, true, List.of("P*"), Map.of(), List.of()),
                new EnvPolicy(EnvPolicy.Inherit.ALL, true, List.of("A.B", "(x)", "[y]", "x|y", "back\\slash", "x\\Ey"),
                        Map.of("SET_TOKEN", "kept"), List.of()),
                new EnvPolicy(EnvPolicy.Inherit.ALL, false, List.of("ED*"), Map.of("CI", "1"),
                        List.of("P?TH", "CI", "*TOKEN", "STRASSE", "x\\Q*", "ü*")),
                new EnvPolicy(EnvPolicy.Inherit.ALL, true, List.of("*"), Map.of("ONLY", "me"), List.of()),
                new EnvPolicy(EnvPolicy.Inherit.ALL, false, List.of(""), Map.of(), List.of("?", "??"))));
        for (EnvPolicy p : policies) {
            Map<String, String> expected = reference(p, parent);
            assertEquals(expected, p.apply(parent), p.toString());
            assertEquals(expected, p.apply(parent), "the second, cached, application: " + p);
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(p.apply(parent).keySet()), "sorted by name");
        }
        for (String name : parent.keySet()) {
            assertEquals(slowMatch(name, EnvPolicy.DEFAULT_SECRET_PATTERNS), EnvPolicy.looksSecret(name), name);
        }
    }

    @Test
    void aPolicyIsCompiledOnceAndEqualPoliciesShareIt() {
        EnvPolicy a = new EnvPolicy(EnvPolicy.Inherit.ALL, true, List.of("FOO_*"), Map.of(), List.of("*"));
        EnvPolicy b = new EnvPolicy(EnvPolicy.Inherit.ALL, true, List.of("FOO_*"), Map.of(), List.of("*"));
        assertSame(EnvPolicy.compiled(a), EnvPolicy.compiled(a));
        assertSame(EnvPolicy.compiled(a), EnvPolicy.compiled(b), "keyed by the policy's value");
    }
}
