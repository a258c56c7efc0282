package codex.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Protocol records travel the event bus as themselves: in one JVM the receiver gets the very object
 * the sender made (no JSON, no copy: records are immutable, and receivers treat the lists and maps
 * inside as read-only); between JVMs the record's JSON, the same JSON {@link Json} makes everywhere,
 * under a codec named {@code codex.v1.<Record>} (the contract version: a JVM that does not know a
 * name cannot read the message, so a new name is a new contract). A body that does not decode on
 * the receiving JVM arrives as an {@link Undecodable} rather than being dropped.
 *
 * <p>{@link #register} must have run on every Vertx that sends or receives such a record (each of
 * our verticles calls it in {@code start}, {@link BusRequests} before sending); it is idempotent.
 */
public final class BusCodecs {
    /** Codec names: this prefix and the record's name within protocol ({@code codex.v1.SessionMessages.Submit}). */
    public static final String PREFIX = "codex.v1.";

    /** Every record that goes on the bus as a body. */
    static final List<Class<?>> TYPES = List.of(
            Event.class,
            Submission.class,
            SessionMessages.CreateSession.class, SessionMessages.SessionCreated.class,
            SessionMessages.OpenSession.class, SessionMessages.SessionOpened.class,
            SessionMessages.Submit.class, SessionMessages.Accepted.class,
            SessionMessages.Replay.class, SessionMessages.Replayed.class,
            SessionMessages.ListSessions.class, SessionMessages.SessionList.class,
            SessionMessages.ResolveSession.class, SessionMessages.ResolvedSession.class,
            SessionMessages.ReadRecordedEvents.class, SessionMessages.RecordedEvents.class,
            SandboxMessages.ExecCommand.class, SandboxMessages.Cancel.class, SandboxMessages.OutputChunk.class,
            SandboxMessages.ExecStarted.class, SandboxMessages.ExecFinished.class,
            SandboxMessages.AttachExec.class, SandboxMessages.ExecAttached.class,
            SandboxMessages.PlanPatch.class, SandboxMessages.PatchPlan.class,
            SandboxMessages.ApplyPatch.class, SandboxMessages.PatchApplied.class,
            ApprovalMessages.InboxRequest.class, ApprovalMessages.InboxList.class, ApprovalMessages.InboxEntry.class,
            ApprovalMessages.AnnouncePending.class,
            NotifierMessages.TurnComplete.class, NotifierMessages.Delivered.class);

    private static final Set<Vertx> REGISTERED = Collections.newSetFromMap(new WeakHashMap<>());

    private BusCodecs() {
    }

    /** Registers a codec for every record of {@link #TYPES} on {@code vertx}'s event bus, once per Vertx. */
    public static void register(Vertx vertx) {
        synchronized (REGISTERED) {
            if (REGISTERED.contains(vertx)) {
                return;
            }
            EventBus bus = vertx.eventBus();
            for (Class<?> type : TYPES) {
                registerOne(bus, type);
            }
            REGISTERED.add(vertx);
        }
    }

    private static <T> void registerOne(EventBus bus, Class<T> type) {
        try {
            bus.registerDefaultCodec(type, new RecordCodec<>(type));
        } catch (IllegalStateException already) {
            // registered by other code on this Vertx (same name, same class): nothing to add
        }
    }

    /** The codec name of {@code type}: {@code codex.v1.Event}, {@code codex.v1.SandboxMessages.ExecCommand}. */
    public static String codecName(Class<?> type) {
        String name = type.getName();
        String pkg = BusCodecs.class.getPackageName() + ".";
        return PREFIX + (name.startsWith(pkg) ? name.substring(pkg.length()) : name).replace('$', '.');
    }

    /** The codec of one record type; package-private for the tests. */
    static final class RecordCodec<T> implements MessageCodec<T, Object> {
        private final Class<T> type;
        private final String name;

        RecordCodec(Class<T> type) {
            this.type = type;
            this.name = codecName(type);
        }

        @Override
        public void encodeToWire(Buffer buffer, T value) {
            byte[] json = Json.encodeBytes(value);
            buffer.appendInt(json.length).appendBytes(json);
        }

        /** The record, or an {@link Undecodable} (never an exception: Vert.x would drop the message). */
        @Override
        public Object decodeFromWire(int pos, Buffer buffer) {
            int length = buffer.getInt(pos);
            byte[] json = buffer.getBytes(pos + 4, pos + 4 + length);
            try {
                return Json.decode(json, type);
            } catch (RuntimeException e) {
                return new Undecodable(type.getSimpleName(), e.getMessage(), rawObject(json));
            }
        }

        private static JsonObject rawObject(byte[] json) {
            try {
                return new JsonObject(Buffer.buffer(json));
            } catch (RuntimeException notAnObject) {
                return null;
            }
        }

        /** Local delivery: the same immutable record. */
        @Override
        public Object transform(T value) {
            return value;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
