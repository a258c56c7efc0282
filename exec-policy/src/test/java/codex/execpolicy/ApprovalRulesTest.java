package codex.execpolicy;

import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static codex.execpolicy.CommandDecision.ASK_USER;
import static codex.execpolicy.CommandDecision.RUN_SANDBOXED;
import static codex.execpolicy.CommandDecision.RUN_UNSANDBOXED;
import static codex.execpolicy.FailureDecision.ASK_RETRY_WITHOUT_SANDBOX;
import static codex.execpolicy.FailureDecision.REPORT_TO_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApprovalRulesTest {

    static final List<String> SAFE_COMMAND = List.of("bash", "-lc", "git status && git log -n 3");
    static final List<String> UNSAFE_COMMAND = List.of("bash", "-lc", "ls && rm -rf build");
    static final Path ROOT = Path.of("/work/project");
    static final Path OTHER = Path.of("/home/me/elsewhere");
    static final List<Path> INSIDE = List.of(ROOT.resolve("src/A.java"), ROOT.resolve("README.md"));
    static final List<Path> OUTSIDE = List.of(ROOT.resolve("src/A.java"), OTHER.resolve("notes.txt"));

    /** One row per policy: the decision for each situation, read straight off the rules. */
    record Row(ApprovalPolicy policy,
               CommandDecision safeCommand, CommandDecision unsafeCommand, CommandDecision unsafeApprovedForSession,
               PatchDecision patchInside, PatchDecision patchOutside, PatchDecision patchOutsideApprovedForSession,
               FailureDecision sandboxDenial, FailureDecision ordinaryFailure) {
    }

    static Stream<Row> matrix() {
        return Stream.of(
                new Row(ApprovalPolicy.UNLESS_ALLOW_LISTED, RUN_SANDBOXED, ASK_USER, RUN_UNSANDBOXED,
                        PatchDecision.ASK_USER, PatchDecision.ASK_USER, PatchDecision.APPLY, REPORT_TO_MODEL, REPORT_TO_MODEL),
                new Row(ApprovalPolicy.AUTO_EDIT, RUN_SANDBOXED, ASK_USER, RUN_UNSANDBOXED,
                        PatchDecision.APPLY, PatchDecision.ASK_USER, PatchDecision.APPLY, REPORT_TO_MODEL, REPORT_TO_MODEL),
                new Row(ApprovalPolicy.ON_FAILURE, RUN_SANDBOXED, RUN_SANDBOXED, RUN_UNSANDBOXED,
                        PatchDecision.APPLY, PatchDecision.ASK_USER, PatchDecision.APPLY, ASK_RETRY_WITHOUT_SANDBOX, REPORT_TO_MODEL),
                new Row(ApprovalPolicy.NEVER, RUN_SANDBOXED, RUN_SANDBOXED, RUN_UNSANDBOXED,
                        PatchDecision.APPLY, PatchDecision.REJECT, PatchDecision.REJECT, REPORT_TO_MODEL, REPORT_TO_MODEL));
    }

    @ParameterizedTest
    @MethodSource("matrix")
    void commands(Row row) {
        assertEquals(row.safeCommand(), ApprovalRules.forCommand(row.policy(), SAFE_COMMAND, false), "safe command");
        assertEquals(row.unsafeCommand(), ApprovalRules.forCommand(row.policy(), UNSAFE_COMMAND, false), "unsafe command");
        assertEquals(row.unsafeApprovedForSession(), ApprovalRules.forCommand(row.policy(), UNSAFE_COMMAND, true),
                "unsafe command approved for the session");
    }

    @ParameterizedTest
    @MethodSource("matrix")
    void patches(Row row) {
        List<Path> writable = List.of(ROOT);
        assertEquals(row.patchInside(), ApprovalRules.forPatch(row.policy(), INSIDE, writable, List.of()), "patch inside");
        assertEquals(row.patchOutside(), ApprovalRules.forPatch(row.policy(), OUTSIDE, writable, List.of()), "patch outside");
        assertEquals(row.patchOutsideApprovedForSession(),
                ApprovalRules.forPatch(row.policy(), OUTSIDE, writable, List.of(OTHER, ROOT)),
                "patch outside the writable roots but under roots approved for the session");
    }

    @ParameterizedTest
    @MethodSource("matrix")
    void sandboxFailures(Row row) {
        assertEquals(row.sandboxDenial(), ApprovalRules.afterSandboxFailure(row.policy(), true), "sandbox denial");
        assertEquals(row.ordinaryFailure(), ApprovalRules.afterSandboxFailure(row.policy(), false), "ordinary failure");
    }

    @Test
    void unlessAllowListedAsksForPatchesOnlyPartlyUnderApprovedRoots() {
        assertEquals(PatchDecision.ASK_USER,
                ApprovalRules.forPatch(ApprovalPolicy.UNLESS_ALLOW_LISTED, OUTSIDE, List.of(ROOT), List.of(OTHER)));
    }

    @Test
    void aSiblingDirectorySharingAPrefixIsOutside() {
        List<Path> touched = List.of(Path.of("/work/projectile/x.txt"));
        assertEquals(PatchDecision.REJECT, ApprovalRules.forPatch(ApprovalPolicy.NEVER, touched, List.of(ROOT), List.of()));
        assertEquals(PatchDecision.ASK_USER, ApprovalRules.forPatch(ApprovalPolicy.AUTO_EDIT, touched, List.of(ROOT), List.of()));
    }

    @Test
    void dotDotCannotEscapeARoot() {
        List<Path> escaping = List.of(Path.of("/work/project/src/../../../etc/passwd"));
        assertEquals(PatchDecision.REJECT, ApprovalRules.forPatch(ApprovalPolicy.NEVER, escaping, List.of(ROOT), List.of()));
        List<Path> staying = List.of(Path.of("/work/project/src/../docs/x.md"));
        assertEquals(PatchDecision.APPLY, ApprovalRules.forPatch(ApprovalPolicy.NEVER, staying, List.of(ROOT), List.of()));
        // a root written with .. is normalised too
        assertEquals(PatchDecision.APPLY, ApprovalRules.forPatch(ApprovalPolicy.NEVER, INSIDE,
                List.of(Path.of("/work/other/../project")), List.of()));
    }

    @Test
    void fullWriteAccessMakesEveryPatchApplyUnderAutoEditButNotUnderUnlessAllowListed() {
        WritableRoots all = WritableRoots.allPaths();
        assertEquals(PatchDecision.APPLY, ApprovalRules.forPatch(ApprovalPolicy.AUTO_EDIT, OUTSIDE, all, List.of()));
        assertEquals(PatchDecision.APPLY, ApprovalRules.forPatch(ApprovalPolicy.NEVER, OUTSIDE, all, List.of()));
        assertEquals(PatchDecision.ASK_USER, ApprovalRules.forPatch(ApprovalPolicy.UNLESS_ALLOW_LISTED, OUTSIDE, all, List.of()));
    }

    @Test
    void badInputsAreRefusedWithAnExplanation() {
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class, () ->
                ApprovalRules.forPatch(ApprovalPolicy.AUTO_EDIT, List.of(Path.of("src/A.java")), List.of(ROOT), List.of()));
        assertTrue(relative.getMessage().contains("src/A.java") && relative.getMessage().contains("absolute"),
                relative.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () ->
                ApprovalRules.forPatch(ApprovalPolicy.AUTO_EDIT, List.of(), List.of(ROOT), List.of()));
        assertTrue(empty.getMessage().contains("at least one path"), empty.getMessage());
        IllegalArgumentException noPolicy = assertThrows(IllegalArgumentException.class, () ->
                ApprovalRules.forCommand(null, SAFE_COMMAND, false));
        assertTrue(noPolicy.getMessage().contains("unless-allow-listed"), noPolicy.getMessage());
    }

    @Test
    void sessionRootsAreTheDirectoriesOfTheTouchedFiles() {
        List<Path> roots = ApprovalRules.sessionRootsForPatch(List.of(
                Path.of("/work/project/src/A.java"), Path.of("/work/project/src/B.java"), Path.of("/work/project/x/../README.md")));
        assertEquals(List.of(Path.of("/work/project/src"), Path.of("/work/project")), roots);
        // Once approved, a later patch beside those files is not asked about again.
        assertEquals(PatchDecision.APPLY, ApprovalRules.forPatch(ApprovalPolicy.UNLESS_ALLOW_LISTED,
                List.of(Path.of("/work/project/src/C.java")), List.of(), roots));
    }

    // ---- writable roots from sandbox permissions ----

    static final Path CWD = Path.of("/work/project");

    private static WritableRoots rootsFor(Map<String, String> env, String... permissions) {
        return ApprovalRules.writableRoots(SandboxPermission.parseAll(List.of(permissions)), CWD, env);
    }

    @Test
    void eachWritePermissionGrantsItsRoot() {
        WritableRoots roots = rootsFor(Map.of("TMPDIR", "/var/folders/t/"),
                "disk-full-read-access", "disk-write-cwd", "disk-write-platform-user-temp-folder",
                "disk-write-platform-global-temp-folder", "disk-write-folder=/opt/cache", "disk-write-folder=build/out",
                "network-full-access");
        assertFalse(roots.everything());
        assertEquals(List.of(CWD, Path.of("/var/folders/t"), Path.of("/tmp"), Path.of("/opt/cache"),
                Path.of("/work/project/build/out")), roots.roots());
    }

    @Test
    void readAndNetworkPermissionsGrantNoWrites() {
        WritableRoots roots = rootsFor(Map.of(), "disk-full-read-access", "network-full-access");
        assertFalse(roots.everything());
        assertEquals(List.of(), roots.roots());
        assertFalse(roots.isWritable(CWD.resolve("x")));
    }

    @Test
    void userTempNeedsAnAbsoluteTmpdir() {
        assertEquals(List.of(), rootsFor(Map.of(), "disk-write-platform-user-temp-folder").roots());
        assertEquals(List.of(), rootsFor(Map.of("TMPDIR", "relative/tmp"), "disk-write-platform-user-temp-folder").roots());
    }

    @Test
    void fullWriteAccessMeansEverything() {
        WritableRoots roots = rootsFor(Map.of(), "disk-full-write-access", "disk-write-cwd");
        assertTrue(roots.everything());
        assertTrue(roots.isWritable(Path.of("/etc/hosts")));
    }

    @Test
    void duplicateRootsAppearOnce() {
        WritableRoots roots = rootsFor(Map.of(), "disk-write-cwd", "disk-write-folder=/work/project/.", "disk-write-folder=.");
        assertEquals(List.of(CWD), roots.roots());
    }

    @Test
    void cwdMustBeAbsolute() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                ApprovalRules.writableRoots(List.of(SandboxPermission.of(SandboxPermission.Kind.DISK_WRITE_CWD)),
                        Path.of("project"), Map.of()));
        assertTrue(e.getMessage().contains("cwd"), e.getMessage());
    }

    @Test
    void patchesToGitMetadataAlwaysNeedAHumanUnlessEverythingIsWritable() {
        List<Path> hook = List.of(ROOT.resolve(".git/hooks/pre-commit"));
        assertEquals(PatchDecision.ASK_USER, ApprovalRules.forPatch(ApprovalPolicy.AUTO_EDIT, hook, List.of(ROOT), List.of()));
        assertEquals(PatchDecision.ASK_USER, ApprovalRules.forPatch(ApprovalPolicy.ON_FAILURE, hook, List.of(ROOT), List.of()));
        assertEquals(PatchDecision.REJECT, ApprovalRules.forPatch(ApprovalPolicy.NEVER, hook, List.of(ROOT), List.of()));
        assertEquals(PatchDecision.APPLY, ApprovalRules.forPatch(ApprovalPolicy.NEVER, hook, WritableRoots.allPaths(), List.of()));
        // a file merely named like it is not metadata
        assertEquals(PatchDecision.APPLY, ApprovalRules.forPatch(ApprovalPolicy.AUTO_EDIT,
                List.of(ROOT.resolve("docs/.gitignore"), ROOT.resolve("x.git")), List.of(ROOT), List.of()));
    }
}
