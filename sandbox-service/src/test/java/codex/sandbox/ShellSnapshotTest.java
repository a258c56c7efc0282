package codex.sandbox;

import static codex.sandbox.Sandboxes.EXECUTOR;
import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import codex.protocol.SandboxPermission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential: each script runs as a real login shell ({@code bash -lc SCRIPT}) and through the snapshot,
 * against the same profile, sandboxed alike, and the two must give the same stdout, stderr and exit code.
 * The profile runs once per snapshot (counted in a file).
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
            export FROM_SECRET="x${FAKE_API_KEY}x"
            unset DROPPED_BY_PROFILE
            alias ll='echo listing'
            alias say='printf "<%s>\\n"'
            shopt -s expand_aliases
            shopt -s extglob
            set -o pipefail
            set -o noclobber
            umask 027
            greet() { echo "greet:$1:$GREETING"; }
            count() { local n=0; for x in "$@"; do n=$((n+1)); done; echo "$n"; }
            fails() { return 5; }
            . "$HOME/.bashrc"
            echo ran >> profile-runs
            """;

    /** Sourced by the profile, as most .bash_profile files do. */
    private static final String BASHRC = """
            from_rc() { echo "rc-function $*"; }
            export RC_VALUE="from bashrc"
            """;

    private static final List<String> BASH_SCRIPTS = List.of(
            "echo \"$GREETING\"",
            "printf '%s\\n' \"$MULTILINE\"",
            "greet there",
            "count a 'b c' d",
            "from_rc one two; echo \"$RC_VALUE\"",
            "ll",
            "say 'a b' c",
            "ll\nsay second-line",
            "mytool",
            "echo ${DROPPED_BY_PROFILE-unset}",
            "false | true; echo pipefail=$?",
            "shopt -q extglob && echo extglob-on; shopt -p expand_aliases login_shell",
            "set -o | grep -E '^(pipefail|noclobber|errexit|nounset)'; echo \"flags=$-\"",
            "rm -f clobbered; echo a > clobbered; echo b > clobbered; echo rc=$?",
            "umask",
            "echo ${FAKE_API_KEY-no-secret} \"$FROM_SECRET\"",
            "echo \"$PWD\" && pwd",
            "cd .. && pwd && echo \"$PWD\"; cd - > /dev/null; pwd",
            "for i in 1 2 3; do greet $i; done | wc -l",
            "exit 7",
            "fails; echo \"fails gave $?\"; exit 3",
            "echo out; echo err >&2",
            "set -e; echo before; false; echo not-reached",
            "set -e\nfails\necho not-reached",
            "set -u; echo \"${NOT_SET_ANYWHERE}\"; echo not-reached",
            "read -r line; echo \"read rc=$? line=[$line]\"; cat",
            "echo \"0=$0 #=$# lineno=$LINENO\"; echo \"$BASH_EXECUTION_STRING\"",
            "echo one\necho \"two  spaces\" 'single \"quoted\"' \"it's\"\nprintf '[%s]\\n' $'tab\\there' \"new\nline\"\necho \"lineno=$LINENO\"",
            "no-such-command-xyz; echo \"rc=$?\"",
            "if then fi",
            "echo ok\n(",
            "rm -f helper.sh; printf 'helper() { echo \"helper sees $GREETING\"; }\\n' > helper.sh; . ./helper.sh; helper",
            "echo \"[${BASH_ENV-no BASH_ENV}] [${ZDOTDIR-no ZDOTDIR}] shlvl=$SHLVL\"",
            "declare -F | sort; alias | sort",
            "type greet | head -2",
            "env | sort",
            "bash -c 'echo child sees \"$GREETING\" ${BASH_ENV-no-BASH_ENV}'; ll 2>&1 | head -1");

    private static Path home(Path dir, String profile) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".bash_profile"), profile);
        Files.writeString(home.resolve(".bashrc"), BASHRC);
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
        parent.remove("BASH_ENV");
        parent.remove("ZDOTDIR");
        return EnvPolicy.defaults().apply(parent);
    }

    private static ExecRequest login(String shell, Path cwd, Map<String, String> env, String script) {
        return login(shell, cwd, env, script, AGENT);
    }

    private static ExecRequest login(String shell, Path cwd, Map<String, String> env, String script,
                                     List<SandboxPermission> perms) {
        return new ExecRequest(List.of(shell, "-lc", script), cwd, env, 10_000, perms, 1 << 20, false);
    }

    /** Snapshots kept under {@code dir/snapshots}, outside the commands' writable roots. */
    private static ShellSnapshots snapshots(Path dir, AtomicInteger captures) {
        return new ShellSnapshots(r -> {
            if (r.argv().get(1).equals("-lc")) {
                captures.incrementAndGet();
                assertEquals(AGENT, r.permissions(), "the capture is sandboxed as the command is");
            }
            return EXECUTOR.run(r);
        }, new ShellSnapshots.Settings(true, dir.resolve("snapshots")));
    }

    private static Snapshots differential(String shell, Path dir, Path cwd, Map<String, String> env, List<String> scripts) {
        AtomicInteger captures = new AtomicInteger();
        ShellSnapshots snapshots = snapshots(dir, captures);
        for (String script : scripts) {
            ExecRequest plain = login(shell, cwd, env, script);
            ExecRequest fast = snapshots.prepare(plain);
            assertEquals(shell.equals("bash") ? List.of(shell, "--noprofile", "-lc", script) : List.of(shell, "-c", script),
                    fast.argv(), "a shell that reads no profile, the script untouched");
            ExecResult expected = EXECUTOR.run(plain);
            ExecResult actual = EXECUTOR.run(fast);
            assertEquals(describe(expected), describe(actual), "script: " + script);
        }
        assertEquals(1, captures.get(), "one capture for the whole session");
        return new Snapshots(snapshots, captures);
    }

    private record Snapshots(ShellSnapshots snapshots, AtomicInteger captures) { }

    @Test
    void bashScriptsGiveTheSameOutputAndExitCodesWithAndWithoutTheSnapshot(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Map<String, String> env = env(home);
        Snapshots s = differential("bash", dir, cwd, env, BASH_SCRIPTS);
        // every login run above, plus the one capture: the snapshot runs never sourced the profile
        assertEquals(BASH_SCRIPTS.size() + 1, Files.readAllLines(cwd.resolve("profile-runs")).size());
        ExecResult secret = EXECUTOR.run(s.snapshots().prepare(login("bash", cwd, env, "env; cat \"$BASH_ENV\"")));
        assertFalse(secret.stdout().contains("sk-must-not-leak"), "a filtered secret stays filtered");
        assertTrue(secret.stdout().contains("GREETING="), secret.stdout());
        for (Path f : files(s.snapshots().directory())) {
            assertFalse(Files.readString(f).contains("sk-must-not-leak"), f.toString());
        }
        s.snapshots().close();
    }

    @Test
    void zshScriptsGiveTheSameOutputAndExitCodesWithAndWithoutTheSnapshot(@TempDir Path dir) throws Exception {
        boolean haveZsh = Files.isExecutable(Path.of("/usr/bin/zsh")) || Files.isExecutable(Path.of("/bin/zsh"));
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(haveZsh, "zsh is missing: .ci/setup.d/40-zsh.sh installs it");
        }
        assumeTrue(haveZsh, "zsh is not installed (apt-get install zsh)");
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".zshenv"), "export FROM_ZSHENV=1\n");
        Files.writeString(home.resolve(".zprofile"), """
                export PATH="$HOME/tools:$PATH"
                export GREETING='hi   "from" zprofile'
                export FROM_SECRET="x${FAKE_API_KEY}x"
                alias ll='echo listing'
                alias -g GG='| wc -l'
                setopt extendedglob
                unsetopt nomatch
                setopt pipefail
                umask 027
                greet() { echo "greet:$1:$GREETING"; }
                source "$HOME/.zshrc-extra"
                echo ran >> profile-runs
                print -r -- "zprofile's warning" >&2
                """);
        Files.writeString(home.resolve(".zshrc-extra"), "extra() { print -r -- \"extra $*\"; }\n");
        Path tools = Files.createDirectories(home.resolve("tools"));
        Files.writeString(tools.resolve("mytool"), "#!/bin/sh\necho mytool\n");
        tools.resolve("mytool").toFile().setExecutable(true);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Map<String, String> env = env(home);
        // the profile ran once per login run and once for the capture (not again behind the snapshot)
        List<String> scripts = List.of(
                "echo $GREETING", "greet x", "extra a 'b c'", "ll", "ll\nll", "print a b GG", "mytool",
                "echo no*such*file", "[[ -o extendedglob ]] && echo eg",
                "false | true; echo pipefail=$?", "umask", "echo ${FAKE_API_KEY-no-secret} $FROM_SECRET $FROM_ZSHENV",
                "exit 4", "set -e; false; echo not-reached", "read -r line; echo \"read rc=$? [$line]\"",
                "echo \"0=$0 lineno=$LINENO\"; echo \"$ZSH_EXECUTION_STRING\"",
                "echo one\nno-such-command-xyz\necho \"rc=$? two  spaces\" 'it''s'",
                "cd .. && pwd; cd - >/dev/null; pwd", "echo ${ZDOTDIR-no-zdotdir} shlvl=$SHLVL",
                "echo out; echo err >&2", "env | sort");
        Snapshots s = differential("zsh", dir, cwd, env, scripts);
        assertEquals(scripts.size() + 1, Files.readAllLines(cwd.resolve("profile-runs")).size());
        ExecResult secret = EXECUTOR.run(s.snapshots().prepare(login("zsh", cwd, env, "env")));
        assertFalse(secret.stdout().contains("sk-must-not-leak"), secret.stdout());
        s.snapshots().close();
    }

    @Test
    void aChangedProfileTakesAFreshSnapshot(@TempDir Path dir) throws Exception {
        Path home = home(dir, "export STAGE=first\n. ~/.bashrc\n");
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Map<String, String> env = env(home);
        AtomicInteger captures = new AtomicInteger();
        ShellSnapshots snapshots = snapshots(dir, captures);
        assertEquals("first\n", EXECUTOR.run(snapshots.prepare(login("bash", cwd, env, "echo $STAGE"))).stdout());
        assertEquals("first\n", EXECUTOR.run(snapshots.prepare(login("bash", cwd, env, "echo $STAGE"))).stdout());
        assertEquals(1, captures.get());
        Path profile = home.resolve(".bash_profile");
        Files.writeString(profile, "export STAGE=second\n. ~/.bashrc\n");
        Files.setLastModifiedTime(profile, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertEquals("second\n", EXECUTOR.run(snapshots.prepare(login("bash", cwd, env, "echo $STAGE"))).stdout());
        assertEquals(2, captures.get());
        // ~/.bashrc is watched too (same size, later mtime)
        Files.writeString(home.resolve(".bashrc"), BASHRC.replace("from bashrc", "FROM BASHRC"));
        Files.setLastModifiedTime(home.resolve(".bashrc"), FileTime.fromMillis(System.currentTimeMillis() + 9_000));
        assertEquals("FROM BASHRC\n", EXECUTOR.run(snapshots.prepare(login("bash", cwd, env, "echo $RC_VALUE"))).stdout());
        assertEquals(3, captures.get());
        snapshots.close();
    }

    @Test
    void aBrokenProfileFallsBackToThePlainLoginShellWithOneNoteInTheLog(@TempDir Path dir) throws Exception {
        List<String> notes = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                notes.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(ShellSnapshots.class.getName());
        log.addHandler(handler);
        try {
            for (String broken : List.of("exit 3\n", "sleep 5\n", "trap 'echo bye' EXIT\n",
                    "echo warning >&2\ntrap 'echo bye >&2' EXIT\n")) {
                notes.clear();
                Path home = home(dir.resolve(String.valueOf(Math.abs(broken.hashCode()))), broken);
                Path cwd = Files.createDirectories(home.resolve("work"));
                ShellSnapshots snapshots = new ShellSnapshots(EXECUTOR::run,
                        new ShellSnapshots.Settings(true, dir.resolve("snapshots")), 1_000);
                for (int i = 0; i < 3; i++) {
                    ExecRequest plain = login("bash", cwd, env(home), "echo body");
                    assertSame(plain, snapshots.prepare(plain), "profile: " + broken);
                }
                assertEquals(1, notes.size(), "one note per profile, not per command: " + notes);
                assertTrue(notes.get(0).contains("full login shell"), notes.get(0));
                snapshots.close();
            }
        } finally {
            log.removeHandler(handler);
        }
    }

    /**
     * A profile that prints (root's pyenv here: "cannot rehash" on stderr inside the sandbox, a greeting, a
     * syntax error) is still snapshotted: its text is printed again, on the same streams, before each
     * command, as the login shell would print it; the profile itself does not run again.
     */
    @Test
    void aProfileThatPrintsIsSnapshottedAndItsTextComesBeforeEachCommandAsBefore(@TempDir Path dir) throws Exception {
        for (String printing : List.of("echo 'pyenv: cannot rehash: shims isn'\\''t writable' >&2\nexport X=1\n",
                "echo welcome; echo \"it's $((6 * 7))\"\n", "ls /no/such/file\n", "printf 'no newline' >&2; printf 'at all'\n")) {
            Path home = home(dir.resolve(String.valueOf(Math.abs(printing.hashCode()))),
                    printing + "echo ran >> profile-runs\n. ~/.bashrc\n");
            Path cwd = Files.createDirectories(home.resolve("work"));
            List<String> scripts = List.of("echo body; echo err >&2", "echo $X $RC_VALUE", "exit 3",
                    "bash -c 'echo child'");
            Snapshots s = differential("bash", home, cwd, env(home), scripts);
            assertEquals(scripts.size() + 1, Files.readAllLines(cwd.resolve("profile-runs")).size(),
                    "the profile ran for the login shells and the one capture only: " + printing);
            s.snapshots().close();
        }
    }

    @Test
    void theSwitchTurnsItOffAndOtherCommandsAreUntouched(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        ExecRequest plain = login("bash", dir, env(home), "echo hi");
        ShellSnapshots off = new ShellSnapshots(EXECUTOR::run, new ShellSnapshots.Settings(false, dir.resolve("snapshots")));
        assertSame(plain, off.prepare(plain));
        assertFalse(Files.exists(dir.resolve("snapshots")), "nothing is written when off");
        ShellSnapshots on = new ShellSnapshots(EXECUTOR::run, new ShellSnapshots.Settings(true, dir.resolve("snapshots")));
        for (List<String> argv : List.of(List.of("bash", "-c", "echo hi"), List.of("sh", "-lc", "echo hi"),
                List.of("bash", "-l", "-c", "echo hi"), List.of("bash", "-lc", "echo $1", "x"))) {
            ExecRequest other = new ExecRequest(argv, dir, env(home), 1000, FREE, 1000, false);
            assertSame(other, on.prepare(other), argv.toString());
        }
    }

    @Test
    void theSnapshotFileIsReadableByItsCommandWithoutFullReadAccess(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        ShellSnapshots snapshots = new ShellSnapshots(EXECUTOR::run, new ShellSnapshots.Settings(true, dir.resolve("snapshots")));
        ExecRequest fast = snapshots.prepare(login("bash", cwd, env(home), "greet x"));
        assertEquals("greet:x:hello   \"world\"\n", EXECUTOR.run(fast).stdout());
        Path file = Path.of(fast.env().get("BASH_ENV"));
        Files.writeString(file.resolveSibling("other-session"), "secret of another session\n");
        List<SandboxPermission> tight = perms("disk-write-cwd");
        ExecRequest restricted = new ExecRequest(fast.argv(), cwd, fast.env(), 10_000, tight, 1 << 20, false,
                fast.readablePaths());
        assertEquals(List.of(file), restricted.readablePaths());
        ExecResult r = EXECUTOR.run(new ExecRequest(List.of("bash", "-c",
                "greet y; cat \"" + file.resolveSibling("other-session") + "\" || echo refused"), cwd, fast.env(),
                10_000, tight, 1 << 20, false, fast.readablePaths()));
        assertEquals("greet:y:hello   \"world\"\nrefused\n", r.stdout(), r.stderr());
        ExecResult w = EXECUTOR.run(new ExecRequest(List.of("bash", "-c", "echo evil >> \"$BASH_ENV\" || echo refused"),
                cwd, fast.env(), 10_000, tight, 1 << 20, false, fast.readablePaths()));
        assertEquals("refused\n", w.stdout(), "read only");
        snapshots.close();
    }

    @Test
    void aFileChangedOnDiskIsWrittenAgainBeforeItIsUsed(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        ShellSnapshots snapshots = new ShellSnapshots(EXECUTOR::run, new ShellSnapshots.Settings(true, dir.resolve("snapshots")));
        Path file = Path.of(snapshots.prepare(login("bash", cwd, env(home), "true")).env().get("BASH_ENV"));
        String original = Files.readString(file);
        Files.writeString(file, "echo injected\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals("listing\n", EXECUTOR.run(snapshots.prepare(login("bash", cwd, env(home), "ll"))).stdout());
        assertEquals(original, Files.readString(file));
        Files.delete(file);
        assertEquals("listing\n", EXECUTOR.run(snapshots.prepare(login("bash", cwd, env(home), "ll"))).stdout());
        snapshots.close();
    }

    @Test
    void aCommandThatCouldWriteTheSnapshotsTurnsThemOffFirst(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Path base = dir.resolve("work/state/snapshots"); // inside the working directory, a writable root
        ShellSnapshots snapshots = new ShellSnapshots(EXECUTOR::run, new ShellSnapshots.Settings(true, base));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        ExecRequest first = snapshots.prepare(login("bash", elsewhere, env(home), "ll"));
        assertNotNull(first.env().get("BASH_ENV"), "a command that cannot write there gets the snapshot");
        assertTrue(Files.exists(snapshots.directory()));
        Path own = snapshots.directory();
        ExecRequest writer = new ExecRequest(List.of("bash", "-c", "echo evil > x"), cwd, env(home), 1000,
                perms("disk-write-cwd"), 1000, false);
        assertSame(writer, snapshots.prepare(writer));
        assertFalse(Files.exists(own), "the files are gone before that command runs");
        ExecRequest later = login("bash", elsewhere, env(home), "ll");
        assertSame(later, snapshots.prepare(later), "and snapshots stay off");
        ExecRequest fullWrite = new ExecRequest(List.of("true"), elsewhere, env(home), 1000,
                perms("disk-full-read-access", "disk-full-write-access"), 1000, false);
        ShellSnapshots other = new ShellSnapshots(EXECUTOR::run, new ShellSnapshots.Settings(true, dir.resolve("s2")));
        assertTrue(other.canWriteSnapshots(fullWrite), "disk-full-write-access without the network");
        ExecRequest approved = new ExecRequest(List.of("true"), elsewhere, env(home), 1000, FREE, 1000, false);
        assertFalse(other.canWriteSnapshots(approved), "a command the user let out of the sandbox is not counted");
    }

    @Test
    void codexHomeInsideTheWorkingDirectoryIsSafeWhenItsMetadataFolderIsReadOnly(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Path base = Files.createDirectories(cwd.resolve(".codex/shell_snapshots")); // cwd = ~, CODEX_HOME = ~/.codex
        // entries directly in a folder split around .codex cannot be created, existing ones can be written
        Files.writeString(cwd.resolve("profile-runs"), "");
        ShellSnapshots snapshots = new ShellSnapshots(EXECUTOR::run, new ShellSnapshots.Settings(true, base));
        List<SandboxPermission> workspaceWrite = perms("disk-full-read-access", "disk-write-cwd",
                "disk-read-only-metadata-folders");
        ExecRequest fast = snapshots.prepare(login("bash", cwd, env(home), "ll", workspaceWrite));
        assertNotNull(fast.env().get("BASH_ENV"), "workspace-write keeps .codex read-only: snapshots stay on");
        assertEquals("listing\n", EXECUTOR.run(fast).stdout());
        ExecResult tamper = EXECUTOR.run(new ExecRequest(List.of("bash", "-c", "echo evil >> \"$BASH_ENV\" || echo refused"),
                cwd, fast.env(), 10_000, workspaceWrite, 1 << 20, false, fast.readablePaths()));
        assertEquals("refused\n", tamper.stdout(), "the sandbox really keeps it read-only");
        ExecRequest seedWrite = new ExecRequest(List.of("true"), cwd, env(home), 1000, perms("disk-write-cwd"), 1000, false);
        assertTrue(snapshots.canWriteSnapshots(seedWrite), "the seed's disk-write-cwd alone covers .codex");
        snapshots.close();
    }

    @Test
    void closeDeletesTheFilesAndLeftoversOfEndedServicesGo(@TempDir Path dir) throws Exception {
        Path home = home(dir, BASH_PROFILE);
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Path base = dir.resolve("snapshots");
        Path stale = Files.createDirectories(base.resolve("999999999-dead"));
        Files.writeString(stale.resolve("snapshot.bash"), "old\n");
        Path live = Files.createDirectories(base.resolve(ProcessHandle.current().parent().orElseThrow().pid() + "-live"));
        ShellSnapshots snapshots = new ShellSnapshots(EXECUTOR::run, new ShellSnapshots.Settings(true, base));
        assertNull(snapshots.directory());
        snapshots.prepare(login("bash", cwd, env(home), "true"));
        Path own = snapshots.directory();
        assertTrue(own.startsWith(base));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
        assertFalse(Files.exists(stale), "a directory of a process that is gone");
        assertTrue(Files.exists(live), "a running process's");
        for (Path f : files(own)) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        }
        snapshots.close();
        assertFalse(Files.exists(own));
        assertNotEquals(0, Files.readAllBytes(cwd.resolve("profile-runs")).length);
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
