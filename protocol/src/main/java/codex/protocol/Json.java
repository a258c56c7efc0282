package codex.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The one JSON mapping of the contract: snake_case keys, nulls left out, unknown keys ignored (forward compatible). */
public final class Json {
    private Json() {
    }

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    @SuppressWarnings("unchecked")
    public static JsonObject toJson(Object value) {
        return new JsonObject(MAPPER.convertValue(value, Map.class));
    }

    public static <T> T fromJson(JsonObject json, Class<T> type) {
        return decode(json.encode(), type);
    }

    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** The JSON as UTF-8 bytes, straight from the record (no intermediate map or string). */
    public static byte[] encodeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T decode(String text, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot decode " + type.getSimpleName() + ": " + reason(e), e);
        }
    }

    /** {@link #decode(String, Class)} of UTF-8 JSON bytes. */
    public static <T> T decode(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot decode " + type.getSimpleName() + ": " + reason(e), e);
        }
    }

    /** Our own check's message (e.g. "unknown approval policy 'x'; valid policies are: ...") rather than Jackson's wrapper. */
    private static String reason(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return e.getMessage();
    }
}
