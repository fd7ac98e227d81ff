package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.SyntheticJobs;
import org.junit.jupiter.api.Test;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The safety cap: more abandoned jobs than --max-jobs and none is touched; dangling entries do not count. */
@QuarkusMainTest
class MaxJobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void moreAbandonedJobsThanTheCapAreAllLeftAlone(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            SyntheticJobs.seed(redis, 25, 1, "q", "job-");
            for (int i = 0; i < 10; i++) {
                redis.cli("ZADD", "rq:wip:q1", "1", "dangling-" + i);
            }
            for (boolean dryRun : new boolean[] {true, false}) {
                LaunchResult r = dryRun
                        ? launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "24", "-o", "json", "--dry-run")
                        : launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "24", "-o", "json");
                assertEquals(0, r.exitCode(), evidence(r));
                JsonNode doc = JSON.readTree(r.getOutput());
                assertTrue(doc.get("capped").asBoolean(), evidence(r));
                assertEquals(25, doc.get("stuck").asInt(), "the dangling entries do not count\n" + evidence(r));
                assertEquals(0, doc.get("cleaned").asInt(), evidence(r));
                assertEquals(0, doc.get("jobs").size(), evidence(r));
                assertTrue(r.getErrorOutput().contains("found 25 abandoned jobs, more than --max-jobs 24"), evidence(r));
                assertEquals("35", redis.cli("ZCARD", "rq:wip:q1").trim(), "nothing was touched");
                assertEquals("started", redis.cli("HGET", "rq:job:job-7", "status").trim());
            }
            LaunchResult text = launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "24", "--strict");
            assertEquals(1, text.exitCode(), evidence(text));
            assertTrue(text.getOutput().contains("Found 25 abandoned job(s), more than --max-jobs 24: nothing changed"),
                    evidence(text));

            // 25 abandoned jobs and 10 dangling entries: 35 entries, but 25 jobs is within a cap of 25.
            LaunchResult within = launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "25", "-o", "json", "--strict");
            assertEquals(0, within.exitCode(), evidence(within));
            JsonNode doc = JSON.readTree(within.getOutput());
            assertFalse(doc.get("capped").asBoolean(), evidence(within));
            assertEquals(35, doc.get("cleaned").asInt(), evidence(within));
            assertEquals("0", redis.cli("ZCARD", "rq:wip:q1").trim());
        }
    }

    @Test
    void zeroMeansNoCapAndTheDefaultIsAThousand(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            SyntheticJobs.seed(redis, 1001, 1, "q", "job-");
            LaunchResult capped = launcher.launch("sweep", "--redis-url", redis.url(), "-o", "json");
            JsonNode doc = JSON.readTree(capped.getOutput());
            assertTrue(doc.get("capped").asBoolean(), evidence(capped));
            assertEquals(1000, doc.get("maxJobs").asInt());
            assertEquals(1001, doc.get("stuck").asInt());
            LaunchResult all = launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "0", "-o", "json");
            doc = JSON.readTree(all.getOutput());
            assertFalse(doc.get("capped").asBoolean(), evidence(all));
            assertEquals(1001, doc.get("cleaned").asInt(), evidence(all));
        }
    }
}
