package codex.execpolicy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Safe commands next to their unsafe look-alikes: each pair differs in the thing that matters. */
class SafeCommandsTest {

    static List<String> argv(String... words) {
        return Arrays.asList(words);
    }

    static List<String> bashLc(String script) {
        return argv("bash", "-lc", script);
    }

    static Stream<List<String>> safe() {
        return Stream.of(
                // always-safe programs
                argv("ls"), argv("ls", "-la", "/etc"), argv("cat", "README.md"), argv("cd", "src"),
                argv("echo", "hello"), argv("grep", "-rn", "TODO", "."), argv("grep", "-f", "patterns.txt", "x"),
                argv("head", "-n", "20", "f"), argv("tail", "-n", "5", "f"), argv("wc", "-l", "f"),
                argv("pwd"), argv("true"), argv("false"), argv("which", "java"), argv("nl", "f"),
                // sed -n with print-only scripts
                argv("sed", "-n", "1,5p", "f"), argv("sed", "-n", "10p"), argv("sed", "-n", "$p", "f"),
                argv("sed", "-n", "1p;$p", "f"), argv("sed", "-n", "-e", "3p", "-e", "7,9p", "f", "g"),
                argv("sed", "--quiet", "--expression=2p", "f"), argv("sed", "-n", " 4 , 8 p ", "f"),
                argv("sed", "-n", "1p", "--", "-i"),
                // find without actions that write or execute
                argv("find", ".", "-name", "*.java"), argv("find", "src", "-type", "f", "-newer", "pom.xml", "-print"),
                // rg without preprocessors or decompression
                argv("rg", "-n", "foo"), argv("rg", "--files"), argv("rg", "-i", "-g", "*.java", "bar", "src"),
                // read-only git
                argv("git", "status"), argv("git", "status", "--short"), argv("git", "log", "-n", "3", "--oneline"),
                argv("git", "diff", "HEAD~1", "--stat"), argv("git", "show", "HEAD:pom.xml"),
                argv("git", "log", "--output-indicator-new=+", "-p"), argv("git", "diff", "--", "--output=x"),
                argv("git", "branch"), argv("git", "branch", "-a", "-vv"), argv("git", "branch", "--show-current"),
                argv("git", "branch", "--list", "feature/*"), argv("git", "branch", "--contains=HEAD"),
                // shell wrappers around plain lists of safe commands
                bashLc("ls"), bashLc("ls | wc -l"), bashLc("git status && git log -n 3"),
                bashLc("grep 'a > b' file"), bashLc("grep \"a > b\" file"), bashLc("grep a\\>b file"),
                bashLc("ls; pwd"), bashLc("ls;"), bashLc("false || echo fallback"),
                bashLc("cat *.java | grep -n class | head"), bashLc("ls ~"), bashLc("echo \"price: \\$5\""),
                bashLc("sed -n '1,5p' f && sed -n \"10p\" g"), bashLc("find . -name '*.txt'"),
                bashLc("ls &&\n  wc -l f\npwd"), bashLc("ls \\\n -la"), bashLc("echo ''"),
                argv("bash", "-c", "ls"), argv("sh", "-c", "ls | head"), argv("sh", "-lc", "pwd"),
                argv("zsh", "-lc", "git status"), argv("/bin/bash", "-lc", "ls"));
    }

    static Stream<List<String>> unsafe() {
        return Stream.of(
                // not on the list, or empty
                argv(), argv("rm", "-rf", "/"), argv("cp", "a", "b"), argv("python3", "-c", "print(1)"),
                argv("/bin/ls"), argv("./ls"), argv("LS"), argv("xargs", "cat"), argv("env", "ls"),
                // find actions
                argv("find", ".", "-delete"), argv("find", ".", "-exec", "rm", "{}", ";"),
                argv("find", ".", "-execdir", "sh", "-c", "x", ";"), argv("find", ".", "-ok", "rm", "{}", ";"),
                argv("find", ".", "-okdir", "rm", "{}", ";"), argv("find", ".", "-fprint", "out"),
                argv("find", ".", "-fprint0", "out"), argv("find", ".", "-fprintf", "out", "%p"),
                argv("find", ".", "-fls", "out"),
                // rg preprocessors / decompression
                argv("rg", "--pre", "cat", "x"), argv("rg", "--pre=sh", "x"), argv("rg", "--hostname-bin", "sh", "x"),
                argv("rg", "--search-zip", "x"), argv("rg", "-z", "x"), argv("rg", "-iz", "x"), argv("rg", "--pr", "sh", "x"),
                // sed that writes, executes, or edits in place
                argv("sed", "-i", "s/a/b/", "f"), argv("sed", "s/a/b/", "f"), argv("sed", "-n", "w out", "f"),
                argv("sed", "-n", "1w out", "f"), argv("sed", "-n", "1,5p", "f", "-i"), argv("sed", "-n", "1e touch x", "f"),
                argv("sed", "-n", "s/a/b/w out", "f"), argv("sed", "-n", "1p;w out", "f"), argv("sed", "-n", "1pw out", "f"),
                argv("sed", "1,5p", "f"), argv("sed", "-n", "-f", "script.sed", "f"), argv("sed", "-n"),
                argv("sed", "-n", "-e"), argv("sed", "-n", "/x/p", "f"), argv("sed", "-n", "--in-place", "1p", "f"),
                argv("sed", "-ni", "1p", "f"),
                // git that writes, runs programs, or has a global option
                argv("git"), argv("git", "-c", "core.pager=x", "status"), argv("git", "-C", "/tmp", "status"),
                argv("git", "--no-pager", "log"), argv("git", "--git-dir=/x", "status"), argv("git", "--output=x", "log"),
                argv("git", "diff", "--output=x"), argv("git", "diff", "--output", "x"), argv("git", "log", "--out=x"),
                argv("git", "show", "--ext-diff"), argv("git", "commit", "-m", "x"), argv("git", "push"),
                argv("git", "checkout", "."), argv("git", "branch", "-d", "x"), argv("git", "branch", "-D", "x"),
                argv("git", "branch", "-m", "x"), argv("git", "branch", "-M", "x"), argv("git", "branch", "--delete", "x"),
                argv("git", "branch", "--move", "x"), argv("git", "branch", "-c", "x"), argv("git", "branch", "-C", "x"),
                argv("git", "branch", "--set-upstream-to=origin/x"), argv("git", "branch", "-u", "origin/x"),
                argv("git", "branch", "newbranch"), argv("git", "branch", "-f", "x"), argv("git", "branch", "-dr", "x"),
                argv("git", "branch", "--edit-description"),
                // shell scripts outside the plain subset
                bashLc("echo x > f"), bashLc("echo x >> f"), bashLc("cat < f"), bashLc("ls 2> err"), bashLc("ls &> all"),
                bashLc("ls >&2"), bashLc("cat <<EOF\nx\nEOF"), bashLc("echo $(rm -rf /)"), bashLc("echo `rm -rf /`"),
                bashLc("diff <(ls) <(ls)"), bashLc("ls && rm -rf /"), bashLc("rm -rf / || ls"), bashLc("ls; rm x"),
                bashLc("ls | sh"), bashLc("(ls)"), bashLc("{ ls; }"), bashLc("echo $HOME"), bashLc("echo ${HOME}"),
                bashLc("echo \"$HOME\""), bashLc("echo \"`id`\""), bashLc("echo $'a'"), bashLc("ls &"), bashLc("ls & pwd"),
                bashLc("FOO=bar ls"), bashLc("ls |& cat"), bashLc("ls #comment"), bashLc("! ls"), bashLc("echo {a,b}"),
                bashLc(""), bashLc("   "), bashLc("ls &&"), bashLc("| ls"), bashLc("; ls"), bashLc("ls ;; pwd"),
                bashLc("echo 'unterminated"), bashLc("echo \"unterminated"), bashLc("echo \\"),
                bashLc("bash -lc ls"), bashLc("l? -la"), bashLc("sed -n 1p *"), bashLc("find * -name x"),
                bashLc("git diff *"), bashLc("rg foo *"), bashLc("find . -exec rm {} \\;"),
                bashLc("sed -n 1p f -i"), bashLc("if true; then ls; fi"),
                // wrapper shapes we do not accept
                argv("bash", "-lc"), argv("bash", "-x", "ls"), argv("bash", "-lc", "ls", "extra"),
                argv("fish", "-c", "ls"), argv("bash", "script.sh"));
    }

    @ParameterizedTest
    @MethodSource("safe")
    void safeCommandsAreRecognised(List<String> argv) {
        assertTrue(SafeCommands.isKnownSafe(argv), () -> "expected known-safe: " + argv);
    }

    @ParameterizedTest
    @MethodSource("unsafe")
    void lookAlikesAreNotSafe(List<String> argv) {
        assertFalse(SafeCommands.isKnownSafe(argv), () -> "expected NOT known-safe: " + argv);
    }

    @Test
    void nullArgvOrNullWordIsNotSafe() {
        assertFalse(SafeCommands.isKnownSafe(null));
        assertFalse(SafeCommands.isKnownSafe(Arrays.asList("ls", null)));
    }
}
