package codex.agent.model;

/** Turns one wire API's SSE events into model events and, at the end, a {@link ModelResponse}. */
public interface StreamDecoder {
    /** Handles one SSE event; throws {@link ModelException} for a failure the server reported. */
    void accept(SseParser.SseEvent event);

    /** True once the server said the response is complete. */
    boolean completed();

    /** The server closed the stream (called after the last event); a decoder may decide the response is complete. */
    default void endOfStream() {
    }

    ModelResponse response();
}
