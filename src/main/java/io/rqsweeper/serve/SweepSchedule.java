package io.rqsweeper.serve;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;
import io.rqsweeper.cli.Durations;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.sweep.JobReport;
import io.rqsweeper.sweep.Outcome;
import io.rqsweeper.sweep.Reason;
import io.rqsweeper.sweep.SweepListener;
import io.rqsweeper.sweep.SweepReport;
import io.rqsweeper.sweep.SweepService;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * {@code serve}'s heart: sweeps on a schedule with the one {@link SweepService}, and turns each report into
 * log lines, metrics and the state the health checks read.
 *
 * <ul>
 *   <li>One sweep at a time: a tick that finds the previous sweep still running is counted as skipped.</li>
 *   <li>Redis going away never ends the process: the first failed sweep logs one warning, later ones stay
 *       quiet, and the first sweep that reaches Redis again says so.</li>
 *   <li>On shutdown (SIGTERM) the running sweep is asked to stop: scripts already sent complete, no new one is
 *       sent, and shutdown waits for that, {@link #STOP_WAIT} at most.</li>
 * </ul>
 */
@ApplicationScoped
public class SweepSchedule {
    private static final Logger LOG = Logger.getLogger(SweepSchedule.class);
    static final String JOB_ID = "rq-sweeper-sweep";
    /** How long shutdown waits for the running sweep to reach a stopping point. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /** Jobs and messages already logged (errors, dry-run findings, warnings), so that each is logged once. */
    private static final int SEEN_LIMIT = 10_000;

    @Inject
    SweepService service;

    @Inject
    Scheduler scheduler;

    @Inject
    SweepMetrics metrics;

    @Inject
    SweepState state;

    private final Clock clock = Clock.systemUTC();
    private final ReentrantLock running = new ReentrantLock();
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > SEEN_LIMIT;
        }
    });
    private volatile boolean stopping;
    private volatile RedisTarget target;
    private volatile Duration timeout;
    private volatile ServeSettings settings;

    /**
     * Starts sweeping every {@code settings.every()}, the first sweep right away.
     *
     * @throws IllegalStateException when the scheduler is off (a one-shot process shape)
     */
    public void start(RedisTarget target, Duration timeout, ServeSettings settings) {
        if (!scheduler.isRunning()) {
            throw new IllegalStateException("the scheduler is not running (quarkus.scheduler.enabled is false)");
        }
        this.target = target;
        this.timeout = timeout;
        this.settings = settings;
        metrics.register();
        scheduler.newJob(JOB_ID)
                .setInterval(settings.every().toString())
                .setTask(execution -> tick())
                .schedule();
        state.scheduled(settings, clock.instant());
        LOG.infof("Sweeping Redis at %s %s", target.redacted(), settings.describe());
    }

    /** One tick of the schedule: a sweep, unless the previous one still runs or the process is stopping. */
    void tick() {
        if (stopping) {
            return;
        }
        if (!running.tryLock()) {
            LOG.debug("Previous sweep still running; this tick is skipped");
            metrics.sweep(SweepOutcome.SKIPPED, Duration.ZERO);
            return;
        }
        try {
            state.sweeping(true);
            sweepOnce();
        } catch (RuntimeException e) {
            // Never let one bad sweep end the schedule: report it and try again on the next tick.
            LOG.errorf(e, "Sweep failed unexpectedly: %s", e.getMessage());
            metrics.sweep(SweepOutcome.ERROR, Duration.ZERO);
        } finally {
            state.sweeping(false);
            running.unlock();
        }
    }

    private void sweepOnce() {
        Instant at = clock.instant();
        long t0 = System.nanoTime();
        Listener listener = new Listener();
        SweepReport report = service.sweep(target, timeout, settings.options(), listener);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        SweepOutcome outcome = SweepOutcome.of(report, stopping);

        Boolean redisBefore = state.record(new SweepState.LastSweep(at, took, outcome, report.queues(), report.checked(),
                report.stuck(), report.cleaned(), report.errors(), report.skippedQueues(), report.redisProblem(),
                report.capped()));
        metrics.sweep(outcome, took);
        if (outcome == SweepOutcome.STOPPED) {
            LOG.infof("Sweep stopped for shutdown after %d entries checked, %d cleaned", report.checked(), report.cleaned());
            return;
        }
        metrics.redisUp(report.redisAvailable());
        if (outcome.isSuccessful()) {
            metrics.success(at.plus(took));
        }
        if (!report.redisAvailable()) {
            if (!Boolean.FALSE.equals(redisBefore)) {
                LOG.warnf("%s; nothing swept. rq-sweeper keeps running, readiness is DOWN, and sweeping resumes by itself "
                        + "when Redis is back (tried every %s)", report.redisProblem(), Durations.text(settings.every()));
            } else {
                LOG.debugf("Redis still unavailable: %s", report.redisProblem());
            }
            return;
        }
        if (Boolean.FALSE.equals(redisBefore)) {
            Duration down = Duration.between(state.redisDownSince(), at);
            LOG.infof("Redis at %s is back after %s; sweeping resumed", target.redacted(), Durations.clock(down.toSeconds()));
        }
        metrics.queues(listener.started, listener.abandoned, listener.skipped);
        metrics.capped(report.capped() ? report.stuck() : 0);
        if (report.redisProblem() != null) {
            once("problem:" + report.redisProblem(), () -> LOG.errorf("Sweep could not read Redis: %s", report.redisProblem()));
        }
        if (report.stoppedBy() != null) {
            LOG.errorf("Sweep stopped: %s", report.stoppedBy());
        }
        for (String warning : report.warnings()) {
            once("warning:" + warning, () -> LOG.warn(warning));
        }
        if (report.stuck() > 0 || report.errors() > 0 || report.workerRegistrationsRemoved() > 0) {
            LOG.infof("Swept %d queue(s) in %d ms: %d started entries checked, %d stuck, %d %s, %d error(s), "
                            + "%d registration(s) of gone workers %s%s",
                    report.queues() - report.skippedQueues().size(), took.toMillis(), report.checked(), report.stuck(),
                    report.cleaned(), settings.options().dryRun() ? "cleaned (dry run)" : "cleaned", report.errors(),
                    report.workerRegistrationsRemoved(), settings.options().dryRun() ? "to remove" : "removed",
                    report.skippedQueues().isEmpty() ? "" : "; left to another sweeper: " + String.join(",", report.skippedQueues()));
        } else {
            LOG.debugf("Swept %d queue(s) in %d ms: nothing to do%s", report.queues(), took.toMillis(),
                    report.skippedQueues().isEmpty() ? "" : "; left to another sweeper: " + String.join(",", report.skippedQueues()));
        }
    }

    /**
     * Shutdown (SIGTERM, SIGINT): no new sweep starts, the running one stops after the scripts it already
     * sent, and shutdown goes on once it has (or after {@link #STOP_WAIT}). Observed early, while Redis
     * connections and the event loop are still up.
     */
    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        if (settings == null) {
            return;
        }
        stopping = true;
        try {
            if (scheduler.isRunning()) {
                scheduler.unscheduleJob(JOB_ID);
            }
        } catch (RuntimeException e) {
            LOG.debugf("Could not unschedule the sweep: %s", e.getMessage());
        }
        try {
            if (running.tryLock(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                running.unlock();
                LOG.info("Stopped: no sweep running");
            } else {
                LOG.warnf("Stopped while a sweep was still running after %s", Durations.text(STOP_WAIT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void once(String key, Runnable log) {
        boolean first;
        synchronized (seen) {
            first = seen.add(key);
        }
        if (first) {
            log.run();
        }
    }

    /** Receives one sweep's findings: logs and counts each job as it is resolved. */
    private final class Listener implements SweepListener {
        final Map<String, Long> started = new LinkedHashMap<>();
        final Map<String, Integer> abandoned = new HashMap<>();
        final Set<String> skipped = new HashSet<>();

        @Override
        public void queue(String queue, long startedEntries) {
            started.put(queue, startedEntries);
        }

        @Override
        public void queueSkipped(String queue, String holder) {
            skipped.add(queue);
            metrics.queueSkipped(queue);
            LOG.debugf("Queue %s left alone: another sweeper is sweeping it%s", queue, holder.isEmpty() ? "" : " (" + holder + ")");
        }

        @Override
        public void job(JobReport j) {
            if (j.stuck() && j.queue() != null) {
                abandoned.merge(j.queue(), 1, Integer::sum);
            }
            if (j.outcome().isCleaned()) {
                metrics.jobCleaned(j);
                log(Logger.Level.INFO, "Cleaned", j);
            } else if (j.outcome() == Outcome.ERROR) {
                metrics.jobError(j);
                once("error:" + j.id() + ":" + j.queue() + ":" + j.detail(), () -> log(Logger.Level.WARN, "Could not handle", j));
            } else if (j.stuck() && settings.options().dryRun()) {
                once("dry:" + j.id() + ":" + j.member() + ":" + j.outcome(), () -> log(Logger.Level.INFO, "Would clean", j));
            } else if (LOG.isDebugEnabled()) {
                log(Logger.Level.DEBUG, "Left alone", j);
            }
        }

        @Override
        public boolean stopRequested() {
            return stopping;
        }

        /** One line per job; with JSON logs, its facts are fields of their own (MDC) too. */
        private void log(Logger.Level level, String verb, JobReport j) {
            MDC.put("queue", String.valueOf(j.queue()));
            MDC.put("job", String.valueOf(j.id()));
            MDC.put("outcome", j.outcome().code());
            try {
                String reasons = j.reasons().stream().map(Reason::label).collect(Collectors.joining(", "));
                LOG.logf(level, "%s job %s on %s: %s (%s%s; %s)", verb, j.id() == null ? "-" : j.id(), j.queue(), j.outcome().code(),
                        j.ageSeconds() == null ? "age unknown" : "age " + Durations.clock(j.ageSeconds()),
                        reasons.isEmpty() ? "" : ", " + reasons, j.detail());
            } finally {
                MDC.remove("queue");
                MDC.remove("job");
                MDC.remove("outcome");
            }
        }
    }
}
