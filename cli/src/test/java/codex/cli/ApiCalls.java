package codex.cli;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The HTTP API calls the multi-process tests make against a gateway they did not start themselves. */
final class ApiCalls {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiCalls() {
    }

    static HttpResponse<String> post(String url, JsonObject body, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The session's events as they come (Server-Sent Events, from the first), on a daemon thread. */
    static BlockingQueue<JsonObject> follow(String url, String token) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines());
        BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> resp.body().forEach(line -> {
            if (line.startsWith("data: ")) {
                events.add(new JsonObject(line.substring(6)));
            }
        }));
        t.setDaemon(true);
        t.start();
        return events;
    }

    /** The first event of this msg.type within 60 s; every event taken on the way goes to seen. */
    static JsonObject await(BlockingQueue<JsonObject> events, String type, List<JsonObject> seen)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            JsonObject e = events.poll(200, TimeUnit.MILLISECONDS);
            if (e != null) {
                seen.add(e);
                if (type.equals(e.getJsonObject("msg").getString("type"))) {
                    return e;
                }
            }
        }
        throw new AssertionError(type + " never came; saw " + seen);
    }
}
