package io.rqsweeper.serve;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import java.time.Instant;

/**
 * {@code serve}'s health checks ({@code /q/health/live}, {@code /q/health/ready}, {@code /q/health/started}),
 * read from the {@link SweepState} the schedule keeps; none of them talks to Redis itself, so a probe never
 * waits on an unreachable Redis.
 */
public final class SweepHealth {
    private SweepHealth() {
    }

    /** Live while the process works, whatever Redis does: restarting rq-sweeper would not bring Redis back. */
    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        @Inject
        SweepState state;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("rq-sweeper").up().withData("sweeping", state.isSweeping()).build();
        }
    }

    /** Started once {@code serve} has read its settings and scheduled the sweeps. */
    @Startup
    @ApplicationScoped
    public static class Started implements HealthCheck {
        @Inject
        SweepState state;

        @Override
        public HealthCheckResponse call() {
            Instant at = state.scheduledAt();
            HealthCheckResponseBuilder b = HealthCheckResponse.named("rq-sweeper schedule").status(at != null);
            if (at != null) {
                b.withData("since", at.toString()).withData("settings", state.settings().describe());
            }
            return b.build();
        }
    }

    /**
     * Ready while the last sweep reached Redis: DOWN before the first sweep ends and while Redis is unreachable,
     * UP again after the first sweep that reaches it. Its data say when the last sweep ran and what it found.
     */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        SweepState state;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("rq-sweeper redis");
            SweepState.LastSweep last = state.last();
            Boolean redisUp = state.redisUp();
            if (last == null || redisUp == null) {
                return b.down().withData("redis", "no sweep yet").build();
            }
            b.status(redisUp).withData("redis", redisUp ? "ok" : "unavailable");
            if (!redisUp) {
                b.withData("redisDownSince", state.redisDownSince().toString());
            }
            if (last.problem() != null) {
                b.withData("problem", last.problem());
            }
            b.withData("lastSweepAt", last.at().toString())
                    .withData("lastSweepMillis", last.took().toMillis())
                    .withData("lastSweepOutcome", last.outcome().code())
                    .withData("queues", last.queues())
                    .withData("checked", last.checked())
                    .withData("stuck", last.stuck())
                    .withData("cleaned", last.cleaned())
                    .withData("errors", last.errors())
                    .withData("capped", last.capped())
                    .withData("skippedQueues", String.join(",", last.skippedQueues()));
            Instant success = state.lastSuccessAt();
            if (success != null) {
                b.withData("lastSuccessAt", success.toString());
            }
            return b.build();
        }
    }
}
