package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The exec lines read without picocli end up exactly as picocli reads them; the rest goes to picocli. */
class FastExecArgsTest {

    private static ExecCommand viaPicocli(String... args) {
        CommandLine codex = new CommandLine(new CodexMain());
        UnsupportedCommands.register(codex);
        CommandLine.ParseResult result = codex.parseArgs(args);
        return (ExecCommand) result.subcommand().commandSpec().userObject();
    }

    /** Every option and parameter field of ExecCommand, as picocli would set it. */
    private static List<Object> fields(ExecCommand c) throws IllegalAccessException {
        List<Object> values = new ArrayList<>();
        for (Field f : ExecCommand.class.getDeclaredFields()) {
            if (f.isAnnotationPresent(CommandLine.Option.class) || f.isAnnotationPresent(CommandLine.Parameters.class)) {
                f.setAccessible(true);
                values.add(f.getName() + "=" + f.get(c));
            }
        }
        return values;
    }

    @Test
    void commonLinesParseAsPicocliParsesThem() throws Exception {
        String[][] lines = {
                {"exec", "hi"},
                {"exec"},
                {"e", "--full-auto", "--skip-git-repo-check", "-C", "/tmp", "a task"},
                {"exec", "-m", "o4-mini", "-c", "a=b", "-c", "model_providers.x.y=1", "-s", "workspace-write",
                        "-s", "disk-write-cwd", "--add-dir", "/tmp", "--add-dir", "rel/dir", "-p", "prof",
                        "-o", "out.txt", "--json", "task"},
                {"exec", "--json=seed", "--model=gpt-5", "--cd=/tmp", "--config=k=v", "--sandbox=read-only", "task"},
                {"exec", "--yolo", "-"},
                {"exec", "--dangerously-bypass-approvals-and-sandbox", "--sandbox-permission", "disk-write-cwd", "x"},
                {"exec", "--", "--not-an-option"},
                {"exec", "task first", "--full-auto", "--output-last-message", "last.txt", "--profile", "p"},
                {"exec", "--json", "--", "-"},
        };
        for (String[] line : lines) {
            ExecCommand fast = FastExecArgs.parse(line);
            assertNotNull(fast, String.join(" ", line) + " should be read without picocli");
            assertEquals(fields(viaPicocli(line)), fields(fast), String.join(" ", line));
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        String[][] lines = {
                {}, {"--version"}, {"-m", "o4", "exec", "x"}, {"serve"}, {"exec", "--help"}, {"exec", "-h"},
                {"exec", "-V"}, {"exec", "resume", "--last", "x"}, {"exec", "-mgpt-5", "x"}, {"exec", "@args.txt"},
                {"exec", "-m", "a", "-m", "b", "x"}, {"exec", "--json", "--json", "x"}, {"exec", "one", "two"},
                {"exec", "-i", "img.png", "x"}, {"exec", "--unknown", "x"}, {"exec", "-c"}, {"exec", "-m", "-x", "y"},
                {"exec", "--full-auto=true", "x"}, {"exec", "--json=", "x"}, {"exec", "-C", "@file", "x"},
        };
        for (String[] line : lines) {
            assertNull(FastExecArgs.parse(line), String.join(" ", line) + " belongs to picocli");
        }
    }

    @Test
    void everyExecOptionIsKnownToTheFastPathOrSendsTheLineToPicocli() {
        // an option added to ExecCommand later must not be silently ignored by the fast path
        for (Field f : ExecCommand.class.getDeclaredFields()) {
            CommandLine.Option option = f.getAnnotation(CommandLine.Option.class);
            if (option == null) {
                continue;
            }
            for (String name : option.names()) {
                boolean flag = f.getType() == boolean.class;
                String[] line = flag ? new String[] {"exec", name, "x"} : new String[] {"exec", name, "v", "x"};
                ExecCommand fast = FastExecArgs.parse(line);
                if (fast != null) {
                    try {
                        assertEquals(fields(viaPicocli(line)), fields(fast), String.join(" ", line));
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
    }
}
