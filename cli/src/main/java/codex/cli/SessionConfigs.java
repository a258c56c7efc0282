package codex.cli;

import codex.config.CodexConfig;
import codex.config.ProjectDocs;
import codex.protocol.SandboxPermission;
import codex.protocol.SessionConfig;
import java.nio.file.Path;

/** Turns the resolved config into the session contract the agent receives. */
public final class SessionConfigs {
    private SessionConfigs() {
    }

    /** The session for {@code cwd} under this config (its policy and permissions already hold the CLI's choices). */
    public static SessionConfig of(CodexConfig config, Path cwd) {
        String docs = ProjectDocs.load(config.codexHome(), cwd, config.projectDocMaxBytes());
        String instructions = join(config.instructions(), docs);
        return new SessionConfig(config.model(), config.provider(), config.approvalPolicy(),
                SandboxPermission.toStrings(config.sandboxPermissions()), cwd.toString(), config.disableResponseStorage(), null,
                instructions, config.notifyCommand(),
                config.reasoningEffort(), config.reasoningSummary(), config.codexHome().toString(),
                config.historyPersistence(), config.mcpServers());
    }

    private static String join(String a, String b) {
        boolean hasA = a != null && !a.isBlank();
        boolean hasB = b != null && !b.isBlank();
        if (hasA && hasB) {
            return a.strip() + "\n\n--- project-doc ---\n\n" + b.strip();
        }
        return hasA ? a.strip() : hasB ? b.strip() : null;
    }
}
