package io.rqsweeper.cli;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.rqsweeper.diagnose.Elapsed;
import io.rqsweeper.diagnose.StatusOptions;
import io.rqsweeper.diagnose.StatusReport;
import io.rqsweeper.diagnose.StatusService;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Shows per queue how many jobs are queued, started, abandoned, failed, finished, deferred, "
                + "scheduled and canceled, and every registered worker: alive or not, what it runs, its last heartbeat. "
                + "'abandoned' is what 'sweep' with the same options would clean now. Reads only: changes nothing."},
        footer = {"", "Examples:",
                "  rq-sweeper status",
                "  kubectl exec deploy/rq-sweeper -- rq-sweeper status --queue default",
                "  rq-sweeper status --output json",
                "  rq-sweeper status --check --max-age 30m || alert 'abandoned RQ jobs'",
                "  rq-sweeper status --watch 2s                     # redraws until Ctrl-C",
                "",
                "Exit codes:",
                "  0  done (also when Redis is unavailable: a warning; 1 with --strict)",
                "  1  --check: an abandoned job exists; --strict: Redis or a key unreadable",
                "  2  usage error (bad option, value or URL)",
                "  3  --check: no answer (Redis or a started registry unreadable)"})
public class StatusCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    StatusService service;

    @Inject
    SweeperConfig config;

    @Option(names = {"-q", "--queue"}, paramLabel = "NAME",
            description = "Queue to show (repeatable). Default: every queue in rq:queues.")
    List<String> queues = new ArrayList<>();

    @Mixin
    RuleOptions rule;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default): aligned tables; json: exactly one JSON object (one per line with --watch).")
    SweepCommand.OutputFormat output;

    @Option(names = "--check",
            description = "Exit 1 when any abandoned job exists, else 0; 3 when Redis cannot be reached (for alerts and CI gates).")
    boolean check;

    @Option(names = "--watch", paramLabel = "DURATION",
            description = "Show a fresh snapshot every DURATION (e.g. 2s) until interrupted: redrawn in place on a "
                    + "terminal, one after another otherwise. A bare number means seconds.")
    String watch;

    @Option(names = "--strict",
            description = "Exit 1 when Redis is unavailable or a key could not be read (default: warn, exit 0).")
    boolean strict;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        ConnectionOptions.Connection redis = connection.resolve(spec.commandLine(), config);
        StatusOptions options = new StatusOptions(List.copyOf(queues), rule.policy(spec.commandLine(), config, false));
        Duration every = null;
        if (watch != null) {
            try {
                every = Durations.parse(watch, ChronoUnit.SECONDS);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--watch: " + e.getMessage());
            }
            if (every.toMillis() < 100) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--watch '" + watch + "' is too short: use e.g. 2s");
            }
            if (check) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--check answers once; it does not go with --watch");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (every != null) {
            return watch(redis, options, every, out, err);
        }
        StatusReport report;
        try {
            report = service.status(redis.target(), redis.timeout(), options);
        } catch (RuntimeException e) {
            if (!check) {
                throw e;
            }
            // Exit 1 would claim an abandoned job: a check that broke has no answer.
            err.println("rq-sweeper: error: " + e.getMessage());
            err.flush();
            return ExitCodes.UNANSWERED;
        }
        warn(report, err);
        print(report, out);
        out.flush();
        err.flush();
        if (check) {
            if (report.abandoned() > 0) {
                return ExitCodes.FAILURE;
            }
            return report.abandonedKnown() ? ExitCodes.OK : ExitCodes.UNANSWERED;
        }
        boolean failed = !report.redisAvailable() || report.redisProblem() != null || !report.allProblems().isEmpty();
        return strict && failed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    /**
     * Snapshots until the process is interrupted. On a terminal each one replaces the last (as watch(1) does);
     * otherwise (a pipe, a log) they follow one another: text snapshots each under a heading line, JSON one
     * document per line. A warning is printed when it differs from the last one, not every round.
     */
    private int watch(ConnectionOptions.Connection redis, StatusOptions options, Duration every, PrintWriter out,
                      PrintWriter err) {
        boolean redraw = Terminal.isTerminal(1);
        String lastWarnings = "";
        while (true) {
            StatusReport report = service.status(redis.target(), redis.timeout(), options);
            java.io.StringWriter warnings = new java.io.StringWriter();
            PrintWriter w = new PrintWriter(warnings);
            warn(report, w);
            w.flush();
            if (!warnings.toString().equals(lastWarnings)) {
                err.print(warnings);
                err.flush();
                lastWarnings = warnings.toString();
            }
            if (redraw) {
                out.print("\033[H\033[2J");
            }
            if (output == SweepCommand.OutputFormat.TEXT) {
                out.println((redraw ? "Every " + (every.toMillis() % 1000 == 0 ? Elapsed.compact(every) : every.toMillis() + "ms") + ": " : "") + "rq-sweeper status at "
                        + Instant.now().truncatedTo(ChronoUnit.SECONDS) + (redraw ? " (Ctrl-C to stop)" : ""));
                out.println();
            }
            print(report, out);
            if (!redraw && output == SweepCommand.OutputFormat.TEXT) {
                out.println();
            }
            out.flush();
            if (!pause(every)) {
                return ExitCodes.OK;
            }
        }
    }

    /**
     * Waits, or returns false as soon as the process is being stopped (Ctrl-C, SIGTERM): Quarkus's shutdown hook
     * waits for this command to return rather than interrupting it.
     */
    private static boolean pause(Duration every) {
        long end = System.nanoTime() + every.toNanos();
        while (System.nanoTime() < end) {
            if (ApplicationLifecycleManager.isVmShuttingDown()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !ApplicationLifecycleManager.isVmShuttingDown();
    }

    private void print(StatusReport report, PrintWriter out) {
        if (output == SweepCommand.OutputFormat.JSON) {
            out.println(StatusRenderer.json(report));
        } else {
            StatusRenderer.text(report, out);
        }
    }

    private static void warn(StatusReport report, PrintWriter err) {
        if (!report.redisAvailable()) {
            err.println("rq-sweeper: warning: " + report.redisProblem() + "; nothing was checked");
            return;
        }
        if (report.redisProblem() != null) {
            err.println("rq-sweeper: error: " + report.redisProblem());
        }
        report.allProblems().forEach(p -> err.println("rq-sweeper: warning: " + p));
    }
}
