package io.rqsweeper.sweep;

import io.rqsweeper.redis.LuaScript;
import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.rq.RqKeys;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.UUID;

/**
 * rq-sweeper's own per-queue lock {@code rq:sweeper-lock:<queue>}: several replicas of {@code serve}, or a
 * {@code serve} and a one-shot {@code sweep} from a pipeline, never sweep the same queue at the same moment.
 * The value is an owner token naming host and process; the lock has a TTL, is renewed while the sweep runs and
 * is released by compare-and-delete ({@code lua/sweeper_lock.lua}). A sweeper that dies holds the queue for one
 * TTL at most.
 *
 * <p>The lock only spares work and noise: every change is still one script that re-checks its facts, so two
 * sweepers that ignored each other would still handle each job once.
 */
final class SweeperLock implements AutoCloseable {
    /** How long a dead owner keeps the queue from the other sweepers. */
    static final long TTL_MILLIS = 60_000;
    private static final long RENEW_AFTER_MILLIS = 20_000;
    private static final LuaScript SCRIPT = LuaScript.loadStandalone("sweeper_lock");
    /** This process's part of every token: the host (pod) name and the PID, so a report names the owner. */
    private static final String PROCESS = host() + "/" + ProcessHandle.current().pid();

    private final RedisSession redis;
    private final String key;
    private final String token;
    private final boolean held;
    private final String holder;
    private long renewedAt = System.currentTimeMillis();
    private boolean lost;

    private SweeperLock(RedisSession redis, String key, String token, boolean held, String holder) {
        this.redis = redis;
        this.key = key;
        this.token = token;
        this.held = held;
        this.holder = holder;
    }

    /**
     * Takes the queue's lock when nobody holds it. {@link #held()} says whether we got it, {@link #holder()}
     * who has it otherwise.
     *
     * @throws RedisCommandException when Redis refuses the script (e.g. the user may not run it); the caller
     *                               then sweeps without the lock
     */
    static SweeperLock acquire(RedisSession redis, String queue) {
        String key = RqKeys.sweeperLock(queue);
        String token = "rq-sweeper@" + PROCESS + "/" + UUID.randomUUID().toString().substring(0, 8);
        Response r = redis.eval(SCRIPT, List.of(key), List.of("acquire", token, Long.toString(TTL_MILLIS)));
        boolean held = r.get(0).toInteger() == 1;
        return new SweeperLock(redis, key, token, held, r.get(1).toString());
    }

    boolean held() {
        return held;
    }

    /** The token of whoever holds the lock (ours when {@link #held()}), or empty when it expired meanwhile. */
    String holder() {
        return holder;
    }

    /** True once a renewal found that the lock is no longer ours (it expired and was perhaps taken). */
    boolean lost() {
        return lost;
    }

    /**
     * Extends the lock when it is getting old; cheap to call per page.
     *
     * @return false when the lock is no longer ours: the sweep of this queue should stop
     */
    boolean renewIfDue() {
        if (held && !lost && System.currentTimeMillis() - renewedAt > RENEW_AFTER_MILLIS) {
            renew();
        }
        return !lost;
    }

    /** Extends the lock now; see {@link #renewIfDue()}. */
    boolean renew() {
        if (held && !lost) {
            Response r = redis.eval(SCRIPT, List.of(key), List.of("renew", token, Long.toString(TTL_MILLIS)));
            lost = r.get(0).toInteger() != 1;
            renewedAt = System.currentTimeMillis();
        }
        return !lost;
    }

    @Override
    public void close() {
        if (held && !lost) {
            try {
                redis.eval(SCRIPT, List.of(key), List.of("release", token, "0"));
            } catch (RuntimeException ignored) {
                // Redis went away: the lock expires by itself within TTL_MILLIS.
            }
        }
    }

    /** The host (in Kubernetes: pod) name, without a DNS lookup that could hold up start-up. */
    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (java.io.IOException | RuntimeException e) {
                h = "";
            }
        }
        return h.isBlank() ? "unknown-host" : h;
    }
}
