package io.rqsweeper.cli;

import io.quarkus.runtime.Quarkus;
import io.rqsweeper.serve.ServeSettings;
import io.rqsweeper.serve.SweepSchedule;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "serve", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Runs until stopped: sweeps every rq-sweeper.schedule.every (default 60s, the first sweep right "
                + "away) and serves /q/health/live, /q/health/ready, /q/health/started and /q/metrics on "
                + "quarkus.http.port (default 8080).",
                "Sweep options come from rq-sweeper.sweep.* settings or RQ_SWEEPER_SWEEP_* variables (action, max-age, "
                        + "margin, queues, exclude-queues, delete-keys, delete-dependents, dry-run, force, rq-version, "
                        + "backup); see the README. Redis going away never stops it: readiness goes DOWN and sweeping "
                        + "resumes when Redis is back. SIGTERM ends it within seconds, after the scripts already sent."},
        footer = {"", "Examples:",
                "  rq-sweeper serve --redis-url redis://redis:6379/0",
                "  RQ_SWEEPER_SCHEDULE_EVERY=30s QUARKUS_HTTP_PORT=9090 rq-sweeper serve",
                "  RQ_SWEEPER_SWEEP_DRY_RUN=true RQ_SWEEPER_SWEEP_QUEUES=a,b rq-sweeper serve",
                "  QUARKUS_LOG_CONSOLE_JSON_ENABLED=true rq-sweeper serve     # JSON log lines",
                "",
                "Exit codes:",
                "  143  stopped by SIGTERM (130: SIGINT); the running sweep stopped cleanly",
                "  1    could not start (e.g. the HTTP port is taken)",
                "  2    usage error (bad option, setting or URL)"})
public class ServeCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    SweeperConfig config;

    @Inject
    SweepSchedule schedule;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        ConnectionOptions.Connection redis = connection.resolve(spec.commandLine(), config);
        if (!redis.retryFor().isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--wait is for the one-shot commands: serve keeps trying to reach Redis on its own");
        }
        ServeSettings settings;
        try {
            settings = ServeSettings.from(config);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        schedule.start(redis.target(), redis.timeout(), settings);
        Quarkus.waitForExit();
        return ExitCodes.OK;
    }
}
