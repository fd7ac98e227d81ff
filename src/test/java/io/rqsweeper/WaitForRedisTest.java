package io.rqsweeper;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --wait: a pipeline step that starts before Redis does. */
@QuarkusMainTest
class WaitForRedisTest {

    @Test
    void waitsForARedisThatComesLate(QuarkusMainLauncher launcher) throws Exception {
        int port = Processes.freePort();
        CompletableFuture<RedisServer> late = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RedisServer.startOn(port, null);
        });
        try {
            LaunchResult r = launcher.launch("sweep", "--redis-url", "redis://127.0.0.1:" + port + "/0", "--wait", "30s",
                    "--strict");
            assertEquals(0, r.exitCode(), evidence(r));
            assertTrue(r.getOutput().contains("No stuck jobs"), evidence(r));
        } finally {
            late.get(30, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aRedisThatNeverComesIsAWarningAfterTheWait(QuarkusMainLauncher launcher) {
        String url = "redis://127.0.0.1:" + Processes.freePort() + "/0";
        long start = System.nanoTime();
        LaunchResult r = launcher.launch("sweep", "--redis-url", url, "--wait", "2s");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exitCode(), evidence(r));
        assertTrue(r.getErrorOutput().contains("Redis did not answer within --wait 2s"), evidence(r));
        assertTrue(millis >= 2000, "gave up after " + millis + " ms");
        LaunchResult strict = launcher.launch("sweep", "--redis-url", url, "--wait", "1s", "--strict");
        assertEquals(1, strict.exitCode(), evidence(strict));
    }

    @Test
    void aRejectedPasswordIsNotRetried(QuarkusMainLauncher launcher) {
        try (RedisServer redis = RedisServer.start("right-pw-8")) {
            long start = System.nanoTime();
            LaunchResult r = launcher.launch("sweep", "--redis-url", "redis://:wrong-pw-9@127.0.0.1:" + redis.port() + "/0",
                    "--wait", "60s", "--strict");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, r.exitCode(), evidence(r));
            assertTrue(r.getErrorOutput().contains("authentication failed"), evidence(r));
            assertFalse(r.getErrorOutput().contains("did not answer within"), evidence(r));
            assertTrue(millis < 20_000, "took " + millis + " ms: the password was retried");
        }
    }
}
