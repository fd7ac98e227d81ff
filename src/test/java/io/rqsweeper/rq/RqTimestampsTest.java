package io.rqsweeper.rq;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RqTimestampsTest {

    /** What java.time's ISO parser makes of the text once the trailing Z is dropped: the meaning parse() keeps. */
    private static Optional<Instant> iso(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        t = t.endsWith("Z") ? t.substring(0, t.length() - 1) : t;
        try {
            return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Test
    void readsWhatRqWritesToTheMicrosecond() {
        assertEquals(Optional.of(Instant.parse("2026-11-28T20:31:17.539235Z")), RqTimestamps.parse("2026-11-28T20:31:17.539235Z"));
        assertEquals(Optional.of(Instant.parse("2026-11-28T20:31:17Z")), RqTimestamps.parse("2026-11-28T20:31:17Z"));
        assertEquals(Optional.of(Instant.parse("2026-11-28T20:31:17.500Z")), RqTimestamps.parse(" 2026-11-28T20:31:17.5 "));
    }

    @Test
    void agreesWithTheIsoParserOnOddAndBrokenTexts() {
        List<String> texts = new ArrayList<>(List.of("", " ", "Z", "2026-02-29T00:00:00Z", "2028-02-29T00:00:00Z",
                "2026-11-28T24:00:00Z", "2026-11-28T23:59:60Z", "2026-13-01T00:00:00Z", "2026-11-28T20:31:17.Z",
                "2026-11-28T20:31:17.1234567891Z", "2026-11-28T20:31:17.123456789", "2026-11-28 20:31:17.5Z",
                "2026-11-28T20:31Z", "+2026-11-28T20:31:17Z", "2026-11-28T20:31:17+00:00", "2026-1-28T20:31:17Z",
                "0000-01-01T00:00:00Z", "９９９９-01-01T00:00:00Z", "2026-11-28T20:31:17.-5Z", "2026-11-28T20:31:17ZZ"));
        Random random = new Random(5);
        String alphabet = "0123456789-T:.Z +";
        for (int i = 0; i < 20_000; i++) {
            char[] t = String.format("%04d-%02d-%02dT%02d:%02d:%02d.%09d", random.nextInt(10_000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62),
                    random.nextInt(1_000_000_000)).toCharArray();
            if (random.nextBoolean()) {
                t[random.nextInt(t.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String text = new String(t, 0, 19 + random.nextInt(t.length - 18)) + (random.nextBoolean() ? "Z" : "");
            texts.add(text);
        }
        for (String text : texts) {
            assertEquals(iso(text), RqTimestamps.parse(text), text);
        }
    }
}
