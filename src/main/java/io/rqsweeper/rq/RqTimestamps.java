package io.rqsweeper.rq;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** RQ's timestamp text: UTC {@code YYYY-MM-DDTHH:MM:SS[.ffffff]Z} in job and worker hashes. */
public final class RqTimestamps {
    private static final DateTimeFormatter RQ_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");
    private static final DateTimeFormatter FAILURE_TEXT_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00:00'");

    private RqTimestamps() {
    }

    /** Parses RQ's text form (1 to 6 fractional digits or none); empty for blank or garbage text. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        if (t.endsWith("Z")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code 2026-11-28T14:03:54.272816Z}, as RQ writes {@code enqueued_at}. */
    public static String format(Instant instant) {
        return RQ_FORMAT.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** {@code 2026-11-28 14:07:39.834110+00:00}, as RQ 2.2+ prints the time in its abandoned-job text. */
    public static String formatForFailureText(Instant instant) {
        return FAILURE_TEXT_FORMAT.format(instant.atOffset(ZoneOffset.UTC));
    }
}
