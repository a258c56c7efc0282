package codex.agent;

import codex.protocol.Addresses;
import codex.protocol.NotifierMessages.TurnComplete;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.logging.Logger;

/**
 * Sends each completed turn to the notifier and waits for its answer; a turn the notifier did not
 * take (none running, or no answer) is sent again by {@link Redelivery} until the window closes.
 * At least once: the notifier skips a turn it already ran. Pending turns live in this agent's
 * memory, so they are lost if the agent itself stops before the notifier is back.
 */
final class TurnNotifications {
    private static final Logger LOG = Logger.getLogger(TurnNotifications.class.getName());
    /** Longer than the notifier lets a program run (30 s): its answer comes when the program is done. */
    private static final DeliveryOptions SEND = new DeliveryOptions().setSendTimeout(40_000);
    private final Vertx vertx;
    private final Redelivery redelivery;

    TurnNotifications(Vertx vertx, Redelivery redelivery) {
        this.vertx = vertx;
        this.redelivery = redelivery;
    }

    void send(TurnComplete turn) {
        attempt(turn, System.currentTimeMillis(), 0);
    }

    private void attempt(TurnComplete body, long firstAt, int attempt) {
        vertx.eventBus().request(Addresses.NOTIFIER_TURN_COMPLETE, body, SEND).onFailure(err -> {
            long delay = redelivery.nextDelayMs(attempt, firstAt, System.currentTimeMillis());
            if (delay < 0) {
                LOG.warning("the notification of turn " + body.turnId() + " of session "
                        + body.sessionId() + " was not delivered within " + redelivery.window().toSeconds()
                        + " s ([notifier] redelivery_window_seconds): " + err.getMessage());
                return;
            }
            vertx.setTimer(delay, t -> attempt(body, firstAt, attempt + 1));
        });
    }
}
