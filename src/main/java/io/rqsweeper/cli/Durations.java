package io.rqsweeper.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 500ms}, or ISO {@code PT10M}. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * Parses a duration; a bare integer is in {@code bareUnit} (minutes for --max-age, as the old script's
     * flag was).
     *
     * @throws IllegalArgumentException with a message naming the accepted forms
     */
    public static Duration parse(String text, ChronoUnit bareUnit) {
        String t = text == null ? "" : text.trim().toLowerCase();
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration");
            }
            String unit = m.group(2);
            if (unit == null) {
                try {
                    return Duration.of(n, bareUnit);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("'" + text + "' is too long a duration");
                }
            }
            try {
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration");
            }
        }
        try {
            Duration d = Duration.parse(t.toUpperCase());
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 90s, 10m, 2h"
                + (bareUnit == ChronoUnit.MINUTES ? ", or a bare number of minutes" : ""));
    }

    /**
     * Parses the value of a named option or setting; the message of a bad value starts with that name, e.g.
     * {@code --max-age: 'ten' is not a duration: ...}.
     */
    public static Duration option(String name, String text, ChronoUnit bareUnit) {
        try {
            return parse(text, bareUnit);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    /** The shortest form {@link #parse} reads back: {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 500ms}. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** {@code 0:15:23} as the old script printed ages. */
    public static String clock(long seconds) {
        return String.format("%d:%02d:%02d", seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    }
}
