package codex.agent.model;

import codex.protocol.ProviderSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The HTTP side shared by both wire APIs: POST a JSON body, read an SSE stream, retry 429/5xx,
 * connection failures and dropped or stalled streams with backoff, and turn 4xx bodies into
 * user-facing errors. Subclasses say which path, which body and how to decode the stream.
 */
public abstract class SseModelClient implements ModelClient {

    /** A stream that ended, broke or went quiet before the response completed. */
    static final class StreamDroppedException extends ModelException {
        StreamDroppedException(String message) {
            super(message, 0, true, -1);
        }
    }

    protected final Vertx vertx;
    protected final HttpClient http;
    protected final ProviderSpec provider;
    private final Map<String, String> env;
    private final RetryPolicy retry;
    private HttpClientRequest inFlight;
    private boolean cancelled;
    private long pendingTimer = -1;

    protected SseModelClient(Vertx vertx, HttpClient http, ProviderSpec provider, Map<String, String> env,
                             RetryPolicy retry) {
        this.vertx = vertx;
        this.http = http;
        this.provider = provider;
        this.env = env;
        this.retry = retry;
    }

    protected abstract String path();

    protected abstract JsonObject requestBody(ModelRequest request);

    protected abstract StreamDecoder newDecoder(Consumer<ModelEvent> events);

    @Override
    public Future<ModelResponse> stream(ModelRequest request, Consumer<ModelEvent> events, Consumer<String> notices) {
        cancelled = false;
        Optional<String> key = provider.apiKey(env);
        if (provider.requiresApiKey() && key.isEmpty()) {
            return Future.failedFuture(ModelException.fatal(provider.missingKeyMessage()));
        }
        codex.protocol.StepTrace.mark("request-build");
        Buffer body = requestBody(request).toBuffer();
        codex.protocol.StepTrace.mark("request-built");
        return attempt(request, body, key.orElse(null), events, notices, 0, 0);
    }

    @Override
    public void cancel() {
        cancelled = true;
        if (pendingTimer >= 0) {
            vertx.cancelTimer(pendingTimer);
        }
        if (inFlight != null) {
            inFlight.reset();
        }
    }

    private Future<ModelResponse> attempt(ModelRequest request, Buffer body, String key, Consumer<ModelEvent> events,
                                          Consumer<String> notices, int requestRetries, int streamRetries) {
        Promise<ModelResponse> result = Promise.promise();
        StreamDecoder decoder = newDecoder(events);
        String url = provider.url(path());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setIdleTimeout(provider.streamIdleTimeoutMs() > 0 ? provider.streamIdleTimeoutMs() : 300_000)
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "text/event-stream");
        if (key != null) {
            options.putHeader("Authorization", "Bearer " + key);
        }
        provider.resolvedHeaders(env).forEach(options::putHeader);
        if (request.sessionId() != null) {
            options.putHeader("session_id", request.sessionId());
        }
        long sent = System.nanoTime();
        result.future().onComplete(done -> ModelMetrics.streamed(provider.id(), done.succeeded(), System.nanoTime() - sent));
        http.request(options)
                .compose(req -> {
                    if (cancelled) {
                        // interrupted while the connection was being made: there was no request to reset then
                        req.reset();
                        return Future.failedFuture(ModelException.fatal("interrupted"));
                    }
                    inFlight = req;
                    codex.protocol.StepTrace.mark("request-send");
                    return req.send(body);
                })
                .onSuccess(resp -> {
                    ModelMetrics.responded(provider.id(), resp.statusCode(), System.nanoTime() - sent);
                    readResponse(resp, decoder, result);
                })
                .onFailure(err -> result.tryFail(cancelled ? ModelException.fatal("interrupted")
                        : err instanceof ModelException me ? me
                        : new ModelException("could not reach the model server at " + url + ": " + describe(err), 0, true, -1)));
        return result.future().recover(err -> {
            inFlight = null;
            if (cancelled) {
                return Future.failedFuture(ModelException.fatal("interrupted"));
            }
            ModelException me = err instanceof ModelException m ? m : new ModelException(describe(err), 0, true, -1);
            boolean streamFailure = me instanceof StreamDroppedException;
            int used = streamFailure ? streamRetries : requestRetries;
            int max = streamFailure ? retry.maxStreamRetries() : retry.maxRequestRetries();
            if (!me.retryable()) {
                return Future.failedFuture(me);
            }
            if (used >= max) {
                return Future.failedFuture(ModelException.fatal(me.getMessage() + " (gave up after " + max + " retries)"));
            }
            int attemptNo = used + 1;
            long delay = retry.delayMs(attemptNo, me.retryAfterMs());
            notices.accept(String.format("%s; retrying in %.1f s (retry %d of %d)", me.getMessage(), delay / 1000.0,
                    attemptNo, max));
            Promise<ModelResponse> next = Promise.promise();
            pendingTimer = vertx.setTimer(Math.max(1, delay), t -> {
                pendingTimer = -1;
                if (cancelled) {
                    next.fail(ModelException.fatal("interrupted"));
                    return;
                }
                attempt(request, body, key, events, notices,
                        streamFailure ? requestRetries : attemptNo,
                        streamFailure ? attemptNo : streamRetries).onComplete(next);
            });
            return next.future();
        });
    }

    private void readResponse(HttpClientResponse resp, StreamDecoder decoder, Promise<ModelResponse> result) {
        int status = resp.statusCode();
        if (status < 200 || status >= 300) {
            long retryAfter = RetryPolicy.parseRetryAfter(resp.getHeader("Retry-After"));
            resp.body().onComplete(b -> {
                String text = b.succeeded() ? b.result().toString(StandardCharsets.UTF_8) : "";
                boolean retryable = status == 429 || status == 408 || status >= 500;
                result.tryFail(new ModelException("model server returned " + status + " "
                        + resp.statusMessage() + ": " + serverMessage(text), status, retryable, retryAfter));
            });
            return;
        }
        if (provider.streamIdleTimeoutMs() > 0) {
            // Vert.x 5 drops the request idle timer once headers arrive; re-arm it so a stream that goes quiet fails.
            resp.request().idleTimeout(provider.streamIdleTimeoutMs());
        }
        SseParser parser = new SseParser();
        resp.handler(buf -> {
            codex.protocol.StepTrace.mark("response-bytes");
            if (result.future().isComplete()) {
                return;
            }
            try {
                for (SseParser.SseEvent e : parser.feed(buf.getBytes())) {
                    decoder.accept(e);
                }
                if (decoder.completed()) {
                    codex.protocol.StepTrace.mark("response-parsed");
                    result.tryComplete(decoder.response());
                }
            } catch (ModelException e) {
                result.tryFail(e);
            } catch (RuntimeException e) {
                result.tryFail(ModelException.fatal("could not read the model stream: " + e));
            }
        });
        resp.exceptionHandler(err -> result.tryFail(new StreamDroppedException(
                err instanceof java.util.concurrent.TimeoutException
                        ? "the model stream went quiet for " + provider.streamIdleTimeoutMs() + " ms (stream_idle_timeout_ms)"
                        : "the model stream broke before the response completed: " + describe(err))));
        resp.endHandler(v -> {
            try {
                for (SseParser.SseEvent e : parser.finish()) {
                    decoder.accept(e);
                }
                decoder.endOfStream();
            } catch (ModelException e) {
                result.tryFail(e);
                return;
            }
            if (decoder.completed()) {
                result.tryComplete(decoder.response());
            } else {
                result.tryFail(new StreamDroppedException("the model stream ended before the response completed"));
            }
        });
    }

    /** The server's own words: error.message from a JSON body, else the body itself (abbreviated). */
    static String serverMessage(String body) {
        String trimmed = body == null ? "" : body.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonObject json = new JsonObject(trimmed);
                Object error = json.getValue("error");
                if (error instanceof JsonObject e && e.getString("message") != null) {
                    return e.getString("message");
                }
                if (error instanceof String s) {
                    return s;
                }
                if (json.getString("message") != null) {
                    return json.getString("message");
                }
            } catch (RuntimeException ignored) {
                // not JSON after all: show it as text
            }
        }
        return trimmed.isEmpty() ? "(empty body)" : ResponsesEventMapper.abbreviate(trimmed);
    }

    static String describe(Throwable err) {
        String m = err.getMessage();
        return m == null || m.isBlank() ? err.getClass().getSimpleName() : m;
    }
}
