package codex.patch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** The {@code apply_patch} / {@code codex apply-patch} command: apply patch text in a directory and report. */
public final class ApplyPatchCommand {

    private ApplyPatchCommand() {
    }

    /**
     * Applies {@code patchText} in {@code cwd} with no root restriction. On success prints Codex's summary
     * ("Success. Updated the following files:" then "A path" / "M path" / "D path") to {@code out} and returns 0; on
     * failure prints the error, and what was applied before it, to {@code err} and returns 1.
     */
    public static int run(String patchText, Path cwd, PrintStream out, PrintStream err) {
        return run(patchText, cwd, List.of(), out, err);
    }

    /** As {@link #run(String, Path, PrintStream, PrintStream)}, refusing paths outside {@code writableRoots}. */
    public static int run(String patchText, Path cwd, List<Path> writableRoots, PrintStream out, PrintStream err) {
        ApplyResult result = PatchApplier.apply(patchText, cwd, writableRoots);
        if (result.succeeded()) {
            out.print(result.summary());
            out.flush();
            return 0;
        }
        err.print(result.failureReport());
        err.flush();
        return 1;
    }
}
