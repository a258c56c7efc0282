package codex.gateway.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import codex.protocol.ApprovalPolicy;
import codex.protocol.SessionConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A permission that only narrows the sandbox is never refused by the server's ceiling; a grant still is. */
class ServerPolicyLimitTest {
    private static SessionConfig session(List<String> permissions) {
        return new SessionConfig("m", null, ApprovalPolicy.NEVER, permissions, "/tmp", false, null, null,
                List.of(), null, null, null, null);
    }

    @Test
    void readOnlyMetadataFoldersPassesAnyCeiling() {
        ServerPolicy policy = new ServerPolicy(null, Set.of("disk-full-read-access", "disk-write-cwd"), null, null, null);
        assertDoesNotThrow(() -> policy.checkSession(session(List.of("disk-full-read-access", "disk-write-cwd",
                "disk-read-only-metadata-folders"))));
        assertThrows(ApiException.class, () -> policy.checkSession(session(List.of("disk-full-read-access",
                "network-full-access"))));
    }
}
