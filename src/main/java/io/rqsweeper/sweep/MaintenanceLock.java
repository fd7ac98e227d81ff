package io.rqsweeper.sweep;

import io.rqsweeper.redis.LuaScript;
import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.rq.RqKeys;
import io.vertx.redis.client.Command;

import java.util.UUID;

/**
 * RQ's own maintenance lock {@code rq:clean_registries:<queue>}, held while rq-sweeper changes a queue so an
 * RQ worker's cleanup does not interleave with ours (spec §7.2). Taken only when free, with a short TTL that
 * is renewed while the sweep goes on, and released only while it still holds our token.
 */
final class MaintenanceLock implements AutoCloseable {
    /** Short, so a sweeper that dies holds up RQ's maintenance for a minute at most. */
    static final int TTL_SECONDS = 60;
    private static final long RENEW_AFTER_MILLIS = 20_000;
    /** The same compare-and-set renewal and compare-and-delete release as rq-sweeper's own lock. */
    private static final LuaScript COMPARE_AND_SET = LuaScript.loadStandalone("sweeper_lock");

    private final RedisSession redis;
    private final String key;
    private final String token;
    private final boolean held;
    private long renewedAt = System.currentTimeMillis();

    private MaintenanceLock(RedisSession redis, String key, String token, boolean held) {
        this.redis = redis;
        this.key = key;
        this.token = token;
        this.held = held;
    }

    /**
     * Takes the lock if it is free; {@link #held()} says whether we got it. Sweeping goes on without it (every
     * change re-checks its facts anyway): an RQ worker may hold it for 899 s after its own maintenance, and a
     * restricted Redis user may not be allowed to take it.
     */
    static MaintenanceLock acquire(RedisSession redis, String queue) {
        String key = RqKeys.maintenanceLock(queue);
        String token = "rq-sweeper:" + UUID.randomUUID();
        boolean held;
        try {
            held = redis.send(Command.SET, key, token, "NX", "EX", Integer.toString(TTL_SECONDS)) != null;
        } catch (RedisCommandException e) {
            held = false;
        }
        return new MaintenanceLock(redis, key, token, held);
    }

    boolean held() {
        return held;
    }

    /** Extends the lock when it is getting old; cheap to call per job. */
    void renewIfDue() {
        if (held && System.currentTimeMillis() - renewedAt > RENEW_AFTER_MILLIS) {
            redis.eval(COMPARE_AND_SET, java.util.List.of(key), java.util.List.of("renew", token, Long.toString(TTL_SECONDS * 1000L)));
            renewedAt = System.currentTimeMillis();
        }
    }

    @Override
    public void close() {
        if (held) {
            try {
                redis.eval(COMPARE_AND_SET, java.util.List.of(key), java.util.List.of("release", token));
            } catch (RuntimeException ignored) {
                // Redis went away: the lock expires by itself within TTL_SECONDS.
            }
        }
    }
}
