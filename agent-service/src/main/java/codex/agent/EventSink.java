package codex.agent;

import codex.protocol.Event;

/** Where a session's events go (the gateway, a session log, a test). */
@FunctionalInterface
public interface EventSink {
    void emit(Event event);
}
