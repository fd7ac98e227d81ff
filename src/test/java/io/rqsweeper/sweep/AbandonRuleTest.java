package io.rqsweeper.sweep;

import io.rqsweeper.rq.JobFields;
import io.rqsweeper.rq.StartedEntry;
import io.rqsweeper.rq.WorkerFacts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The decision rule on its own, for the cases real workers cannot produce on demand. */
class AbandonRuleTest {
    static final long NOW = Instant.parse("2026-11-28T12:00:00Z").getEpochSecond();
    static final SweepPolicy DEFAULTS = new SweepPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), false);
    static final StartedEntry FUTURE = StartedEntry.parse("j1:0123456789abcdef0123456789abcdef", NOW + 60);
    static final StartedEntry LAPSED = StartedEntry.parse("j1", NOW - 120);

    static JobFields job(Map<String, String> fields) {
        byte[][] values = new byte[JobFields.NAMES.size()][];
        fields.forEach((k, v) -> values[JobFields.NAMES.indexOf(k)] = v.getBytes(StandardCharsets.UTF_8));
        return new JobFields(values);
    }

    static JobFields started(String startedAt) {
        return job(Map.of("status", "started", "started_at", startedAt, "worker_name", "w1", "timeout", "180"));
    }

    static WorkerFacts worker(boolean exists, boolean death, String birth, String currentJob, long subscribers) {
        return new WorkerFacts("w1", exists, death, birth, currentJob, false, subscribers, null);
    }

    @Test
    void liveOwnerIsNeverAbandonedHoweverOld() {
        Verdict v = AbandonRule.judge(LAPSED, started("2026-11-27T12:00:00.000000Z"),
                worker(true, false, "2026-11-27T11:00:00Z", "j1", 1), NOW, DEFAULTS);
        assertEquals(Verdict.of(Verdict.Kind.KEPT, Reason.WORKER_ALIVE), v);
    }

    @Test
    void maxAgeNeverAppliesBeforeTheJobSaysStarted() {
        // RQ 2.x writes the entry just before the fork; the hash still says 'queued' for a moment.
        JobFields queued = job(Map.of("status", "queued", "started_at", "2026-11-27T12:00:00Z", "worker_name", "w1"));
        SweepPolicy zero = new SweepPolicy(Duration.ZERO, Duration.ofSeconds(30), false);
        Verdict v = AbandonRule.judge(FUTURE, queued, worker(true, false, "2026-11-27T11:00:00Z", null, 1), NOW, zero);
        assertEquals(Verdict.Kind.HEALTHY, v.kind());
    }

    @Test
    void sameNameWorkerBornAfterTheJobStartedIsNotItsOwner() {
        Verdict v = AbandonRule.judge(LAPSED, started("2026-11-28T11:00:00Z"),
                worker(true, false, "2026-11-28T11:30:00Z", "j1", 1), NOW, DEFAULTS);
        assertEquals(List.of(Reason.HEARTBEAT_LAPSED, Reason.WORKER_RESTARTED), v.reasons());
    }

    @Test
    void goneOwnerPastMaxAgeIsAbandonedBeforeTheHeartbeatLapses() {
        Verdict v = AbandonRule.judge(FUTURE, started("2026-11-28T11:00:00Z"), worker(false, false, null, null, 0), NOW, DEFAULTS);
        assertEquals(List.of(Reason.MAX_AGE, Reason.WORKER_GONE), v.reasons());
        Verdict young = AbandonRule.judge(FUTURE, started("2026-11-28T11:58:00Z"), worker(false, false, null, null, 0), NOW, DEFAULTS);
        assertEquals(Verdict.Kind.HEALTHY, young.kind());
    }

    @Test
    void orphanHorseIsTrustedUntilItMustHaveTimedOut() {
        WorkerFacts keyGoneButSubscribed = worker(false, false, null, null, 1);
        Verdict within = AbandonRule.judge(LAPSED, started("2026-11-28T11:57:00Z"), keyGoneButSubscribed, NOW, DEFAULTS);
        assertEquals(Verdict.of(Verdict.Kind.KEPT, Reason.HORSE_MAY_BE_RUNNING), within);
        // 180 s timeout + 60 s grace + 30 s margin have passed since started_at.
        Verdict past = AbandonRule.judge(LAPSED, started("2026-11-28T11:55:00Z"), keyGoneButSubscribed, NOW, DEFAULTS);
        assertEquals(List.of(Reason.HEARTBEAT_LAPSED, Reason.HORSE_TIMED_OUT), past.reasons());
    }

    @Test
    void heartbeatWithinTheSkewMarginIsNotLapsed() {
        StartedEntry justPast = StartedEntry.parse("j1", NOW - 10);
        Verdict v = AbandonRule.judge(justPast, started("2026-11-28T11:59:00Z"), worker(false, false, null, null, 0), NOW, DEFAULTS);
        assertEquals(Verdict.Kind.HEALTHY, v.kind());
    }

    @Test
    void forceActsOnLiveJobsToo() {
        Verdict v = AbandonRule.judge(FUTURE, started("2026-11-28T11:59:00Z"),
                worker(true, false, "2026-11-28T11:00:00Z", "j1", 1), NOW, new SweepPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), true));
        assertEquals(List.of(Reason.FORCED, Reason.WORKER_ALIVE), v.reasons());
    }

    @Test
    void finalStatusWithAnEntryLeftIsAStaleEntry() {
        assertEquals(Verdict.Kind.STALE, AbandonRule.judge(FUTURE, job(Map.of("status", "finished")), null, NOW, DEFAULTS).kind());
        assertEquals(Verdict.Kind.DANGLING, AbandonRule.judge(FUTURE, null, null, NOW, DEFAULTS).kind());
    }
}
