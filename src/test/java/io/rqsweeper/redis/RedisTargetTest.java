package io.rqsweeper.redis;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisTargetTest {
    @Test
    void urlPrecedenceIsFlagThenOwnEnvThenRqsEnvThenLocalhost() {
        Map<String, String> env = Map.of("RQ_SWEEPER_REDIS_URL", "redis://a:1/1", "RQ_REDIS_URL", "redis://b:2/2");
        assertEquals("redis://c:3/3", RedisTarget.resolve("redis://c:3/3", env).redacted());
        assertEquals("redis://a:1/1", RedisTarget.resolve(null, env).redacted());
        assertEquals("redis://b:2/2", RedisTarget.resolve(null, Map.of("RQ_REDIS_URL", "redis://b:2/2")).redacted());
        assertEquals("redis://localhost:6379/0", RedisTarget.resolve(null, Map.of()).redacted());
    }

    @Test
    void passwordFromEnvironmentWinsAndIsNeverShown() {
        RedisTarget t = RedisTarget.resolve("rediss://app:url-pw@redis:6380/2",
                Map.of("RQ_SWEEPER_REDIS_PASSWORD", "env-pw"));
        assertEquals("rediss://app:***@redis:6380/2", t.redacted());
        assertTrue(t.connectionString().contains("env-pw"));
        assertFalse(t.connectionString().contains("url-pw"));
        assertEquals("failed with *** here", t.scrub("failed with env-pw here"));
    }

    @Test
    void badUrlsAreRejectedWithoutShowingThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisTarget.parse("http://u:topsecret@host:1/0"));
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("redis://host:1/notadb"));
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("redis:///0"));
    }

    @Test
    void aSentinelTargetNamesTheMasterAndHidesBothPasswords() {
        Sentinels sentinels = new Sentinels(Sentinels.parseAddresses(java.util.List.of("10.0.0.1", "[::1]:26380")),
                "mymaster", "sentinel-pw");
        RedisTarget t = RedisTarget.parse("rediss://app:master-pw@ignored:1/3").withSentinels(sentinels);
        assertEquals("master 'mymaster' via sentinels 10.0.0.1:26379,[::1]:26380 (db 3, user app, TLS)", t.redacted());
        assertEquals("*** and ***", t.scrub("master-pw and sentinel-pw"));

        RedisTarget sentinel = t.sentinelAt(sentinels.addresses().get(0));
        assertEquals("rediss://:sentinel-pw@10.0.0.1:26379", sentinel.connectionString(), "no database, no SELECT");
        assertEquals("sentinel 10.0.0.1:26379", sentinel.redacted());
        assertEquals("rediss://app:master-pw@10.0.0.9:6380/3", t.atMaster("10.0.0.9", 6380).connectionString());
    }
}
