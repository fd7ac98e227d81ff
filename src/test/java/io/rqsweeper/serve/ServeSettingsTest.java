package io.rqsweeper.serve;

import io.quarkus.runtime.configuration.DurationConverter;
import io.rqsweeper.cli.SweeperConfig;
import io.rqsweeper.sweep.SweepOptions;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serve's settings, read from environment variables as a Deployment sets them, checked like the sweep flags. */
class ServeSettingsTest {

    private static ServeSettings fromEnv(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(SweeperConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(env, 300))
                .build();
        return ServeSettings.from(config.getConfigMapping(SweeperConfig.class));
    }

    @Test
    void defaultsFailEveryQueueOnceAMinute() {
        ServeSettings s = fromEnv(Map.of());
        assertEquals(Duration.ofSeconds(60), s.every());
        SweepOptions o = s.options();
        assertTrue(o.queues().isEmpty() && o.excludedQueues().isEmpty() && o.deleteKeys().isEmpty());
        assertNull(o.action());
        assertEquals(SweepOptions.Action.FAIL, o.startedAction());
        assertFalse(o.dryRun() || o.policy().force() || o.deleteDependents());
        assertEquals(Duration.ofMinutes(10), o.policy().maxAge());
        assertEquals(Duration.ofSeconds(30), o.policy().margin());
        assertNull(o.backup());
        assertNull(o.assumedRqVersion());
    }

    @Test
    void everySweepOptionHasAnEnvironmentVariable() {
        ServeSettings s = fromEnv(Map.ofEntries(
                Map.entry("RQ_SWEEPER_SCHEDULE_EVERY", "90"),
                Map.entry("RQ_SWEEPER_SWEEP_ACTION", "DELETE"),
                Map.entry("RQ_SWEEPER_SWEEP_MAX_AGE", "30"),
                Map.entry("RQ_SWEEPER_SWEEP_MARGIN", "45s"),
                Map.entry("RQ_SWEEPER_SWEEP_QUEUES", "default, emails,"),
                Map.entry("RQ_SWEEPER_SWEEP_EXCLUDE_QUEUES", "payments"),
                Map.entry("RQ_SWEEPER_SWEEP_DELETE_KEYS", "job_progress:{id},lock:{id}"),
                Map.entry("RQ_SWEEPER_SWEEP_DELETE_DEPENDENTS", "true"),
                Map.entry("RQ_SWEEPER_SWEEP_DRY_RUN", "true"),
                Map.entry("RQ_SWEEPER_SWEEP_FORCE", "true"),
                Map.entry("RQ_SWEEPER_SWEEP_RQ_VERSION", "2.12"),
                Map.entry("RQ_SWEEPER_SWEEP_BACKUP", System.getProperty("java.io.tmpdir") + "/rq-sweeper-backup.jsonl")));
        assertEquals(Duration.ofSeconds(90), s.every(), "a bare interval is in seconds");
        SweepOptions o = s.options();
        assertEquals(SweepOptions.Action.DELETE, o.action());
        assertEquals(Duration.ofMinutes(30), o.policy().maxAge(), "a bare max-age is in minutes, as on the command line");
        assertEquals(Duration.ofSeconds(45), o.policy().margin());
        assertEquals(List.of("default", "emails"), o.queues());
        assertEquals(List.of("payments"), o.excludedQueues());
        assertEquals(List.of("job_progress:{id}", "lock:{id}"), o.deleteKeys());
        assertTrue(o.deleteDependents() && o.dryRun() && o.policy().force());
        assertEquals("2.12", o.assumedRqVersion());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "rq-sweeper-backup.jsonl"), o.backup());
    }

    @Test
    void badSettingsAreRefusedWithTheVariableNamed() {
        for (Map<String, String> env : List.of(
                Map.of("RQ_SWEEPER_SWEEP_ACTION", "explode"),
                Map.of("RQ_SWEEPER_SWEEP_MAX_AGE", "ten"),
                Map.of("RQ_SWEEPER_SCHEDULE_EVERY", "500ms"),
                Map.of("RQ_SWEEPER_SWEEP_DELETE_KEYS", "job_progress:{id}"),
                Map.of("RQ_SWEEPER_SWEEP_ACTION", "delete", "RQ_SWEEPER_SWEEP_DELETE_KEYS", "no-id-here"),
                Map.of("RQ_SWEEPER_SWEEP_RQ_VERSION", "banana"),
                Map.of("RQ_SWEEPER_SWEEP_MARGIN", "abc"),
                Map.of("RQ_SWEEPER_SWEEP_MARGIN", "-1s"),
                Map.of("RQ_SWEEPER_SCHEDULE_EVERY", "often"),
                Map.of("RQ_SWEEPER_SWEEP_DRY_RUN", "maybe"),
                Map.of("RQ_SWEEPER_SWEEP_FORCE", "yes"),
                Map.of("RQ_SWEEPER_SWEEP_DELETE_DEPENDENTS", "1"),
                Map.of("RQ_SWEEPER_SWEEP_BACKUP", "/nonexistent-dir/backup.jsonl"),
                Map.of("RQ_SWEEPER_SWEEP_BACKUP", System.getProperty("java.io.tmpdir")))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromEnv(env), env.toString());
            String named = env.keySet().stream().filter(k -> !k.equals("RQ_SWEEPER_SWEEP_ACTION") || env.size() == 1)
                    .findFirst().orElseThrow();
            assertTrue(e.getMessage().contains(named), env + " -> " + e.getMessage());
        }
    }
}
