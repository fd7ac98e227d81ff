package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.RqInstall;
import io.rqsweeper.testing.RqScenario;
import io.rqsweeper.testing.SentinelServer;
import io.rqsweeper.testing.ServeProcess;
import io.rqsweeper.testing.SyntheticJobs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rq-sweeper serve} as Kubernetes runs it: the packaged application (the jar, or the native executable after
 * {@code -Dnative}) as real processes that each test starts itself, for what needs several of them, their own
 * environment, a Redis that goes away or a signal; probed over HTTP with REST Assured, against a real redis-server
 * and real RQ workers. {@link ServeHealthAndMetricsIT} is the one the Quarkus test framework starts.
 */
class ServeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EVERY_MILLIS = 2000;
    /** The scheduler looks at its triggers once a second, and the machine may be busy: slack for "one interval". */
    private static final long SLACK_MILLIS = 2000;

    private static Map<String, String> env(RedisServer redis, String... more) {
        Map<String, String> env = new HashMap<>();
        env.put("RQ_SWEEPER_REDIS_URL", redis.url());
        env.put("RQ_SWEEPER_SCHEDULE_EVERY", EVERY_MILLIS / 1000 + "s");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void redisOutageTurnsReadinessDownOnceWithOneWarningAndSweepingResumesWhenItIsBack() {
        try (RedisServer redis = RedisServer.start(); ServeProcess serve = ServeProcess.start(env(redis))) {
            awaitStatus(serve, "/q/health/ready", 200);

            redis.stop();
            awaitStatus(serve, "/q/health/ready", 503);
            given().baseUri(serve.baseUri()).get("/q/health/ready").then().statusCode(503)
                    .body("checks[0].data.redis", equalTo("unavailable"));
            given().baseUri(serve.baseUri()).get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
            Processes.await("three sweeps to find Redis gone", 4 * EVERY_MILLIS + 3 * SLACK_MILLIS,
                    () -> metric(metrics(serve), "rq_sweeper_sweeps_total", "outcome", "redis-unavailable") >= 3);
            assertTrue(serve.isAlive(), serve.log());
            assertEquals(0.0, metric(metrics(serve), "rq_sweeper_redis_up"));
            assertEquals(1, count(serve.log(), "WARN.*is unavailable"), "one warning per outage, not per tick\n" + serve.log());

            redis.restart();
            awaitStatus(serve, "/q/health/ready", 200);
            redis.cli("SADD", "rq:queues", "rq:queue:default");
            redis.cli("ZADD", "rq:wip:default", "1", "ghost-after-outage");
            Processes.await("sweeping to resume\n" + serve.log(), EVERY_MILLIS + SLACK_MILLIS + 3000,
                    () -> "0".equals(redis.cli("ZCARD", "rq:wip:default")));
            assertEquals(1.0, metric(metrics(serve), "rq_sweeper_redis_up"));
            // The entry leaves Redis a moment before serve has logged it.
            Processes.await("the log line of the removed entry\n" + serve.log(), 5000,
                    () -> serve.log().contains("Cleaned job ghost-after-outage on default: removed"));
            String log = serve.log();
            assertTrue(log.contains("is back after"), log);
            assertEquals(1, count(log, "WARN.*is unavailable"), log);
            assertFalse(log.contains("Exception"), log);
        }
    }

    @Test
    void twoReplicasHandleEachAbandonedJobExactlyOnce() throws Exception {
        RqInstall rq = RqInstall.latest();
        int synthetic = 1500;
        try (RedisServer redis = RedisServer.start();
             ServeProcess a = ServeProcess.start(env(redis, "RQ_SWEEPER_SWEEP_MAX_JOBS", "0", "RQ_SWEEPER_SCHEDULE_EVERY", "1s",
                     "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true"));
             ServeProcess b = ServeProcess.start(env(redis, "RQ_SWEEPER_SWEEP_MAX_JOBS", "0", "RQ_SWEEPER_SCHEDULE_EVERY", "1s"))) {
            RqScenario scenario = new RqScenario(rq, redis);
            List<RqScenario.Started> real = new ArrayList<>();
            for (String queue : List.of("q1", "q2", "q3")) {
                real.add(scenario.startedJob(queue, Map.of()));
            }
            // Everything turns abandoned at one moment, for both replicas to find at their next tick.
            real.forEach(s -> s.worker().killWithHorse());
            real.forEach(scenario::fastForward);
            SyntheticJobs.seed(redis, synthetic, 3, "q", "synthetic-");

            Processes.await("both replicas to empty the started registries\n" + a.log() + b.log(), 30_000,
                    () -> List.of("q1", "q2", "q3").stream().allMatch(q -> "0".equals(redis.cli("ZCARD", "rq:wip:" + q))));
            int total = synthetic + real.size();

            // RQ's own API: every real job failed once, with exactly one failure in its results stream.
            for (RqScenario.Started s : real) {
                JsonNode view = scenario.view(s.queue(), s.id());
                assertEquals("failed", view.get("status").asText(), view.toString());
                assertTrue(view.get("in_failed").asBoolean(), view.toString());
                if (rq.isV2()) {
                    assertEquals("1", redis.cli("XLEN", "rq:results:" + s.id()), "one failure recorded for " + s.id());
                }
            }
            assertEquals("", SyntheticJobs.inconsistent(redis, 3, "q", "synthetic-", synthetic));
            long failed = List.of("q1", "q2", "q3").stream().mapToLong(q -> Long.parseLong(redis.cli("ZCARD", "rq:failed:" + q))).sum();
            assertEquals(total, failed);

            // The replicas' own reports: each job cleaned by exactly one of them, once.
            Map<String, Integer> cleaned = new HashMap<>();
            for (String line : a.log().split("\n")) {
                if (line.startsWith("{")) {
                    JsonNode record = JSON.readTree(line);
                    String message = record.get("message").asText();
                    if (message.startsWith("Cleaned job ")) {
                        assertEquals(message.split(" ")[2], record.get("mdc").get("job").asText(), line);
                        cleaned.merge(message.split(" ")[2], 1, Integer::sum);
                    }
                } else {
                    assertFalse(line.contains("Cleaned job"), "JSON logging is on, yet: " + line);
                }
            }
            Matcher m = Pattern.compile("Cleaned job (\\S+) on").matcher(b.log());
            while (m.find()) {
                cleaned.merge(m.group(1), 1, Integer::sum);
            }
            assertEquals(total, cleaned.size(), "jobs cleaned by either replica");
            cleaned.forEach((id, times) -> assertEquals(1, times, id + " cleaned " + times + " times"));
            double byA = sum(metrics(a), "rq_sweeper_jobs_cleaned_total");
            double byB = sum(metrics(b), "rq_sweeper_jobs_cleaned_total");
            assertEquals(total, byA + byB, "cleaned by A " + byA + ", by B " + byB);
            System.out.printf("two replicas: A cleaned %.0f, B cleaned %.0f; queues skipped for the other: A %.0f, B %.0f%n", byA, byB,
                    sum(metrics(a), "rq_sweeper_queues_skipped_total"), sum(metrics(b), "rq_sweeper_queues_skipped_total"));
            assertEquals(0.0, sum(metrics(a), "rq_sweeper_job_errors_total") + sum(metrics(b), "rq_sweeper_job_errors_total"));
        }
    }

    @Test
    void sigtermLetsTheScriptsAlreadySentCompleteStartsNoNewOneAndExitsWithinSeconds() {
        int n = 30_000;
        try (RedisServer redis = RedisServer.start()) {
            SyntheticJobs.seed(redis, n, 1, "big", "job-");
            try (ServeProcess serve = ServeProcess.start(env(redis, "RQ_SWEEPER_SWEEP_MAX_JOBS", "0", "RQ_SWEEPER_SCHEDULE_EVERY", "60s"))) {
                Processes.await("the first job to be cleaned\n" + serve.log(), 20_000, () -> serve.log().contains("Cleaned job"));
                long start = System.currentTimeMillis();
                serve.sigterm();
                Integer exit = serve.waitFor(10_000);
                long took = System.currentTimeMillis() - start;
                assertNotNull(exit, "still running 10 s after SIGTERM\n" + serve.log());
                assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + serve.log());
                assertTrue(took < 5_000, "exited " + took + " ms after SIGTERM");
                long left = Long.parseLong(redis.cli("ZCARD", "rq:wip:big1"));
                long failed = Long.parseLong(redis.cli("ZCARD", "rq:failed:big1"));
                assertTrue(left > 0, "the sweep had ended before the signal; nothing shows it stopped\n" + serve.log());
                assertEquals(n, left + failed, "every job is either untouched or failed");
                assertEquals("", SyntheticJobs.inconsistent(redis, 1, "big", "job-", n), "no job changed by halves");
                assertTrue(serve.log().contains("Sweep stopped for shutdown"), serve.log());
            }
        }
    }

    @Test
    void everySweepSettingComesFromTheEnvironment() {
        try (RedisServer redis = RedisServer.start()) {
            for (String q : List.of("a", "b", "c")) {
                redis.cli("SADD", "rq:queues", "rq:queue:" + q);
                redis.cli("ZADD", "rq:wip:" + q, "1", "ghost-" + q);
            }
            try (ServeProcess serve = ServeProcess.start(env(redis, "RQ_SWEEPER_SWEEP_DRY_RUN", "true",
                    "RQ_SWEEPER_SWEEP_QUEUES", "a,b", "RQ_SWEEPER_SWEEP_EXCLUDE_QUEUES", "b", "RQ_SWEEPER_SWEEP_MAX_AGE", "5",
                    "RQ_SWEEPER_SWEEP_ACTION", "requeue", "RQ_SWEEPER_SWEEP_MARGIN", "45s"))) {
                Processes.await("the dry run to report queue a\n" + serve.log(), EVERY_MILLIS + SLACK_MILLIS + 3000,
                        () -> metric(metrics(serve), "rq_sweeper_abandoned_jobs", "queue", "a") == 1.0);
                String metrics = metrics(serve);
                assertFalse(metrics.contains("queue=\"b\"") || metrics.contains("queue=\"c\""), metrics);
                assertEquals(0.0, sum(metrics, "rq_sweeper_jobs_cleaned_total"), metrics);
                for (String q : List.of("a", "b", "c")) {
                    assertEquals("ghost-" + q, redis.cli("ZRANGE", "rq:wip:" + q, "0", "-1"), "a dry run changes nothing");
                }
                given().baseUri(serve.baseUri()).get("/q/health/started").then().statusCode(200)
                        .body("checks[0].data.settings", equalTo("every 2s: dry run, requeue abandoned jobs, queues a,b "
                                + "except b, at most 1000 jobs, max age 5m, margin 45s"));
                Processes.await("a second sweep", EVERY_MILLIS + SLACK_MILLIS + 3000,
                        () -> metric(metrics(serve), "rq_sweeper_sweeps_total", "outcome", "success") >= 2);
                assertEquals(1, count(serve.log(), "Would clean job ghost-a on a: would-remove"),
                        "a dry-run finding is logged once, not per sweep\n" + serve.log());
            }
        }
        PackagedProcessIT.Result bad = run(Map.of("RQ_SWEEPER_SWEEP_ACTION", "explode"), "serve");
        assertEquals(2, bad.exitCode(), bad.evidence());
        assertTrue(bad.stderr().contains("RQ_SWEEPER_SWEEP_ACTION") && bad.stderr().contains("unknown action 'explode'"),
                bad.evidence());
        assertFalse(bad.stderr().contains("\tat "), bad.evidence());
        // Settings Quarkus itself would read at start-up (and fail on with a stack trace) are checked by rq-sweeper.
        for (Map<String, String> env : List.of(Map.of("QUARKUS_HTTP_PORT", "eighty"),
                Map.of("QUARKUS_HTTP_PORT", "99999"),
                Map.of("RQ_SWEEPER_SWEEP_MARGIN", "abc", "QUARKUS_HTTP_PORT", Integer.toString(Processes.freePort())),
                Map.of("RQ_SWEEPER_REDIS_TIMEOUT", "abc", "QUARKUS_HTTP_PORT", Integer.toString(Processes.freePort())))) {
            PackagedProcessIT.Result r = run(env, "serve");
            String named = env.keySet().stream().filter(k -> !k.equals("QUARKUS_HTTP_PORT") || env.size() == 1).findFirst().orElseThrow();
            assertEquals(2, r.exitCode(), env + "\n" + r.evidence());
            assertTrue(r.stderr().contains(named), env + "\n" + r.evidence());
            assertFalse(r.stderr().contains("\tat "), r.evidence());
        }
    }

    @Test
    void theCapIsAMetricAndInTheReadinessData() {
        try (RedisServer redis = RedisServer.start()) {
            SyntheticJobs.seed(redis, 3, 1, "q", "capped-");
            try (ServeProcess serve = ServeProcess.start(env(redis, "RQ_SWEEPER_SWEEP_MAX_JOBS", "2"))) {
                Processes.await("a capped sweep\n" + serve.log(), EVERY_MILLIS + SLACK_MILLIS + 3000,
                        () -> metric(metrics(serve), "rq_sweeper_capped") == 3.0);
                given().baseUri(serve.baseUri()).get("/q/health/ready").then().statusCode(200)
                        .body("checks[0].data.capped", equalTo(true))
                        .body("checks[0].data.stuck", equalTo(3))
                        .body("checks[0].data.cleaned", equalTo(0));
                assertEquals("3", redis.cli("ZCARD", "rq:wip:q1").trim(), "nothing was touched\n" + serve.log());
                assertTrue(serve.log().contains("more than --max-jobs 2"), serve.log());
            }
        }
    }

    @Test
    void followsASentinelFailoverWithoutARestart() {
        String master = "rqmaster";
        String deadSentinel = "127.0.0.1:" + Processes.freePort();
        try (RedisServer first = RedisServer.start();
             RedisServer second = RedisServer.startReplicaOf(first);
             SentinelServer sentinel = SentinelServer.monitor(first, master, null)) {
            Processes.await("the sentinel to find the replica", 20_000, () -> sentinel.replicasKnown(master) == 1);
            Processes.await("the replica to be in sync", 20_000,
                    () -> second.cli("INFO", "replication").contains("master_link_status:up"));
            Map<String, String> env = env(first, "RQ_SWEEPER_SENTINELS", deadSentinel + "," + sentinel.address(),
                    "RQ_SWEEPER_SENTINEL_MASTER", master, "RQ_SWEEPER_SCHEDULE_EVERY", "1s");
            env.remove("RQ_SWEEPER_REDIS_URL");
            try (ServeProcess serve = ServeProcess.start(env)) {
                awaitStatus(serve, "/q/health/ready", 200);
                first.cli("SADD", "rq:queues", "rq:queue:default");
                first.cli("ZADD", "rq:wip:default", "1", "ghost-before-failover");
                Processes.await("the entry on the first master to go\n" + serve.log(), 10_000,
                        () -> "0".equals(first.cli("ZCARD", "rq:wip:default")));

                // The master dies; the sentinel promotes the replica.
                first.stop();
                Processes.await("the sentinel to promote the replica", 30_000,
                        () -> sentinel.masterPort(master) == second.port());
                Processes.await("the promoted replica to accept writes", 10_000,
                        () -> second.cli("INFO", "replication").contains("role:master"));
                second.cli("ZADD", "rq:wip:default", "1", "ghost-after-failover");
                Processes.await("the entry on the new master to go\n" + serve.log(), 15_000,
                        () -> "0".equals(second.cli("ZCARD", "rq:wip:default")));
                awaitStatus(serve, "/q/health/ready", 200);
                assertTrue(serve.isAlive(), serve.log());
                assertFalse(serve.log().contains("Exception"), serve.log());
            }
        }
    }

    private static PackagedProcessIT.Result run(Map<String, String> env, String... args) {
        try {
            return PackagedProcessIT.run(env, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void awaitStatus(ServeProcess serve, String path, int status) {
        Processes.await(path + " to answer " + status + "\n" + serve.log(), EVERY_MILLIS + SLACK_MILLIS + 5000,
                () -> serve.status(path) == status);
    }

    private static String metrics(ServeProcess serve) {
        Response r = given().baseUri(serve.baseUri()).get("/q/metrics");
        assertEquals(200, r.statusCode());
        return r.asString();
    }

    /** The value of the one sample with this name and these labels (key, value, ...), or NaN when absent. */
    static double metric(String metrics, String name, String... labels) {
        double found = Double.NaN;
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(name + " ") && !line.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                assertTrue(Double.isNaN(found), "more than one sample of " + name + " " + List.of(labels) + ":\n" + metrics);
                found = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return found;
    }

    /** The sum of every sample of this name. */
    static double sum(String metrics, String name) {
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
