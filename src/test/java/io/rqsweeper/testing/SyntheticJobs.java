package io.rqsweeper.testing;

/**
 * Many abandoned jobs at once, for tests that need volume: each is what a SIGKILLed RQ 1.x worker leaves
 * behind (status {@code started}, an entry in {@code rq:wip:<queue>} whose heartbeat lapsed long ago, a worker
 * that is gone), written by one script so that every sweeper sees all of them at the same moment.
 */
public final class SyntheticJobs {
    private static final String SEED = """
            local n, queues, stamp = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
            for i = 1, n do
              local q = ARGV[4] .. ((i - 1) % queues + 1)
              local id = ARGV[5] .. i
              redis.call('HSET', 'rq:job:' .. id, 'status', 'started', 'origin', q, 'worker_name', 'gone-worker',
                'started_at', stamp, 'created_at', stamp, 'enqueued_at', stamp, 'last_heartbeat', stamp, 'ended_at', '',
                'timeout', '180', 'description', 'rqtasks.sleeper(300)', 'data', 'x')
              redis.call('ZADD', 'rq:wip:' .. q, 1, id)
              redis.call('SADD', 'rq:queues', 'rq:queue:' .. q)
            end
            return n""";

    private SyntheticJobs() {
    }

    /**
     * Seeds {@code n} abandoned jobs {@code <idPrefix>1 … <idPrefix>n}, spread over the queues
     * {@code <queuePrefix>1 … <queuePrefix>queues}.
     */
    public static void seed(RedisServer redis, int n, int queues, String queuePrefix, String idPrefix) {
        redis.cli("EVAL", SEED, "0", Integer.toString(n), Integer.toString(queues), "2020-01-01T00:00:00.000000Z",
                queuePrefix, idPrefix);
    }

    /** Jobs whose status and started-registry membership disagree: a change made by halves. Lists them. */
    public static String inconsistent(RedisServer redis, int queues, String queuePrefix, String idPrefix, int n) {
        return redis.cli("EVAL", """
                local bad = {}
                for i = 1, tonumber(ARGV[1]) do
                  local q = ARGV[3] .. ((i - 1) % tonumber(ARGV[2]) + 1)
                  local id = ARGV[4] .. i
                  local status = redis.call('HGET', 'rq:job:' .. id, 'status')
                  local inWip = redis.call('ZSCORE', 'rq:wip:' .. q, id)
                  local inFailed = redis.call('ZSCORE', 'rq:failed:' .. q, id)
                  local ok = (status == 'started' and inWip and not inFailed)
                    or (status == 'failed' and not inWip and inFailed)
                  if not ok then table.insert(bad, id) end
                end
                return bad""", "0", Integer.toString(n), Integer.toString(queues), queuePrefix, idPrefix);
    }
}
