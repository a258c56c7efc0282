package codex.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;

/** Jackson glue for {@link EventMsg.Unknown}: read the object as it is, write it back as it was; and the type names. */
final class UnknownEvents {
    private UnknownEvents() {
    }

    /** Each {@link EventMsg} class's {@code type} name, looked up once (the gateway and printers ask per event). */
    static final ClassValue<String> TYPE_NAMES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            for (JsonSubTypes.Type t : EventMsg.class.getAnnotation(JsonSubTypes.class).value()) {
                if (t.value() == type) {
                    return t.name();
                }
            }
            return type.getSimpleName();
        }
    };

    static final class Decoder extends JsonDeserializer<EventMsg.Unknown> {
        @Override
        public EventMsg.Unknown deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode raw = p.readValueAsTree();
            JsonNode type = raw.get("type");
            return new EventMsg.Unknown(type == null || type.isNull() ? null : type.asText(), raw);
        }
    }

    static final class Encoder extends JsonSerializer<EventMsg.Unknown> {
        @Override
        public void serialize(EventMsg.Unknown value, JsonGenerator gen, SerializerProvider serializers)
                throws IOException {
            gen.writeTree(value.raw());
        }

        /** The raw object already holds its own {@code type}; Jackson's type id (the class name) must not be added. */
        @Override
        public void serializeWithType(EventMsg.Unknown value, JsonGenerator gen, SerializerProvider serializers,
                                      TypeSerializer typeSer) throws IOException {
            serialize(value, gen, serializers);
        }
    }
}
