package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
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
}
