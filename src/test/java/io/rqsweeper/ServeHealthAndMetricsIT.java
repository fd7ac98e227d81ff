package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.RqInstall;
import io.rqsweeper.testing.RqScenario;
import io.rqsweeper.testing.RqWorker;
import io.rqsweeper.testing.ServeLauncherProvider;
import io.rqsweeper.testing.ServeUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.rqsweeper.ServeIT.metric;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rq-sweeper serve} as the Quarkus test framework starts the packaged application (the jar, or the native
 * executable after {@code -Dnative}), with its command on the command line ({@link ServeUnderTest}); health and
 * metrics through REST Assured, against a real redis-server and real RQ workers. {@link ServeIT} starts its own
 * processes for what needs several of them, their environment or a signal.
 */
@QuarkusIntegrationTest
@ServeUnderTest(every = "2s")
class ServeHealthAndMetricsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EVERY_MILLIS = 2000;
    /** The scheduler looks at its triggers once a second, and the machine may be busy: slack for "one interval". */
    private static final long SLACK_MILLIS = 2000;

    @AfterAll
    static void stopServe() throws IOException {
        ServeLauncherProvider.stop();
    }

    @Test
    void servesHealthAndFailsAKilledWorkersJobWithinOneInterval() throws Exception {
        RqInstall rq = RqInstall.latest();
        RedisServer redis = ServeLauncherProvider.redis();
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks[0].data.settings", equalTo("every 2s: fail abandoned jobs (requeue those never started), "
                        + "every queue in rq:queues, at most 1000 jobs, max age 10m, margin 30s"));
        Processes.await("/q/health/ready to answer 200\n" + ServeLauncherProvider.log(), EVERY_MILLIS + SLACK_MILLIS + 5000,
                () -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks[0].data.redis", equalTo("ok"))
                .body("checks[0].data.lastSweepOutcome", equalTo("success"));

        RqScenario scenario = new RqScenario(rq, redis);
        RqScenario.Started job = scenario.abandonedJob("default", Map.of());
        long abandonedAt = System.currentTimeMillis();
        Processes.await("the abandoned job to be failed\n" + ServeLauncherProvider.log(), EVERY_MILLIS + SLACK_MILLIS + 5000,
                () -> "failed".equals(redis.cli("HGET", "rq:job:" + job.id(), "status")));
        long took = System.currentTimeMillis() - abandonedAt;
        assertTrue(took <= EVERY_MILLIS + SLACK_MILLIS, "failed " + took + " ms after it was abandoned\n" + ServeLauncherProvider.log());

        JsonNode view = scenario.view("default", job.id());
        assertEquals("failed", view.get("status").asText(), view.toString());
        assertTrue(view.get("in_failed").asBoolean(), view.toString());
        assertFalse(view.get("in_started").asBoolean(), view.toString());
        Processes.await("the log line of the cleaned job", 5000,
                () -> ServeLauncherProvider.log().contains("Cleaned job " + job.id() + " on default: failed"));
        assertTrue(ServeLauncherProvider.log().matches(
                "(?s).*Swept 1 queue\\(s\\) in \\d+ ms: 1 started entries checked, 1 stuck, 1 cleaned.*"), ServeLauncherProvider.log());

        // A live worker's job is counted as started and never as abandoned.
        RqScenario.Started live = scenario.startedJob("busy", Map.of());
        try (RqWorker worker = live.worker()) {
            Processes.await("the metrics to show the live job", EVERY_MILLIS + SLACK_MILLIS + 5000,
                    () -> metric(metrics(), "rq_sweeper_started_jobs", "queue", "busy") == 1.0);
            String metrics = metrics();
            assertEquals(0.0, metric(metrics, "rq_sweeper_abandoned_jobs", "queue", "busy"), metrics);
            assertEquals(1.0, metric(metrics, "rq_sweeper_jobs_cleaned_total", "queue", "default", "action", "fail",
                    "reason", "heartbeat-lapsed", "outcome", "failed"), metrics);
            assertEquals(1.0, metric(metrics, "rq_sweeper_redis_up"), metrics);
            assertTrue(metric(metrics, "rq_sweeper_sweeps_total", "outcome", "success") >= 2, metrics);
            assertEquals(0.0, metric(metrics, "rq_sweeper_sweeps_total", "outcome", "redis-unavailable"), metrics);
            assertTrue(metric(metrics, "rq_sweeper_sweep_duration_seconds_count", "outcome", "success") >= 2, metrics);
            assertTrue(metric(metrics, "rq_sweeper_last_success_timestamp_seconds") * 1000 >= abandonedAt, metrics);
            assertEquals("started", redis.cli("HGET", "rq:job:" + live.id(), "status"));
            assertTrue(worker.isAlive(), worker.log());
        }

        // While another sweeper holds every queue, a sweep is "skipped": not an error, and Redis is fine.
        redis.cli("SET", "rq:sweeper-lock:default", "rq-sweeper@elsewhere/1/abcd", "PX", "60000");
        redis.cli("SET", "rq:sweeper-lock:busy", "rq-sweeper@elsewhere/1/abcd", "PX", "60000");
        Processes.await("a sweep skipped for the other sweeper", EVERY_MILLIS + SLACK_MILLIS + 3000,
                () -> metric(metrics(), "rq_sweeper_sweeps_total", "outcome", "skipped") >= 1);
        String skipped = metrics();
        assertTrue(metric(skipped, "rq_sweeper_queues_skipped_total", "queue", "default") >= 1, skipped);
        assertEquals(0.0, metric(skipped, "rq_sweeper_sweeps_total", "outcome", "error"), skipped);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks[0].data.lastSweepOutcome", equalTo("skipped"))
                .body("checks[0].data.skippedQueues", equalTo("busy,default"));

        // A one-shot sweep from a pipeline, with serve's settings in its environment and serve's port taken,
        // binds no port, starts no scheduler, and does its job (leaving the locked queues to their holder).
        PackagedProcessIT.Result oneShot = PackagedProcessIT.run(Map.of(
                        "QUARKUS_HTTP_PORT", Integer.toString(RestAssured.port), "QUARKUS_HTTP_HOST_ENABLED", "true",
                        "RQ_SWEEPER_SCHEDULE_EVERY", "1s", "QUARKUS_SCHEDULER_ENABLED", "true"),
                "sweep", "--redis-url", redis.url(), "--output", "json", "--strict");
        assertEquals(0, oneShot.exitCode(), oneShot.evidence());
        JsonNode doc = JSON.readTree(oneShot.stdout());
        assertEquals("ok", doc.get("redis").asText(), oneShot.evidence());
        assertEquals(2, doc.get("skippedQueues").size(), oneShot.evidence());
        given().get("/q/health/live").then().statusCode(200);
    }

    private static String metrics() {
        Response r = given().get("/q/metrics");
        assertEquals(200, r.statusCode());
        return r.asString();
    }
}
