package codex.cli;

import sun.misc.Signal;

/** Routes SIGINT to our own handler (interrupt the turn) instead of killing the JVM. */
final class CtrlC {
    private CtrlC() {
    }

    static void install(Runnable onInterrupt) {
        try {
            Signal.handle(new Signal("INT"), sig -> onInterrupt.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT on this platform or it is reserved: Ctrl-C then just ends the JVM
        }
    }
}
