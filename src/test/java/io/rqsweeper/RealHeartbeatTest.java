package io.rqsweeper;

import io.quarkus.test.junit.QuarkusTest;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.sweep.JobReport;
import io.rqsweeper.sweep.Outcome;
import io.rqsweeper.sweep.Reason;
import io.rqsweeper.sweep.SweepOptions;
import io.rqsweeper.sweep.SweepPolicy;
import io.rqsweeper.sweep.SweepReport;
import io.rqsweeper.sweep.SweepService;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.RqInstall;
import io.rqsweeper.testing.RqScenario;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one test that waits for real time instead of fast-forwarding: a SIGKILLed worker's job is left alone
 * while its heartbeat is still valid and found once RQ's own timing says it lapsed (60–90 s).
 */
@QuarkusTest
class RealHeartbeatTest {
    @Inject
    SweepService service;

    @Test
    void killedWorkersJobIsFoundOnceItsRealHeartbeatLapses() throws Exception {
        RqInstall rq = RqInstall.latest();
        SweepOptions options = SweepOptions.of(List.of(),
                new SweepPolicy(Duration.ofMinutes(10), Duration.ofSeconds(5), false), SweepOptions.Action.FAIL, false, null);
        try (RedisServer redis = RedisServer.start()) {
            RqScenario.Started job = new RqScenario(rq, redis).startedJob("default", Map.of());
            job.worker().killWithHorse();
            long killedAt = System.nanoTime();
            SweepReport report;
            do {
                Thread.sleep(2000);
                report = service.sweep(RedisTarget.parse(redis.url()), Duration.ofSeconds(5), options);
                assertTrue(System.nanoTime() - killedAt < Duration.ofSeconds(150).toNanos(), "not found in 150 s: " + report);
            } while (report.jobs().isEmpty());
            long seconds = Duration.ofNanos(System.nanoTime() - killedAt).toSeconds();

            JobReport j = report.jobs().get(0);
            assertEquals(Outcome.FAILED, j.outcome(), report.toString());
            assertEquals(Reason.HEARTBEAT_LAPSED, j.reason());
            // RQ's heartbeat is 90 s; 60 s is the least a just-refreshed entry can have left.
            assertTrue(seconds >= 55, "acted after only " + seconds + " s: " + report);
            assertEquals("failed", redis.cli("HGET", "rq:job:" + job.id(), "status"));
        }
    }
}
