package codex.notifier;

import codex.protocol.Addresses;
import codex.protocol.NotifierMessages.Delivered;
import codex.protocol.NotifierMessages.TurnComplete;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Thin adapter: listens on {@link Addresses#NOTIFIER_TURN_COMPLETE} and runs the notify program of
 * its own configuration off the event loop. A message carries the turn, never a program to run.
 */
public class NotifierVerticle extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(NotifierVerticle.class.getName());
    private final NotifyProgramRunner runner;
    private final String client;
    private final AtomicInteger running = new AtomicInteger();
    private final DeliveredTurns delivered = new DeliveredTurns(4096);

    /** @param notifyProgram argv of {@code notify} from this process's config; empty: turns are not notified */
    public NotifierVerticle(List<String> notifyProgram) {
        this(notifyProgram, null);
    }

    /** @param client the payload's {@code client}: which front end this process is ({@code codex_exec}, …); null: left out */
    public NotifierVerticle(List<String> notifyProgram, String client) {
        this.runner = new NotifyProgramRunner(notifyProgram, LOG::warning, 30);
        this.client = client;
    }

    @Override
    public Future<?> start() {
        codex.protocol.BusCodecs.register(vertx);
        return codex.protocol.ServicePing.answer(vertx, "notifier").compose(v -> vertx.eventBus().consumer(Addresses.NOTIFIER_TURN_COMPLETE, msg -> {
            TurnComplete tc;
            try {
                tc = codex.protocol.BusRequests.body(msg.body(), TurnComplete.class);
            } catch (IllegalArgumentException e) {
                LOG.warning("ignoring a turn_complete message: " + e.getMessage());
                return;
            }
            if (!delivered.firstTime(tc.sessionId(), tc.turnId())) {
                msg.reply(new Delivered(false)); // sent again after its answer was lost
                return;
            }
            String payload = TurnCompleteNotification.json(tc.sessionId(), tc.turnId(), tc.cwd(), client,
                    tc.inputMessages() == null ? List.of() : tc.inputMessages(), tc.lastAssistantMessage());
            running.incrementAndGet();
            // unordered: one slow notify program must not hold up the next one
            vertx.executeBlocking(() -> runner.run(payload), false).onComplete(ar -> {
                running.decrementAndGet();
                // answered once the program is done, so a turn is never taken and then lost; a program
                // that failed is not run again (it is logged)
                msg.reply(new Delivered(ar.succeeded() && ar.result()));
            });
        }).completion());
    }

    /** Undeploy (process exit) waits up to 5 s for notify programs that are still running. */
    @Override
    public Future<?> stop() {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        long deadline = System.currentTimeMillis() + 5000;
        waitForRunning(done, deadline);
        return done.future();
    }

    private void waitForRunning(io.vertx.core.Promise<Void> done, long deadline) {
        if (running.get() == 0 || System.currentTimeMillis() > deadline) {
            done.complete();
        } else {
            vertx.setTimer(20, t -> waitForRunning(done, deadline));
        }
    }

    /** Notify programs still running (the CLI waits briefly for them before exiting). */
    public int running() {
        return running.get();
    }
}
