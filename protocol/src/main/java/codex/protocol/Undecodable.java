package codex.protocol;

import io.vertx.core.json.JsonObject;

/**
 * What a consumer receives in place of a protocol record whose JSON (from another JVM) does not
 * decode: a required field missing, a bad value. Vert.x drops a message whose codec throws, and the
 * requester would only see a timeout; this value lets the consumer refuse it with 400 and the
 * reason instead ({@link BusRequests#decode}, {@link BusRequests#call}).
 *
 * @param type   the record type that was expected (its simple name)
 * @param reason why it does not decode, as {@link Json#decode} says it
 * @param raw    the received JSON object, for a consumer that answers with one of its fields; null
 *               when the bytes were not a JSON object at all
 */
public record Undecodable(String type, String reason, JsonObject raw) {
}
