package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.SyntheticJobs;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis answering with errors instead of results: each ends in a clear message, in bounded time, with nothing
 * half-done (every job either untouched or completely failed).
 */
@QuarkusMainTest
class FaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void scriptsFlushedMidSweepAreLoadedAgain(QuarkusMainLauncher launcher) throws Exception {
        int n = 3000;
        try (RedisServer redis = RedisServer.start()) {
            SyntheticJobs.seed(redis, n, 1, "q", "job-");
            AtomicBoolean done = new AtomicBoolean();
            CompletableFuture<Integer> flusher = CompletableFuture.supplyAsync(() -> {
                int flushes = 0;
                while (!done.get()) {
                    redis.cli("SCRIPT", "FLUSH");
                    flushes++;
                }
                return flushes;
            });
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "0", "--strict", "-o", "json");
            done.set(true);
            assertTrue(flusher.get(30, TimeUnit.SECONDS) > 0);
            assertEquals(0, r.exitCode(), evidence(r));
            JsonNode doc = JSON.readTree(RedisLostTest.json(r.getOutput()));
            assertEquals(n, doc.get("cleaned").asInt(), evidence(r));
            assertEquals("", SyntheticJobs.inconsistent(redis, 1, "q", "job-", n).trim());
        }
    }

    @Test
    void aReadOnlyReplicaIsAClearErrorAndChangesNothing(QuarkusMainLauncher launcher) {
        try (RedisServer primary = RedisServer.start()) {
            SyntheticJobs.seed(primary, 5, 1, "q", "job-");
            try (RedisServer replica = RedisServer.startWith("--replicaof", "127.0.0.1", Integer.toString(primary.port()))) {
                Processes.await("the replica to sync", 20_000, () -> replica.cli("ZCARD", "rq:wip:q1").trim().equals("5"));
                LaunchResult r = launcher.launch("sweep", "--redis-url", replica.url(), "--strict");
                assertEquals(1, r.exitCode(), evidence(r));
                assertTrue(r.getErrorOutput().contains("READONLY"), evidence(r));
                assertFalse(r.getErrorOutput().contains("\tat "), evidence(r));
                assertEquals("5", primary.cli("ZCARD", "rq:wip:q1").trim());
                assertEquals("", SyntheticJobs.inconsistent(primary, 1, "q", "job-", 5).trim());
            }
        }
    }

    @Test
    void underMaxmemoryEachJobIsWholeAndTheRefusedLockIsNamed(QuarkusMainLauncher launcher) {
        // Memory full (noeviction): Redis refuses commands that grow memory, and a script only at its first write.
        // The sweeper lock (a new key) is refused, with a warning naming OOM; failing a job starts by removing its
        // registry entry, so Redis lets those scripts run, each whole.
        try (RedisServer redis = RedisServer.startWith("--maxmemory-policy", "noeviction")) {
            SyntheticJobs.seed(redis, 200, 1, "q", "job-");
            String info = redis.cli("INFO", "memory");
            long used = Long.parseLong(info.replaceAll("(?s).*used_memory:(\\d+).*", "$1"));
            redis.cli("CONFIG", "SET", "maxmemory", Long.toString(used));
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url());
            redis.cli("CONFIG", "SET", "maxmemory", "0");
            assertEquals(0, r.exitCode(), evidence(r));
            assertTrue(r.getErrorOutput().contains("OOM command not allowed"), evidence(r));
            assertFalse(r.getErrorOutput().contains("\tat "), evidence(r));
            assertEquals("", SyntheticJobs.inconsistent(redis, 1, "q", "job-", 200).trim(), "no job changed by halves");
        }
    }

    @Test
    void aBusyRedisIsAClearError(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer redis = RedisServer.startWith("--busy-reply-threshold", "100")) {
            SyntheticJobs.seed(redis, 5, 1, "q", "job-");
            CompletableFuture<String> busy = CompletableFuture.supplyAsync(
                    () -> redis.cli("EVAL", "local i = 0 while true do i = i + 1 end", "0"));
            Thread.sleep(500);
            try {
                LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "--strict", "--timeout", "2s");
                assertEquals(1, r.exitCode(), evidence(r));
                assertTrue(r.getErrorOutput().contains("BUSY"), evidence(r));
                assertFalse(r.getErrorOutput().contains("\tat "), evidence(r));
            } finally {
                redis.cli("SCRIPT", "KILL");
                busy.get(10, TimeUnit.SECONDS);
            }
            assertEquals("5", redis.cli("ZCARD", "rq:wip:q1").trim());
        }
    }

    @Test
    void aPausedRedisEndsWithinTheTimeout(QuarkusMainLauncher launcher) {
        try (RedisServer redis = RedisServer.start()) {
            SyntheticJobs.seed(redis, 5, 1, "q", "job-");
            // Paused for longer than the sweep may take; the last check waits for the pause to end.
            redis.cli("CLIENT", "PAUSE", "8000", "ALL");
            long start = System.nanoTime();
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "--timeout", "1s", "-o", "json");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, r.exitCode(), evidence(r));
            assertTrue(r.getErrorOutput().contains("did not answer"), evidence(r));
            assertTrue(millis < 7_000, "took " + millis + " ms");
            assertEquals("5", redis.cli("ZCARD", "rq:wip:q1").trim());
        }
    }
}
