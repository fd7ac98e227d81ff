package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.RedisServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-shot sweep honours the lock a serve replica (or another pipeline) holds on a queue. */
@QuarkusMainTest
class SweeperLockCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String THEIRS = "rq-sweeper@serve-pod-7/1/abcd1234";

    @Test
    void aQueueAnotherSweeperHoldsIsSkippedNotAnError(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            for (String q : new String[] {"mine", "theirs"}) {
                redis.cli("SADD", "rq:queues", "rq:queue:" + q);
                redis.cli("ZADD", "rq:wip:" + q, "1", "ghost-" + q);
            }
            redis.cli("SET", "rq:sweeper-lock:theirs", THEIRS, "PX", "60000");

            LaunchResult dry = launcher.launch("sweep", "--redis-url", redis.url(), "--dry-run", "-o", "json");
            JsonNode dryDoc = JSON.readTree(dry.getOutput());
            assertEquals(2, dryDoc.get("stuck").asInt(), "a dry run changes nothing, so it takes no lock\n" + dry.getOutput());
            assertEquals("0", redis.cli("EXISTS", "rq:sweeper-lock:mine"));

            LaunchResult json = launcher.launch("sweep", "--redis-url", redis.url(), "-o", "json", "--strict");
            assertEquals(0, json.exitCode(), json.getOutput() + json.getErrorOutput());
            JsonNode doc = JSON.readTree(json.getOutput());
            assertEquals("[\"theirs\"]", doc.get("skippedQueues").toString(), json.getOutput());
            assertEquals(0, doc.get("errors").asInt(), json.getOutput());
            assertEquals(1, doc.get("cleaned").asInt(), json.getOutput());
            assertEquals("ghost-theirs", redis.cli("ZRANGE", "rq:wip:theirs", "0", "-1"));
            assertEquals("", redis.cli("ZRANGE", "rq:wip:mine", "0", "-1"));
            assertEquals("0", redis.cli("EXISTS", "rq:sweeper-lock:mine"), "our own lock is released after the queue");
            assertEquals(THEIRS, redis.cli("GET", "rq:sweeper-lock:theirs"));

            LaunchResult text = launcher.launch("sweep", "--redis-url", redis.url());
            assertEquals(0, text.exitCode());
            assertTrue(text.getOutput().contains("Skipping queue theirs: another sweeper is sweeping it (" + THEIRS + ")"),
                    text.getOutput());

            redis.cli("DEL", "rq:sweeper-lock:theirs");
            LaunchResult after = launcher.launch("sweep", "--redis-url", redis.url(), "-o", "json");
            assertEquals("[]", JSON.readTree(after.getOutput()).get("skippedQueues").toString());
            assertEquals("", redis.cli("ZRANGE", "rq:wip:theirs", "0", "-1"));
        }
    }
}
