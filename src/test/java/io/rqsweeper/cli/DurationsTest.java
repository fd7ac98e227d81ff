package io.rqsweeper.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {
    @Test
    void bareNumberOfMaxAgeMeansMinutesAsTheOldScriptHad() {
        assertEquals(Duration.ofMinutes(10), Durations.parse("10", ChronoUnit.MINUTES));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s", ChronoUnit.MINUTES));
        assertEquals(Duration.ofHours(2), Durations.parse("2h", ChronoUnit.MINUTES));
        assertEquals(Duration.ofMinutes(15), Durations.parse("PT15M", ChronoUnit.MINUTES));
        assertEquals(Duration.ZERO, Durations.parse("0", ChronoUnit.MINUTES));
    }

    @Test
    void garbageIsRejectedWithTheAcceptedForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("ten", ChronoUnit.MINUTES));
        assertEquals("'ten' is not a duration: use e.g. 90s, 10m, 2h, or a bare number of minutes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5m", ChronoUnit.SECONDS));
    }

    @Test
    void durationsPrintInTheShortestFormTheyAreReadBackFrom() {
        for (String text : java.util.List.of("90s", "10m", "2h", "1d", "500ms", "0s", "61s")) {
            assertEquals(text, Durations.text(Durations.parse(text, ChronoUnit.SECONDS)));
        }
        assertEquals("1m", Durations.text(Duration.ofSeconds(60)));
    }

    @Test
    void agesPrintAsTheOldScriptPrintedThem() {
        assertEquals("0:15:23", Durations.clock(923));
    }
}
