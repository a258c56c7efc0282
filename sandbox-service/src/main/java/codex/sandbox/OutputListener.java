package codex.sandbox;

/** Receives output while a command runs; called from an executor thread, never an event loop. */
@FunctionalInterface
public interface OutputListener {
    enum Stream { STDOUT, STDERR }

    void onOutput(Stream stream, byte[] chunk);

    OutputListener NONE = (s, c) -> { };
}
