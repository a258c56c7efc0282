package codex.agent.model;

import io.vertx.core.Future;
import java.util.function.Consumer;

/** Streams one model response. Implementations retry on their own; the agent sees one answer or one failure. */
public interface ModelClient {
    /**
     * @param events receives deltas (and items) as they stream, on the caller's context
     * @param notices receives user-facing notices such as "retrying in 2 s"
     */
    Future<ModelResponse> stream(ModelRequest request, Consumer<ModelEvent> events, Consumer<String> notices);

    /** Aborts the call in flight, if any (interrupt). */
    void cancel();
}
