package codex.cli;

import codex.patch.ApplyPatchCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "apply-patch", mixinStandardHelpOptions = true,
        description = {"Apply an apply_patch patch in the current directory and print what changed.",
                "The patch is in the format Codex models write (*** Begin Patch … *** End Patch).",
                "Exit code 1 when the patch does not apply; files changed before the failure stay changed."})
public final class ApplyPatchCliCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PATCH", description = "The patch text as one argument, or '-' to read it from stdin.")
    String patch;

    @Override
    public Integer call() {
        String text = patch;
        if ("-".equals(patch)) {
            try {
                text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("error: could not read the patch from stdin: " + e.getMessage());
                return 2;
            }
        }
        return ApplyPatchCommand.run(text, Path.of("").toAbsolutePath(), System.out, System.err);
    }
}
