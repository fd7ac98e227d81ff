package io.rqsweeper.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rqsweeper.sweep.JobReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code serve} exports at {@code /q/metrics} (Prometheus names in the README):
 * <ul>
 *   <li>{@code rq_sweeper_jobs_cleaned_total{queue,action,reason,outcome}}: jobs resolved</li>
 *   <li>{@code rq_sweeper_job_errors_total{queue}}: jobs or queues that could not be handled</li>
 *   <li>{@code rq_sweeper_sweeps_total{outcome}} and {@code rq_sweeper_sweep_duration_seconds{outcome}}</li>
 *   <li>{@code rq_sweeper_queues_skipped_total{queue}}: queues left to another sweeper that held their lock</li>
 *   <li>{@code rq_sweeper_started_jobs{queue}}, {@code rq_sweeper_abandoned_jobs{queue}}: as the last sweep of the
 *       queue found them, before it cleaned anything</li>
 *   <li>{@code rq_sweeper_last_success_timestamp_seconds}, {@code rq_sweeper_redis_up}</li>
 * </ul>
 */
@ApplicationScoped
public class SweepMetrics {
    static final String PREFIX = "rq.sweeper.";

    @Inject
    MeterRegistry registry;

    private final Map<String, QueueGauges> queues = new ConcurrentHashMap<>();
    private final AtomicLong lastSuccessMillis = new AtomicLong();
    private final AtomicLong redisUp = new AtomicLong();
    private final AtomicLong capped = new AtomicLong();
    private volatile boolean registered;

    /** The per-queue gauges; the map holds the values the registry reads. */
    private record QueueGauges(AtomicLong started, AtomicLong abandoned, Gauge startedGauge, Gauge abandonedGauge) {
    }

    /** Registers the process-wide meters, so that they read 0 rather than being absent before the first sweep. */
    void register() {
        if (registered) {
            return;
        }
        registered = true;
        Gauge.builder(PREFIX + "redis.up", redisUp, AtomicLong::get)
                .description("1 when the last sweep reached Redis, else 0").register(registry);
        Gauge.builder(PREFIX + "last.success.timestamp", lastSuccessMillis, m -> m.get() / 1000.0).baseUnit("seconds")
                .description("When the last sweep that reached Redis without trouble ended (Unix time; 0: none yet)")
                .register(registry);
        Gauge.builder(PREFIX + "capped", capped, AtomicLong::get)
                .description("Abandoned jobs the last sweep found when they were more than the max-jobs cap and it acted "
                        + "on none; 0 when it was not capped").register(registry);
        for (SweepOutcome o : SweepOutcome.values()) {
            sweeps(o);
        }
    }

    /** After a sweep that reached Redis: the abandoned jobs it left because of the cap, or 0. */
    void capped(long found) {
        capped.set(found);
    }

    void jobCleaned(JobReport j) {
        Counter.builder(PREFIX + "jobs.cleaned").description("Abandoned jobs and leftover entries resolved")
                .tag("queue", tag(j.queue()))
                .tag("action", j.action() == null ? "none" : j.action().code())
                .tag("reason", j.reason() == null ? "none" : j.reason().code())
                .tag("outcome", j.outcome().code())
                .register(registry).increment();
    }

    void jobError(JobReport j) {
        Counter.builder(PREFIX + "job.errors").description("Jobs or queues that could not be read or resolved")
                .tag("queue", tag(j.queue())).register(registry).increment();
    }

    void queueSkipped(String queue) {
        Counter.builder(PREFIX + "queues.skipped").description("Queues left alone because another sweeper held their lock")
                .tag("queue", tag(queue)).register(registry).increment();
    }

    void sweep(SweepOutcome outcome, Duration took) {
        sweeps(outcome).increment();
        if (outcome != SweepOutcome.SKIPPED || !took.isZero()) {
            Timer.builder(PREFIX + "sweep.duration").description("How long sweeps take").tag("outcome", outcome.code())
                    .register(registry).record(took);
        }
    }

    void redisUp(boolean up) {
        redisUp.set(up ? 1 : 0);
    }

    void success(Instant at) {
        lastSuccessMillis.set(at.toEpochMilli());
    }

    /**
     * Sets the per-queue gauges after a sweep that reached Redis: started entries of every queue it looked at,
     * abandoned entries of each queue it swept (a queue another sweeper held keeps its last figure). Gauges of
     * queues no longer swept are removed.
     */
    void queues(Map<String, Long> started, Map<String, Integer> abandoned, Set<String> skipped) {
        started.forEach((queue, count) -> {
            QueueGauges g = queues.computeIfAbsent(queue, this::gauges);
            g.started().set(count);
            if (!skipped.contains(queue)) {
                g.abandoned().set(abandoned.getOrDefault(queue, 0));
            }
        });
        queues.keySet().removeIf(queue -> {
            if (started.containsKey(queue)) {
                return false;
            }
            QueueGauges g = queues.get(queue);
            registry.remove(g.startedGauge());
            registry.remove(g.abandonedGauge());
            return true;
        });
    }

    private QueueGauges gauges(String queue) {
        AtomicLong started = new AtomicLong();
        AtomicLong abandoned = new AtomicLong();
        Gauge s = Gauge.builder(PREFIX + "started.jobs", started, AtomicLong::get)
                .description("Entries in the queue's started registry when the last sweep began").tag("queue", queue)
                .register(registry);
        Gauge a = Gauge.builder(PREFIX + "abandoned.jobs", abandoned, AtomicLong::get)
                .description("Entries the last sweep of the queue judged abandoned (before cleaning them)").tag("queue", queue)
                .register(registry);
        return new QueueGauges(started, abandoned, s, a);
    }

    private Counter sweeps(SweepOutcome outcome) {
        return Counter.builder(PREFIX + "sweeps").description("Scheduled sweeps by how they ended")
                .tag("outcome", outcome.code()).register(registry);
    }

    private static String tag(String queue) {
        return queue == null ? "unknown" : queue;
    }
}
