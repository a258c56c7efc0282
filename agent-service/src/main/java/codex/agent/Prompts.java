package codex.agent;

import codex.protocol.SessionConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The built-in system prompt and the context messages a session starts with. */
public final class Prompts {
    private static final String BASE_INSTRUCTIONS = load("base_instructions.md");

    private Prompts() {
    }

    public static String baseInstructions(SessionConfig config) {
        return config.baseInstructions() != null && !config.baseInstructions().isBlank()
                ? config.baseInstructions() : BASE_INSTRUCTIONS;
    }

    public static JsonObject userMessage(String text) {
        return userMessage(text, java.util.List.of());
    }

    /** The user's text and images as one Responses message (images after the text, as Codex sends them). */
    public static JsonObject userMessage(String text, java.util.List<String> imageUrls) {
        JsonArray content = new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text));
        for (String url : imageUrls) {
            content.add(new JsonObject().put("type", "input_image").put("image_url", url));
        }
        return new JsonObject().put("type", "message").put("role", "user").put("content", content);
    }

    /** Why an image URL is not sent to the model, or null when it may be: data:image/… or http(s) only. */
    public static String refusedImage(String url) {
        String u = url == null ? "" : url.trim();
        if (u.startsWith("data:image/") && u.contains(";base64,")) {
            return null;
        }
        if (u.startsWith("https://") || u.startsWith("http://")) {
            return null;
        }
        return "an image must be a data:image/...;base64, URL or an http(s) URL (got "
                + (u.length() > 40 ? u.substring(0, 40) + "…" : u) + ")";
    }

    /** AGENTS.md and config instructions, wrapped as the seed does so the model knows where they came from. */
    public static JsonObject userInstructions(String text) {
        return userMessage("<user_instructions>\n\n" + text + "\n\n</user_instructions>");
    }

    public static JsonObject environmentContext(SessionConfig config) {
        boolean network = config.sandboxPermissions().contains("network-full-access");
        return userMessage("<environment_context>\n"
                + "  <cwd>" + config.cwd() + "</cwd>\n"
                + "  <approval_policy>" + config.approvalPolicy().wireName() + "</approval_policy>\n"
                + "  <sandbox_permissions>" + String.join(", ", config.sandboxPermissions()) + "</sandbox_permissions>\n"
                + "  <network_access>" + (network ? "enabled" : "restricted") + "</network_access>\n"
                + "  <shell>bash</shell>\n"
                + "</environment_context>");
    }

    private static String load(String name) {
        try (InputStream in = Prompts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
