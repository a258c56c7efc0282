package codex.sandbox;

import static codex.sandbox.Sandboxes.EXECUTOR;
import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import codex.protocol.SandboxPermission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential: each script runs as a real login shell and through the snapshot, against the same
 * profile, and the two must print the same. The profile runs once per snapshot (counted in a file).
 */
class ShellSnapshotTest {
    /** Sandboxed like an agent's command: reads anywhere, writes in the working directory only. */
    private static final List<SandboxPermission> AGENT = perms("disk-full-read-access", "disk-write-cwd");
    private static final List<SandboxPermission> FREE = perms("disk-full-write-access", "network-full-access");

    private static final String BASH_PROFILE = """
            export PATH="$HOME/tools:$PATH"
            export GREETING='hello   "world"'
            export MULTILINE='line one
            line two'
            unset DROPPED_BY_PROFILE
            alias ll='echo listing'
            shopt -s expand_aliases
            shopt -s extglob
            set -o pipefail
            umask 027
            greet() { echo "greet:$1:$GREETING"; }
            count() { local n=0; for x in "$@"; do n=$((n+1)); done; echo "$n"; }
            echo ran >> profile-runs
            """;

    private static final List<String> SCRIPTS = List.of(
            "echo \"$GREETING\"",
            "printf '%s\\n' \"$MULTILINE\"",
            "greet there",
            "count a 'b c' d",
            "ll",
            "mytool",
            "echo ${DROPPED_BY_PROFILE-unset}",
            "false | true; echo pipefail=$?",
            "shopt -q extglob && echo extglob-on",
            "umask",
            "echo ${FAKE_API_KEY-no-secret}",
            "echo \"$PWD\" && pwd",
            "for i in 1 2 3; do greet $i; done | wc -l",
            "exit 7",
            "echo out; echo err >&2");

    private static Path home(Path dir, String profile) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".bash_profile"), profile);
        Path tools = Files.createDirectories(home.resolve("tools"));
        Path tool = tools.resolve("mytool");
        Files.writeString(tool, "#!/bin/sh\necho mytool-from-profile-path\n");
        tool.toFile().setExecutable(true);
        return home;
    }

    private static Map<String, String> env(Path home) {
        Map<String, String> parent = new HashMap<>(System.getenv());
        parent.put("HOME", home.toString());
        parent.put("DROPPED_BY_PROFILE", "still here");
        parent.put("FAKE_API_KEY", "sk-must-not-leak");
        return EnvPolicy.defaults().apply(parent);
    }

    private static ExecRequest login(String shell, Path cwd, Map<String, String> env, String script) {
        return new ExecRequest(List.of(shell, "-lc", script), cwd, env, 10_000, AGENT, 1 << 20, false);
    }

    private static final ShellSnapshots SNAPSHOTS_OFF = new ShellSnapshots(EXECUTOR::run, false);

    private static ShellSnapshots snapshots(AtomicInteger captures) {
        return new ShellSnapshots(r -> {
            if (r.argv().get(1).equals("-lc")) {
                captures.incrementAndGet();
            }
            return EXECUTOR.run(r);
        }, true);
    }

    @Test
    void bashScriptsPrintTheSameWithAndWithoutTheSnapshot(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Map<String, String> env = env(home);
        AtomicInteger captures = new AtomicInteger();
        ShellSnapshots snapshots = snapshots(captures);
        for (String script : SCRIPTS) {
            ExecRequest plain = login("bash", cwd, env, script);
            ExecRequest fast = snapshots.prepare(plain);
            assertEquals(List.of("bash", "-c"), fast.argv().subList(0, 2), "the snapshot runs a non-login shell");
            ExecResult expected = EXECUTOR.run(plain);
            ExecResult actual = EXECUTOR.run(fast);
            assertEquals(describe(expected), describe(actual), "script: " + script);
        }
        assertEquals(1, captures.get(), "one capture for the whole session");
        // every login run above, plus the one capture: the snapshot runs never sourced the profile
        assertEquals(SCRIPTS.size() + 1, Files.readAllLines(cwd.resolve("profile-runs")).size());
        ExecResult secret = EXECUTOR.run(snapshots.prepare(login("bash", cwd, env, "env")));
        assertFalse(secret.stdout().contains("sk-must-not-leak"), "a filtered secret stays filtered");
        assertTrue(secret.stdout().contains("GREETING="), secret.stdout());
    }

    @Test
    void aChangedProfileTakesAFreshSnapshot(@TempDir Path dir) throws Exception {
        Path home = home(dir, "export STAGE=first\n");
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Map<String, String> env = env(home);
        AtomicInteger captures = new AtomicInteger();
        ShellSnapshots snapshots = snapshots(captures);
        assertEquals("first\n", EXECUTOR.run(snapshots.prepare(login("bash", cwd, env, "echo $STAGE"))).stdout());
        Path profile = home.resolve(".bash_profile");
        Files.writeString(profile, "export STAGE=second\n");
        Files.setLastModifiedTime(profile, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertEquals("second\n", EXECUTOR.run(snapshots.prepare(login("bash", cwd, env, "echo $STAGE"))).stdout());
        assertEquals(2, captures.get());
    }

    @Test
    void aBrokenProfileFallsBackToThePlainLoginShell(@TempDir Path dir) throws Exception {
        for (String broken : List.of("echo oops >&2\nexport X=1\n", "exit 3\n", "echo welcome\n", "if then fi\n")) {
            Path home = home(dir.resolve(String.valueOf(broken.hashCode())), broken);
            Path cwd = Files.createDirectories(home.resolve("work"));
            ExecRequest plain = login("bash", cwd, env(home), "echo body");
            ExecRequest prepared = new ShellSnapshots(EXECUTOR::run, true).prepare(plain);
            assertSame(plain, prepared, "profile: " + broken);
        }
    }

    @Test
    void theSwitchTurnsItOffAndOtherCommandsAreUntouched(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        ExecRequest plain = login("bash", dir, env(home), "echo hi");
        assertSame(plain, SNAPSHOTS_OFF.prepare(plain));
        assertFalse(ShellSnapshots.enabledBy(Map.of(ShellSnapshots.SWITCH_VARIABLE, "0")));
        assertFalse(ShellSnapshots.enabledBy(Map.of(ShellSnapshots.SWITCH_VARIABLE, "off")));
        assertTrue(ShellSnapshots.enabledBy(Map.of()));
        ShellSnapshots on = new ShellSnapshots(EXECUTOR::run, true);
        ExecRequest notLogin = new ExecRequest(List.of("bash", "-c", "echo hi"), dir, env(home), 1000, FREE, 1000, false);
        assertSame(notLogin, on.prepare(notLogin));
    }

    @Test
    void zshScriptsPrintTheSameWithAndWithoutTheSnapshot(@TempDir Path dir) throws Exception {
        boolean haveZsh = Files.isExecutable(Path.of("/usr/bin/zsh")) || Files.isExecutable(Path.of("/bin/zsh"));
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(haveZsh, "zsh is missing: .ci/setup.d installs it");
        }
        assumeTrue(haveZsh, "zsh is not installed (apt-get install zsh)");
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".zprofile"), """
                export PATH="$HOME/tools:$PATH"
                export GREETING='hi from zprofile'
                alias ll='echo listing'
                setopt extendedglob
                unsetopt nomatch
                greet() { echo "greet:$1:$GREETING"; }
                echo ran >> profile-runs
                """);
        Path tools = Files.createDirectories(home.resolve("tools"));
        Files.writeString(tools.resolve("mytool"), "#!/bin/sh\necho mytool\n");
        tools.resolve("mytool").toFile().setExecutable(true);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Map<String, String> env = env(home);
        AtomicInteger captures = new AtomicInteger();
        ShellSnapshots snapshots = snapshots(captures);
        for (String script : List.of("echo $GREETING", "greet x", "ll", "mytool", "echo no*such*file",
                "[[ -o extendedglob ]] && echo eg", "echo ${FAKE_API_KEY-no-secret}", "exit 4")) {
            ExecRequest plain = login("zsh", cwd, env, script);
            ExecRequest fast = snapshots.prepare(plain);
            assertEquals(List.of("zsh", "-c"), fast.argv().subList(0, 2));
            assertEquals(describe(EXECUTOR.run(plain)), describe(EXECUTOR.run(fast)), "script: " + script);
        }
        assertEquals(1, captures.get());
    }
}
