package codex.agent.tools;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's {@code shell} function tool: its spec for the model and the parsing of its arguments.
 *
 * @param timeoutMs     0 when the model gave none (the sandbox default then applies)
 * @param justification non-null when the model asked to run the command outside the sandbox
 *                      ({@code sandbox_permissions: "require_escalated"}): its reason, "" when it gave none
 */
public record ShellCall(List<String> command, String workdir, long timeoutMs, String justification) {

    public static final String USE_DEFAULT = "use_default";
    public static final String REQUIRE_ESCALATED = "require_escalated";

    /** Whether the model asked for this command to run outside the sandbox. */
    public boolean escalationRequested() {
        return justification != null;
    }

    public static JsonObject toolSpec() {
        return toolSpec(false);
    }

    /**
     * @param offerEscalation the approval policy is on-request: add {@code sandbox_permissions} and
     *                        {@code justification}, as today's Codex exec_command tool has them
     */
    public static JsonObject toolSpec(boolean offerEscalation) {
        JsonObject spec = baseSpec();
        if (offerEscalation) {
            spec.getJsonObject("parameters").getJsonObject("properties")
                    .put("sandbox_permissions", new JsonObject().put("type", "string")
                            .put("enum", new JsonArray().add(USE_DEFAULT).add(REQUIRE_ESCALATED))
                            .put("description", "Per-command sandbox override. Defaults to `use_default` (the sandbox); "
                                    + "`require_escalated` asks the user to let this one command run without the sandbox "
                                    + "(network access, writes outside the workspace). Use it only when the sandbox is "
                                    + "what stops the command."))
                    .put("justification", new JsonObject().put("type", "string")
                            .put("description", "With `require_escalated` only: the question shown to the user, one "
                                    + "sentence saying why the command needs to run outside the sandbox."));
        }
        return spec;
    }

    private static JsonObject baseSpec() {
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
        Object permissions = args.getValue("sandbox_permissions");
        String justification = null;
        if (permissions != null && !USE_DEFAULT.equals(permissions)) {
            if (!REQUIRE_ESCALATED.equals(permissions)) {
                throw new IllegalArgumentException("`sandbox_permissions` must be \"" + USE_DEFAULT + "\" or \""
                        + REQUIRE_ESCALATED + "\"");
            }
            Object j = args.getValue("justification");
            justification = j instanceof String text ? text : "";
        }
        return new ShellCall(List.copyOf(command), args.getString("workdir"), timeout, justification);
    }
}
