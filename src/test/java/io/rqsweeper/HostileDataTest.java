package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of started-registry entries with hostile data (random bytes in every field, keys of the wrong type,
 * absurd scores and timestamps, ids with ':' and binary bytes, empty and huge values), among good abandoned jobs:
 * no crash, every hostile entry reported (those with odd ids are ordinary jobs otherwise, and only must not break
 * the sweep), the good jobs failed, keys of an unexpected type untouched. The data come from a seeded generator, so
 * a failure can be replayed.
 */
@QuarkusMainTest
class HostileDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String GENERATE = """
            math.randomseed(tonumber(ARGV[2]))
            local function junk(n)
              local t = {}
              for i = 1, n do t[i] = string.char(math.random(0, 255)) end
              return table.concat(t)
            end
            local stamp = '2020-01-01T00:00:00.000000Z'
            local good = 0
            redis.call('SADD', 'rq:queues', 'rq:queue:fz')
            for i = 1, tonumber(ARGV[1]) do
              local kind = i % 9
              local id = 'job-' .. i
              local score = 1
              if kind == 0 then
                good = good + 1
                id = 'good-' .. i
                redis.call('HSET', 'rq:job:' .. id, 'status', 'started', 'origin', 'fz', 'worker_name', 'gone',
                  'started_at', stamp, 'created_at', stamp, 'enqueued_at', stamp, 'data', 'x')
              elseif kind == 1 then
                redis.call('HSET', 'rq:job:' .. id, 'status', junk(8), 'origin', junk(5), 'worker_name', junk(6),
                  'started_at', junk(12), 'data', junk(20))
              elseif kind == 2 then
                redis.call('HSET', 'rq:job:' .. id, 'status', 'started', 'origin', 'fz', 'worker_name', 'broken',
                  'started_at', ({'9999-99-99T99:99:99Z', '-1', '', '1e308', junk(10)})[math.random(1, 5)])
              elseif kind == 3 then
                score = ({'inf', '-inf', '1e308', '-1e308', '0'})[math.random(1, 5)]
                redis.call('HSET', 'rq:job:' .. id, 'status', 'started', 'origin', 'fz', 'worker_name', junk(4),
                  'started_at', stamp)
              elseif kind == 4 then
                redis.call('SET', 'rq:job:' .. id, 'a string where a hash belongs')
              elseif kind == 5 then
                redis.call('RPUSH', 'rq:job:' .. id, 'a list where a hash belongs')
              elseif kind == 6 then
                id = 'job:' .. i .. ':' .. junk(3)
                redis.call('HSET', 'rq:job:' .. id, 'status', 'started', 'origin', 'fz', 'worker_name', 'gone',
                  'started_at', stamp)
              elseif kind == 7 then
                redis.call('HSET', 'rq:job:' .. id, 'status', '', 'origin', '', 'worker_name', '', 'started_at', '')
              else
                redis.call('HSET', 'rq:job:' .. id, 'status', 'started', 'origin', 'fz', 'worker_name', junk(3000),
                  'started_at', stamp, 'data', string.rep('z', 200000))
              end
              redis.call('ZADD', 'rq:wip:fz', score, id)
            end
            redis.call('SET', 'rq:worker:broken', 'a string where a worker hash belongs')
            return good""";

    @Test
    void hostileEntriesAreReportedAndGoodJobsAmongThemAreHandled(QuarkusMainLauncher launcher) throws Exception {
        int n = 3000;
        try (RedisServer redis = RedisServer.start()) {
            int good = Integer.parseInt(redis.cli("EVAL", GENERATE, "0", Integer.toString(n), "20261128").trim());
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "--max-jobs", "0", "-o", "json");
            assertEquals(0, r.exitCode(), evidence(r));
            assertFalse(r.getErrorOutput().contains("\tat ") || r.getErrorOutput().contains("Exception"), evidence(r));
            JsonNode doc = JSON.readTree(RedisLostTest.json(r.getOutput()));
            assertEquals("ok", doc.get("redis").asText());
            Set<String> reported = new HashSet<>();
            for (JsonNode j : doc.get("jobs")) {
                reported.add(j.get("id").asText());
                assertFalse(j.get("detail").asText().isEmpty(), j.toString());
            }
            for (int i = 1; i <= n; i++) {
                int kind = i % 9;
                if (kind == 0) {
                    assertEquals("failed", redis.cli("HGET", "rq:job:good-" + i, "status").trim(), "good-" + i);
                } else if (kind != 6) {
                    assertTrue(reported.contains("job-" + i), "job-" + i + " was not reported");
                }
            }
            assertTrue(reported.size() >= n - good, reported.size() + " reported");
            // Keys of an unexpected type are never modified.
            assertEquals("string", redis.cli("TYPE", "rq:job:job-4").trim());
            assertEquals("a string where a hash belongs", redis.cli("GET", "rq:job:job-4").trim());
            assertEquals("list", redis.cli("TYPE", "rq:job:job-5").trim());
            assertEquals("a string where a worker hash belongs", redis.cli("GET", "rq:worker:broken").trim());
        }
    }
}
