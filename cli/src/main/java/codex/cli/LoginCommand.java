package codex.cli;

import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "login", mixinStandardHelpOptions = true, subcommands = LoginCommand.Status.class,
        description = {"Store an OpenAI API key for codex: printenv OPENAI_API_KEY | codex login --with-api-key",
                "The key goes to $CODEX_HOME/auth.json (mode 0600) and is used when OPENAI_API_KEY is not set.",
                "ChatGPT sign-in is not offered by codex-vertx."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the key was stored", "1:it could not be stored", "2:no key on stdin, or no --with-api-key"})
final class LoginCommand implements Callable<Integer> {

    @Option(names = "--with-api-key", description = "Read the API key from stdin.")
    boolean withApiKey;

    @Override
    public Integer call() {
        if (!withApiKey) {
            System.err.println("error: ChatGPT sign-in is not offered by codex-vertx. Store an API key instead: "
                    + "printenv OPENAI_API_KEY | codex login --with-api-key (or just set OPENAI_API_KEY)");
            return 2;
        }
        String key;
        try {
            key = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            System.err.println("error: could not read the API key from stdin: " + e.getMessage());
            return 1;
        }
        if (key.isEmpty() || key.contains("\n")) {
            System.err.println("error: expected one API key on stdin, e.g. printenv OPENAI_API_KEY | codex login --with-api-key");
            return 2;
        }
        Path home = codexHome();
        try {
            Auth.store(home, key);
        } catch (IOException e) {
            System.err.println("error: could not write " + Auth.file(home) + ": " + e.getMessage());
            return 1;
        }
        System.err.println("Stored the API key " + Auth.masked(key) + " in " + Auth.file(home)
                + "; it is used when OPENAI_API_KEY is not set.");
        return 0;
    }

    static Path codexHome() {
        return ConfigLoader.resolveCodexHome(ConfigOptions.defaults());
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say which API key codex would use.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:a key is available", "1:no key"})
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            String env = System.getenv(Auth.KEY);
            if (env != null && !env.isBlank()) {
                System.out.println("Using an API key from OPENAI_API_KEY: " + Auth.masked(env.trim()));
                return 0;
            }
            Path home = codexHome();
            Optional<String> stored;
            try {
                stored = Auth.storedKey(home);
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
            if (stored.isPresent()) {
                System.out.println("Logged in using an API key: " + Auth.masked(stored.get()) + " (" + Auth.file(home) + ")");
                return 0;
            }
            System.out.println("Not logged in: set OPENAI_API_KEY or run printenv OPENAI_API_KEY | codex login --with-api-key");
            return 1;
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true, description = "Remove the stored API key ($CODEX_HOME/auth.json).")
    static final class Logout implements Callable<Integer> {
        @Override
        public Integer call() {
            Path file = Auth.file(codexHome());
            try {
                if (Files.deleteIfExists(file)) {
                    System.err.println("Removed " + file);
                } else {
                    System.err.println("Not logged in (no " + file + ")");
                }
                return 0;
            } catch (IOException e) {
                System.err.println("error: could not remove " + file + ": " + e.getMessage());
                return 1;
            }
        }
    }
}
