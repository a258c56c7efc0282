package codex.sandbox;

import java.util.List;
import java.util.Locale;

/**
 * Guesses whether a failed command was stopped by the sandbox, so the on-failure approval policy
 * can offer to rerun it without restrictions. Only a restricted command that exited non-zero (not
 * timed out, not cancelled) with a denial message in its output qualifies.
 */
public final class SandboxDenial {
    private SandboxDenial() {
    }

    /** Lower-case fragments that EPERM, EACCES and EROFS print as. */
    public static final List<String> DENIAL_MESSAGES =
            List.of("operation not permitted", "permission denied", "read-only file system");

    public static boolean looksLikeDenial(boolean restricted, int exitCode, boolean timedOut, boolean cancelled,
                                          String stdout, String stderr) {
        if (!restricted || exitCode == 0 || timedOut || cancelled) {
            return false;
        }
        return mentionsDenial(stderr) || mentionsDenial(stdout);
    }

    private static boolean mentionsDenial(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String m : DENIAL_MESSAGES) {
            if (lower.contains(m)) {
                return true;
            }
        }
        return false;
    }
}
