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
    /** RQ's form with up to 9 fractional digits, where '0' stands for any digit ({@link #isRqForm}). */
    private static final String RQ_FORM = "0000-00-00T00:00:00.000000000";
    /** Nanoseconds per unit of a fraction with 9, 8, … 1 digits. */
    private static final int[] TENS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private RqTimestamps() {
    }

    /** Parses RQ's text form (1 to 9 fractional digits or none); empty for blank or garbage text. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        if (t.endsWith("Z")) {
            t = t.substring(0, t.length() - 1);
        }
        if (isRqForm(t)) {
            return parseRqForm(t);
        }
        try {
            return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the text has the form RQ writes, {@code YYYY-MM-DDTHH:MM:SS[.f…]} (1 to 9 fractional digits). Such
     * text is read without the general parser: a sweep reads a few timestamps per job, and that parser took about
     * 6 % of a sweep's CPU time.
     */
    private static boolean isRqForm(String t) {
        int n = t.length();
        if (n != 19 && (n < 21 || n > RQ_FORM.length())) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = t.charAt(i);
            char f = RQ_FORM.charAt(i);
            if (f == '0' ? c < '0' || c > '9' : c != f) {
                return false;
            }
        }
        return true;
    }

    /** Reads text of RQ's form ({@link #isRqForm}); empty for a date or time that does not exist. */
    private static Optional<Instant> parseRqForm(String t) {
        int n = t.length();
        int nanos = n > 19 ? number(t, 20, n) * TENS[29 - n] : 0;
        try {
            return Optional.of(LocalDateTime.of(number(t, 0, 4), number(t, 5, 7), number(t, 8, 10), number(t, 11, 13),
                    number(t, 14, 16), number(t, 17, 19), nanos).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The decimal number of the ASCII digits in t[from, to). */
    private static int number(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (t.charAt(i) - '0');
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
