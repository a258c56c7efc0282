package codex.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine;

/**
 * {@code exec --json[=FORMAT]}: {@code codex} (the default) is today's Codex CLI schema, {@code seed} our
 * protocol's own event stream. The value must be attached with {@code =}, so {@code exec --json "a task"}
 * keeps reading the task as the prompt.
 */
enum JsonFormat {
    CODEX, SEED;

    /** null when the text names no format. */
    static JsonFormat parse(String text) {
        for (JsonFormat f : values()) {
            if (f.name().equalsIgnoreCase(text)) {
                return f;
            }
        }
        return null;
    }

    /** Sets "codex" for a bare {@code --json}; lets picocli read an attached {@code --json=seed}. */
    static final class Preprocessor implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandLine.Model.CommandSpec spec,
                                  CommandLine.Model.ArgSpec argSpec, Map<String, Object> info) {
            if (" ".equals(info.get("separator")) || "".equals(info.get("separator")) || info.get("separator") == null) {
                argSpec.setValue("codex");
                return true;
            }
            return false;
        }
    }
}
