package codex.agent.tools;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's {@code shell} function tool: its spec for the model and the parsing of its arguments.
 *
 * @param timeoutMs 0 when the model gave none (the sandbox default then applies)
 */
public record ShellCall(List<String> command, String workdir, long timeoutMs) {

    public static JsonObject toolSpec() {
        return new JsonObject()
                .put("type", "function")
                .put("name", "shell")
                .put("description", "Runs a shell command, and returns its output.")
                .put("strict", false)
                .put("parameters", new JsonObject()
                        .put("type", "object")
                        .put("properties", new JsonObject()
                                .put("command", new JsonObject().put("type", "array")
                                        .put("items", new JsonObject().put("type", "string"))
                                        .put("description", "The command to execute, as argv (e.g. [\"bash\", \"-lc\", \"ls -la\"])."))
                                .put("workdir", new JsonObject().put("type", "string")
                                        .put("description", "The working directory to execute the command in."))
                                .put("timeout", new JsonObject().put("type", "number")
                                        .put("description", "The timeout for the command in milliseconds.")))
                        .put("required", new JsonArray().add("command"))
                        .put("additionalProperties", false));
    }

    /** @throws IllegalArgumentException with a message the model can act on */
    public static ShellCall parse(String argumentsJson) {
        JsonObject args;
        try {
            args = new JsonObject(argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("failed to parse function arguments: " + e.getMessage());
        }
        Object cmd = args.getValue("command");
        List<String> command = new ArrayList<>();
        if (cmd instanceof JsonArray arr) {
            for (Object o : arr) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("`command` must be an array of strings");
                }
                command.add(s);
            }
        } else if (cmd instanceof String s && !s.isBlank()) {
            // lenient: some models send a single string; run it through bash like the seed's users expect
            command = List.of("bash", "-lc", s);
        } else {
            throw new IllegalArgumentException("`command` is required: an array of strings such as [\"ls\", \"-la\"]");
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("`command` must not be empty");
        }
        Object t = args.getValue("timeout");
        long timeout = t instanceof Number n ? Math.max(0, n.longValue()) : 0;
        return new ShellCall(List.copyOf(command), args.getString("workdir"), timeout);
    }
}
