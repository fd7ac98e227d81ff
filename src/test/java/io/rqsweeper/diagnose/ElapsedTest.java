package io.rqsweeper.diagnose;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ElapsedTest {

    @Test
    void spansReadAsOperatorsWriteThem() {
        assertEquals("0s", Elapsed.compact(0));
        assertEquals("3s", Elapsed.compact(3));
        assertEquals("4m12s", Elapsed.compact(252));
        assertEquals("5m", Elapsed.compact(300));
        assertEquals("2h5m", Elapsed.compact(7_500));
        assertEquals("1d", Elapsed.compact(86_400));
        assertEquals("3d4h", Elapsed.compact(3 * 86_400 + 4 * 3600 + 59));
        assertEquals("4m12s ago", Elapsed.relative(252));
        assertEquals("in 3s", Elapsed.relative(-3));
    }

    @Test
    void rqTimestampsAreMeasuredFromRedisTime() {
        long now = java.time.Instant.parse("2026-11-28T14:07:54Z").getEpochSecond();
        assertEquals(240L, Elapsed.since("2026-11-28T14:03:54.272816Z", now).orElseThrow());
        assertEquals(java.util.Optional.empty(), Elapsed.since("yesterday-ish", now));
        assertEquals(java.util.Optional.empty(), Elapsed.since("", now));
    }
}
