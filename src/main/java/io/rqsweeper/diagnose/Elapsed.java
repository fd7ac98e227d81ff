package io.rqsweeper.diagnose;

import io.rqsweeper.rq.RqTimestamps;

import java.time.Duration;
import java.util.Optional;

/** Compact spans as operators read them in a diagnosis: {@code 3s}, {@code 4m12s}, {@code 2h5m}, {@code 3d4h}. */
public final class Elapsed {
    private Elapsed() {
    }

    /** The span in its two largest units; negative spans are shown by their size. */
    public static String compact(long seconds) {
        long s = Math.abs(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        if (s < 86_400) {
            return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
        }
        return s / 86_400 + "d" + (s % 86_400 / 3600 == 0 ? "" : s % 86_400 / 3600 + "h");
    }

    public static String compact(Duration d) {
        return compact(d.toSeconds());
    }

    /** {@code 4m12s ago}, or {@code in 3s} for a time still ahead (worker clocks run ahead of Redis's). */
    public static String relative(long secondsAgo) {
        return secondsAgo >= 0 ? compact(secondsAgo) + " ago" : "in " + compact(-secondsAgo);
    }

    /** Seconds from an RQ timestamp text to {@code now}, or empty when the text is missing or unreadable. */
    public static Optional<Long> since(String rqTimestamp, long now) {
        return RqTimestamps.parse(rqTimestamp).map(t -> now - t.getEpochSecond());
    }
}
