package io.rqsweeper.rq;

import java.time.DateTimeException;
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
        Optional<Instant> canonical = parseCanonical(t);
        if (canonical != null) {
            return canonical;
        }
        try {
            return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The form RQ writes, {@code YYYY-MM-DDTHH:MM:SS[.f…]} (1 to 9 fractional digits), read without the general
     * parser: a sweep reads a few timestamps per job, and that parser took about 6 % of a sweep's CPU time.
     * Null for any other text, which then goes to that parser; empty for a date or time that does not exist.
     */
    private static Optional<Instant> parseCanonical(String t) {
        int n = t.length();
        if (n < 19 || (n > 19 && (n == 20 || n > 29 || t.charAt(19) != '.'))
                || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        int fraction = n > 19 ? digits(t, 20, n) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0) {
            return null;
        }
        int nanos = n > 19 ? fraction * TENS[9 - (n - 20)] : 0;
        try {
            return Optional.of(LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static final int[] TENS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** The decimal number in t[from, to), or -1 when a character is not an ASCII digit. */
    private static int digits(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
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
