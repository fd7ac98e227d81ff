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

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * redis-server killed (SIGKILL) in the middle of a sweep of thousands of jobs: what was done stays done, the rest is
 * untouched, no job is changed by halves, and a second run finishes the rest. The server writes every change to
 * its append-only file before answering, so after the restart it holds exactly what it acknowledged.
 */
@QuarkusMainTest
class RedisLostTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The JSON document from captured output. In this in-process launch, log lines share stdout with it, and the
     * Redis client's own assert statements (on only under the tests' -ea) log a stack trace when the connection
     * drops mid-reply, possibly in the middle of the document; the real process logs to stderr.
     */
    static String json(String output) {
        java.util.regex.Pattern logLine = java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} ");
        StringBuilder sb = new StringBuilder();
        for (String line : output.split("\n")) {
            if (line.startsWith("\t") || line.startsWith("Caused by")) {
                continue;
            }
            // A log line may start in the middle of the document's line: keep what came before it.
            java.util.regex.Matcher m = logLine.matcher(line);
            sb.append(m.find() ? line.substring(0, m.start()) : line);
        }
        String text = sb.toString();
        return text.substring(text.indexOf('{'));
    }

    @Test
    void killedMidSweepLeavesEveryJobWholeAndASecondRunFinishes(QuarkusMainLauncher launcher) throws Exception {
        int n = 20_000;
        try (RedisServer redis = RedisServer.startPersistent()) {
            SyntheticJobs.seed(redis, n, 1, "big", "job-");
            CompletableFuture<Long> killed = CompletableFuture.supplyAsync(() -> {
                Processes.await("the sweep to fail some jobs", 60_000,
                        () -> Long.parseLong(redis.cli("ZCARD", "rq:failed:big1").trim()) >= 1000);
                redis.stop();
                return System.nanoTime();
            });
            LaunchResult first = launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "0", "-o", "json");
            killed.get(60, TimeUnit.SECONDS);
            assertEquals(0, first.exitCode(), evidence(first));
            JsonNode doc = JSON.readTree(json(first.getOutput()));
            assertEquals("lost", doc.get("redis").asText(), evidence(first));
            int done = doc.get("cleaned").asInt();
            assertTrue(done > 0 && done < n, "cleaned " + done + "\n" + first.getErrorOutput());
            assertTrue(first.getErrorOutput().contains("Redis was lost during the sweep"), first.getErrorOutput());

            redis.restart();
            Processes.await("Redis to load its append-only file", 30_000, () -> redis.cli("PING").trim().equals("PONG"));
            assertEquals("", SyntheticJobs.inconsistent(redis, 1, "big", "job-", n).trim(), "no job changed by halves");
            long failed = Long.parseLong(redis.cli("ZCARD", "rq:failed:big1").trim());
            assertTrue(failed >= done, "reported " + done + " done, Redis has " + failed);
            assertEquals(n, failed + Long.parseLong(redis.cli("ZCARD", "rq:wip:big1").trim()), "every job in one place");

            // The lost sweep could not release its queue lock: it expires by itself within its TTL (60 s), and until then
            // another run leaves the queue to its holder. Expire it now rather than wait.
            assertTrue(redis.cli("PTTL", "rq:sweeper-lock:big1").trim().matches("\\d+"), "the lock outlived the outage");
            redis.cli("PEXPIRE", "rq:sweeper-lock:big1", "1");
            redis.cli("PEXPIRE", "rq:clean_registries:big1", "1");
            Thread.sleep(50);
            LaunchResult second = launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "0", "-o", "json", "--strict");
            assertEquals(0, second.exitCode(), evidence(second));
            assertEquals("0", redis.cli("ZCARD", "rq:wip:big1").trim());
            assertEquals(Integer.toString(n), redis.cli("ZCARD", "rq:failed:big1").trim());
            assertEquals("", SyntheticJobs.inconsistent(redis, 1, "big", "job-", n).trim());
        }
    }
}
