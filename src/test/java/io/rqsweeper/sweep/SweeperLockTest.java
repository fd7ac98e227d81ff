package io.rqsweeper.sweep;

import io.quarkus.test.junit.QuarkusTest;
import io.rqsweeper.redis.RedisConnector;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.testing.RedisServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rq-sweeper's per-queue lock against a real redis-server: owner token, TTL, renewal, compare-and-delete. */
@QuarkusTest
class SweeperLockTest {
    static RedisServer redis;

    @Inject
    RedisConnector connector;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private RedisSession session() {
        return connector.open(RedisTarget.parse(redis.url()), Duration.ofSeconds(5));
    }

    @Test
    void aFreeLockIsTakenWithATtlAndReleasedOnlyByItsOwner() {
        try (RedisSession s = session()) {
            SweeperLock mine = SweeperLock.acquire(s, "free");
            assertTrue(mine.held());
            String token = redis.cli("GET", "rq:sweeper-lock:free");
            assertEquals(mine.holder(), token);
            assertTrue(token.startsWith("rq-sweeper@") && token.contains("/" + ProcessHandle.current().pid() + "/"), token);
            long ttl = Long.parseLong(redis.cli("PTTL", "rq:sweeper-lock:free"));
            assertTrue(ttl > 50_000 && ttl <= SweeperLock.TTL_MILLIS, "PTTL " + ttl);

            SweeperLock other = SweeperLock.acquire(s, "free");
            assertFalse(other.held());
            assertEquals(token, other.holder(), "the one that did not get it learns who has it");
            other.close();
            assertEquals(token, redis.cli("GET", "rq:sweeper-lock:free"), "closing a lock not held releases nothing");

            mine.close();
            assertEquals("0", redis.cli("EXISTS", "rq:sweeper-lock:free"));
        }
    }

    @Test
    void renewalExtendsOnlyOurOwnLockAndNoticesWhenItWasLost() {
        try (RedisSession s = session()) {
            SweeperLock mine = SweeperLock.acquire(s, "renewed");
            redis.cli("PEXPIRE", "rq:sweeper-lock:renewed", "2000");
            assertTrue(mine.renew());
            assertTrue(Long.parseLong(redis.cli("PTTL", "rq:sweeper-lock:renewed")) > 50_000);

            // It expired during a stall, and another sweeper took the queue.
            redis.cli("SET", "rq:sweeper-lock:renewed", "rq-sweeper@other/1/abcd", "PX", "60000");
            assertFalse(mine.renew());
            assertTrue(mine.lost());
            mine.close();
            assertEquals("rq-sweeper@other/1/abcd", redis.cli("GET", "rq:sweeper-lock:renewed"),
                    "someone else's lock is neither extended nor released");
            assertTrue(Long.parseLong(redis.cli("PTTL", "rq:sweeper-lock:renewed")) <= 60_000);
        }
    }
}
