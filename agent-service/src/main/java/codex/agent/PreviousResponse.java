package codex.agent;

import codex.agent.model.ModelException;
import java.util.Locale;

/** Recognises the server saying a previous_response_id it was sent no longer exists. */
final class PreviousResponse {
    private PreviousResponse() {
    }

    static boolean isGone(Throwable err) {
        if (!(err instanceof ModelException me)) {
            return false;
        }
        String m = me.getMessage() == null ? "" : me.getMessage().toLowerCase(Locale.ROOT);
        boolean aboutPrevious = m.contains("previous_response") || m.contains("previous response");
        boolean gone = m.contains("not found") || m.contains("not_found") || m.contains("expired") || m.contains("no longer");
        return aboutPrevious && (gone || me.status() == 404);
    }
}
