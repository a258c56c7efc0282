package codex.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

    static JsonObject token(String name, String token, String role) {
        return new JsonObject().put("name", name).put("token", token).put("role", role);
    }

    @Test
    void tokensProveTheirIdentityAndNothingElse() {
        String digest = HexFormat.of().formatHex(TokenRegistry.sha256("bob-secret-token-123"));
        GatewaySettings s = GatewaySettings.parse(new JsonObject().put("tokens", new JsonArray()
                .add(token("alice", "alice-secret-token-1", "user"))
                .add(new JsonObject().put("name", "bob").put("token_sha256", digest).put("role", "admin"))), "config.toml");
        assertEquals(new Identity("alice", Identity.Role.USER), s.tokens().authenticate("alice-secret-token-1").orElseThrow());
        assertEquals(new Identity("bob", Identity.Role.ADMIN), s.tokens().authenticate("bob-secret-token-123").orElseThrow());
        assertTrue(s.tokens().authenticate("alice-secret-token-2").isEmpty());
        assertTrue(s.tokens().authenticate("").isEmpty());
        assertTrue(s.tokens().authenticate(null).isEmpty());
        assertEquals(ServerPolicy.UNRESTRICTED, s.policy());
    }

    @Test
    void theApprovalTimeoutIsWholeSecondsOrAbsent() {
        assertEquals(0, GatewaySettings.parse(new JsonObject(), "config.toml").approvalTimeoutSeconds());
        assertEquals(90, GatewaySettings.parse(new JsonObject().put("approval_timeout_seconds", 90), "config.toml")
                .approvalTimeoutSeconds());
        for (Object bad : new Object[]{0, -5, 1.5, "60"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(
                    new JsonObject().put("approval_timeout_seconds", bad), "config.toml"));
            assertTrue(e.getMessage().contains("approval_timeout_seconds"), e.getMessage());
        }
    }

    @Test
    void mistakesInTheTableAreRefusedNamingTheKey() {
        for (var bad : java.util.List.of(
                new JsonObject().put("polcy", new JsonObject()),
                new JsonObject().put("policy", new JsonObject().put("approval_policy", new JsonArray())),
                new JsonObject().put("tokens", new JsonArray().add(token("a", "short", "user"))),
                new JsonObject().put("tokens", new JsonArray().add(token("a", "long-enough-token-1", "root"))),
                new JsonObject().put("tokens", new JsonArray().add(token("a", "long-enough-token-1", "user"))
                        .add(token("a", "long-enough-token-2", "user"))),
                new JsonObject().put("tokens", new JsonArray().add(token("a", "long-enough-token-1", "user"))
                        .add(token("b", "long-enough-token-1", "user"))),
                new JsonObject().put("tokens", new JsonArray().add(new JsonObject().put("name", "a").put("token_sha256", "abc"))),
                new JsonObject().put("tokens", new JsonArray().add(new JsonObject().put("name", "a"))),
                new JsonObject().put("policy", new JsonObject().put("workspace_roots", new JsonArray().add("relative/dir"))))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(bad, "config.toml"));
            assertTrue(e.getMessage().startsWith("config.toml"), e.getMessage());
        }
    }

    @Test
    void identitiesSeeOnlyTheirOwnSessionsUnlessAdmin() {
        Identity alice = new Identity("alice", Identity.Role.USER);
        assertTrue(alice.mayAccess("alice"));
        assertFalse(alice.mayAccess("bob"));
        assertFalse(alice.mayAccess(null));
        assertTrue(new Identity("root", Identity.Role.ADMIN).mayAccess(null));
    }

    @Test
    void hostAndOriginChecks() {
        HostCheck check = new HostCheck(Set.of("codex.example.com"), Set.of("https://tools.example.com"), "127.0.0.1");
        assertTrue(check.hostAllowed("127.0.0.1:8765"));
        assertTrue(check.hostAllowed("localhost"));
        assertTrue(check.hostAllowed("[::1]:8765"));
        assertTrue(check.hostAllowed("CODEX.example.com:443"));
        assertFalse(check.hostAllowed("evil.example:8765"));
        assertFalse(check.hostAllowed(null));
        assertTrue(check.originAllowed(null, "127.0.0.1:8765"));
        assertTrue(check.originAllowed("http://127.0.0.1:8765", "127.0.0.1:8765"));
        assertTrue(check.originAllowed("https://tools.example.com", "127.0.0.1:8765"));
        assertFalse(check.originAllowed("http://evil.example", "127.0.0.1:8765"));
        assertFalse(check.originAllowed("null", "127.0.0.1:8765"));
        assertTrue(HostCheck.isLoopback("127.0.0.1"));
        assertFalse(HostCheck.isLoopback("0.0.0.0"));
    }

    @Test
    void requestFieldsAreCheckedByName() {
        ApiException e = assertThrows(ApiException.class, () -> CreateSessionRequest.parse(new JsonObject()
                .put("cwd", "/w").put("sandbox_permission", new JsonArray())));
        assertTrue(e.getMessage().contains("sandbox_permission"), e.getMessage());
        assertEquals(400, assertThrows(ApiException.class, () -> CreateSessionRequest.parse(new JsonObject())).status());
        ApiException forbidden = assertThrows(ApiException.class, () -> ServerPolicy.UNRESTRICTED.checkRequest(
                CreateSessionRequest.parse(new JsonObject().put("cwd", "/w").put("config", new JsonArray().add("notify=[\"x\"]")))));
        assertEquals(403, forbidden.status());
        ServerPolicy.UNRESTRICTED.checkRequest(CreateSessionRequest.parse(new JsonObject().put("cwd", "/w")
                .put("config", new JsonArray().add("model=\"o3\"").add("history.persistence=\"none\""))));
    }
}
