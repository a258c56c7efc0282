package codex.patch;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplyPatchInvocationTest {
    private static final String PATCH = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n";

    private static Optional<ApplyPatchInvocation> bash(String script) {
        return ApplyPatchInvocation.detect(List.of("bash", "-lc", script));
    }

    @Test
    void directInvocations() {
        assertEquals(Optional.of(new ApplyPatchInvocation(PATCH, null)),
                ApplyPatchInvocation.detect(List.of("apply_patch", PATCH)));
        assertEquals(Optional.of(new ApplyPatchInvocation(PATCH, null)),
                ApplyPatchInvocation.detect(List.of("applypatch", PATCH)));
    }

    @Test
    void heredocInvocationsGiveTheBodyVerbatim() throws Exception {
        for (String opener : List.of("<<'EOF'", "<<EOF", "<<\"EOF\"", "<< 'PATCH_END'", "<<PATCH_END")) {
            String delimiter = opener.replaceAll("[<'\" ]", "");
            String script = "apply_patch " + opener + "\n" + PATCH + delimiter + "\n";
            assertEquals(Optional.of(new ApplyPatchInvocation(PATCH, null)), bash(script), script);
        }
        assertEquals(PATCH, ApplyPatchInvocation.detect(List.of("/bin/bash", "-c",
                "applypatch <<'EOF'\n" + PATCH + "EOF")).orElseThrow().patchText(), "no final newline, -c, path");
        assertEquals(PATCH, ApplyPatchInvocation.detect(List.of("zsh", "-lc",
                "apply_patch <<-EOF\n\t*** Begin Patch\n\t*** Add File: a.txt\n\t+hi\n\t*** End Patch\n\tEOF\n"))
                .orElseThrow().patchText(), "<<- strips leading tabs");
        // $vars stay literal: the model means the text it wrote.
        String withDollar = "*** Begin Patch\n*** Add File: a.sh\n+echo $HOME\n*** End Patch\n";
        assertEquals(withDollar, bash("apply_patch <<EOF\n" + withDollar + "EOF\n").orElseThrow().patchText());
        assertEquals(1, Patch.parse(bash("apply_patch <<'EOF'\n" + PATCH + "EOF\n").orElseThrow().patchText())
                .operations().size());
    }

    @Test
    void cdPrefixGivesTheWorkdir() {
        assertEquals(Optional.of(new ApplyPatchInvocation(PATCH, "sub/dir")),
                bash("cd sub/dir && apply_patch <<'EOF'\n" + PATCH + "EOF\n"));
        assertEquals(Optional.of(new ApplyPatchInvocation(PATCH, "/abs path/x")),
                bash("  cd '/abs path/x'&&apply_patch<<'EOF'\n" + PATCH + "EOF\n  \n"));
        assertEquals(Path.of("/repo/sub"), new ApplyPatchInvocation(PATCH, "sub").resolveWorkdir(Path.of("/repo")));
        assertEquals(Path.of("/abs"), new ApplyPatchInvocation(PATCH, "/abs").resolveWorkdir(Path.of("/repo")));
    }

    @Test
    void lookAlikesAreNotDetected() {
        List<List<String>> notApplyPatch = List.of(
                List.of("echo", "apply_patch"),
                List.of("apply_patch"),
                List.of("apply_patch", PATCH, "extra"),
                List.of("apply-patch", PATCH),
                List.of("python", "-c", "apply_patch <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-x", "apply_patch <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "echo apply_patch <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "apply_patch_evil <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "apply_patch <<'EOF'\n" + PATCH + "EOF\nrm -rf ~\n"),
                List.of("bash", "-lc", "apply_patch <<'EOF' && rm -rf ~\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "apply_patch <<'EOF' > out.txt\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "apply_patch <<'EOF'\n" + PATCH),
                List.of("bash", "-lc", "apply_patch <<'EOF'\n" + PATCH + "EOF \n"),
                List.of("bash", "-lc", "apply_patch \"" + PATCH + "\""),
                List.of("bash", "-lc", "cd $HOME && apply_patch <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "cd ~/x && apply_patch <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "cd \"$(pwd)\" && apply_patch <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "cd a; apply_patch <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "cd a || apply_patch <<'EOF'\n" + PATCH + "EOF\n"),
                List.of("bash", "-lc", "cat <<'EOF'\n" + PATCH + "EOF\n"));
        for (List<String> argv : notApplyPatch) {
            assertTrue(ApplyPatchInvocation.detect(argv).isEmpty(), "wrongly detected: " + argv);
        }
        assertTrue(ApplyPatchInvocation.detect(null).isEmpty());
    }
}
