package codex.mcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Sits between the client's stdin and the SDK's stdio transport, for two things the SDK's server
 * does not do: it tags each {@code tools/call} with its JSON-RPC id (in {@code _meta}, so the
 * tool handler knows which request it serves), and it reports {@code notifications/cancelled}
 * (which the SDK ignores) so the turn can be interrupted. Every line is passed on.
 */
final class StdinFilter {
    static final String REQUEST_ID_META = "codex/requestId";

    private final ObjectMapper json;
    private final Consumer<String> onCancelled;
    private final PipedInputStream toSdk;
    private final PipedOutputStream pipe;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    StdinFilter(ObjectMapper json, Consumer<String> onCancelled) throws IOException {
        this.json = json;
        this.onCancelled = onCancelled;
        this.toSdk = new PipedInputStream(1 << 20);
        this.pipe = new PipedOutputStream(toSdk);
    }

    /** What the SDK reads. */
    InputStream sdkInput() {
        return toSdk;
    }

    /** Completes when the client's input has ended. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    void start(InputStream clientInput) {
        Thread t = new Thread(() -> pump(clientInput), "mcp-server-stdin");
        t.setDaemon(true);
        t.start();
    }

    private void pump(InputStream clientInput) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(clientInput, StandardCharsets.UTF_8));
             OutputStream out = pipe) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write((rewrite(line) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException ignored) {
            // the client went away or the SDK closed its end: either way, we are done
        } finally {
            ended.complete(null);
        }
    }

    /** The line to pass on: a tools/call gets its id in params._meta; anything else is passed as it is. */
    String rewrite(String line) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (IOException e) {
            return line; // the SDK answers a parse error itself
        }
        if (!(node instanceof ObjectNode msg)) {
            return line;
        }
        String method = msg.path("method").asText(null);
        if ("notifications/cancelled".equals(method)) {
            JsonNode id = msg.path("params").path("requestId");
            if (!id.isMissingNode() && !id.isNull()) {
                onCancelled.accept(id.toString());
            }
            return line;
        }
        if ("tools/call".equals(method) && msg.has("id") && msg.path("params").isObject()) {
            ObjectNode params = (ObjectNode) msg.get("params");
            JsonNode meta = params.get("_meta");
            ObjectNode m = meta instanceof ObjectNode o ? o : params.putObject("_meta");
            m.put(REQUEST_ID_META, msg.get("id").toString());
            return msg.toString();
        }
        return line;
    }
}
