package codex.agent.model;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, honouring a server's Retry-After within a cap. */
public record RetryPolicy(int maxRequestRetries, int maxStreamRetries, long baseDelayMs, long maxDelayMs) {

    public static final long MAX_RETRY_AFTER_MS = 60_000;

    /** Delay before retry number {@code attempt} (1-based). */
    public long delayMs(int attempt, long retryAfterMs) {
        if (retryAfterMs >= 0) {
            return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
        }
        long exp = baseDelayMs * (1L << Math.min(attempt - 1, 20));
        long capped = Math.min(exp, maxDelayMs);
        double jitter = 0.9 + ThreadLocalRandom.current().nextDouble() * 0.2;
        return Math.max(1, (long) (capped * jitter));
    }

    /** Parses a Retry-After header: delta-seconds (fractions allowed), or -1 when absent/unparseable. */
    public static long parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        try {
            double seconds = Double.parseDouble(header.trim());
            return seconds < 0 ? -1 : (long) (seconds * 1000);
        } catch (NumberFormatException e) {
            try {
                var when = java.time.ZonedDateTime.parse(header.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, when.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (java.time.format.DateTimeParseException e2) {
                return -1;
            }
        }
    }
}
