package codex.sandbox;

import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.SandboxPermission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing the seed's strings and resolving them into concrete roots. */
class SandboxPolicyTest {
    @TempDir
    Path tmp;

    @Test
    void unknownPermissionNamesEveryValidOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SandboxPermission.parseAll(List.of("disk-write-everything")));
        assertTrue(e.getMessage().contains("unknown sandbox permission 'disk-write-everything'"), e.getMessage());
        for (String valid : List.of("disk-full-read-access", "disk-write-cwd", "disk-write-platform-user-temp-folder",
                "disk-write-platform-global-temp-folder", "disk-write-folder=PATH", "disk-full-write-access",
                "network-full-access")) {
            assertTrue(e.getMessage().contains(valid), "message names " + valid + ": " + e.getMessage());
        }
    }

    @Test
    void malformedPermissionsSayWhatIsWrong() {
        IllegalArgumentException noPath = assertThrows(IllegalArgumentException.class,
                () -> SandboxPermission.parseAll(List.of("disk-write-folder")));
        assertTrue(noPath.getMessage().contains("disk-write-folder=PATH"), noPath.getMessage());
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
                () -> SandboxPermission.parseAll(List.of("network-full-access=yes")));
        assertTrue(value.getMessage().contains("takes no value"), value.getMessage());
    }

    @Test
    void everySeedSpellingParses() {
        List<SandboxPermission> all = SandboxPermission.parseAll(List.of("disk-full-read-access", "disk-write-cwd",
                "disk-write-platform-user-temp-folder", "disk-write-platform-global-temp-folder",
                "disk-write-folder=/a", "disk-write-folder=/b", "disk-full-write-access", "network-full-access"));
        assertEquals(8, all.size());
    }

    @Test
    void rootsAreCanonicalAndMissingOnesAreSkipped() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Files.createSymbolicLink(tmp.resolve("link"), real);
        SandboxPolicy p = SandboxPolicy.resolve(perms("disk-write-folder=link", "disk-write-folder=missing",
                "disk-write-cwd"), tmp, Map.of());
        assertEquals(List.of(real.toRealPath(), tmp.toRealPath()), p.writableRoots());
    }

    @Test
    void userTempComesFromTheChildEnvironment() throws Exception {
        Path t = Files.createDirectories(tmp.resolve("t"));
        SandboxPolicy p = SandboxPolicy.resolve(perms("disk-write-platform-user-temp-folder"), tmp,
                Map.of("TMPDIR", t.toString()));
        assertEquals(List.of(t.toRealPath()), p.writableRoots());
    }

    @Test
    void unrestrictedOnlyWithFullWriteAndNetwork() {
        assertTrue(SandboxPolicy.resolve(perms("disk-full-write-access", "network-full-access"), tmp, Map.of())
                .unrestricted());
        assertFalse(SandboxPolicy.resolve(perms("disk-full-write-access"), tmp, Map.of()).unrestricted());
        assertFalse(SandboxPolicy.resolve(perms("network-full-access", "disk-full-read-access"), tmp, Map.of())
                .unrestricted());
    }

    @Test
    void readOnlyRootsNeverExposeProcessEntries() {
        SandboxPolicy p = SandboxPolicy.resolve(perms("disk-write-cwd"), tmp, Map.of());
        List<Path> roots = p.readOnlyRoots(Path.of("/usr/bin/bash"));
        assertTrue(roots.contains(Path.of("/usr")));
        assertTrue(roots.contains(Path.of("/proc/cpuinfo")));
        assertFalse(roots.contains(Path.of("/proc")));
        for (Path r : roots) {
            assertFalse(r.startsWith("/proc/self") || r.toString().matches("/proc/\\d+.*"), r.toString());
        }
        assertEquals(List.of(Path.of("/")),
                SandboxPolicy.resolve(perms("disk-full-read-access"), tmp, Map.of()).readOnlyRoots(null));
    }
}
