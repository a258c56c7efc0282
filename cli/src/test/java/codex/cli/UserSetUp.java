package codex.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What a user of the `codex` command has, in a test's temporary folder: a git repository to work
 * in ({@code repo/}), a CODEX_HOME ({@code codex-home/}), and the environment that points a run at
 * a scripted model. Temporary files of the run stay in the folder too ({@code TMPDIR}).
 */
record UserSetUp(Path tmp, Path work, Path home) {

    static UserSetUp in(Path tmp) throws IOException {
        Path work = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(work.resolve(".git"));
        return new UserSetUp(tmp, work, Files.createDirectories(tmp.resolve("codex-home")));
    }

    /** CODEX_HOME, TMPDIR, an API key and (if {@code model} is given) the model's URL. */
    Map<String, String> env(FakeModelServer model) {
        Map<String, String> env = envWithoutKey(model);
        env.put("OPENAI_API_KEY", "test-key");
        return env;
    }

    /** As {@link #env} but with no API key: for what a user without one sees. */
    Map<String, String> envWithoutKey(FakeModelServer model) {
        Map<String, String> env = new HashMap<>();
        if (model != null) {
            env.put("OPENAI_BASE_URL", model.baseUrl());
        }
        env.put("CODEX_HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        return env;
    }
}
