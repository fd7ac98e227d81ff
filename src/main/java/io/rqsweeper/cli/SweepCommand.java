package io.rqsweeper.cli;

import io.rqsweeper.sweep.SweepOptions;
import io.rqsweeper.sweep.SweepPolicy;
import io.rqsweeper.sweep.SweepReport;
import io.rqsweeper.sweep.SweepService;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "sweep", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Finds abandoned jobs in RQ's started registries and fails them as RQ itself would "
                + "(retries honoured). A job whose worker is alive is never touched, unless --force."},
        footer = {"", "Examples:",
                "  rq-sweeper sweep                                  # every queue, fail abandoned jobs",
                "  rq-sweeper sweep --queue default --queue emails --dry-run",
                "  RQ_SWEEPER_REDIS_PASSWORD=… rq-sweeper sweep --redis-url redis://redis:6379/0 --output json",
                "  rq-sweeper sweep --max-age 30m --strict           # fail the deploy if Redis is down",
                "  rq-sweeper sweep --action delete --delete-key 'job_progress:{id}' --backup /var/backups/rq-sweep.jsonl",
                "  rq-sweeper sweep --action requeue --exclude-queue payments",
                "  rq-sweeper sweep --max-jobs 0                      # no safety cap (e.g. a known backlog)",
                "", ExitCodes.HELP})
public class SweepCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    SweepService service;

    @Inject
    SweeperConfig config;

    @Inject
    io.rqsweeper.redis.RedisConnector connector;

    @Option(names = {"-q", "--queue"}, paramLabel = "NAME",
            description = "Queue to sweep (repeatable). Default: every queue in rq:queues.")
    List<String> queues = new ArrayList<>();

    @Mixin
    RuleOptions rule;

    @Option(names = "--force",
            description = "Act on EVERY started job, including jobs live workers are running (the old script's behaviour).")
    boolean force;

    @Option(names = "--dry-run", description = "Report what would be done; change nothing.")
    boolean dryRun;

    @Option(names = "--action", paramLabel = "ACTION",
            description = {"What to do with an abandoned job: ${COMPLETION-CANDIDATES}. Default: fail (as RQ would); "
                    + "a job a dead worker popped but never started is requeued.",
                    "requeue: back on its queue as a fresh attempt. delete: the job and everything RQ keeps for it."},
            converter = ActionConverter.class, completionCandidates = ActionConverter.Candidates.class)
    SweepOptions.Action action;

    @Option(names = "--delete-key", paramLabel = "PATTERN",
            description = "With --action delete: also delete this key, {id} replaced by the job id (repeatable; a literal "
                    + "key, not a glob), e.g. 'job_progress:{id}'.")
    List<String> deleteKeys = new ArrayList<>();

    @Option(names = "--delete-dependents",
            description = "With --action delete: delete the jobs that waited for a deleted job too, recursively "
                    + "(default: report their ids).")
    boolean deleteDependents;

    @Option(names = "--exclude-queue", paramLabel = "NAME",
            description = "Leave this queue alone even when it is in rq:queues (repeatable).")
    List<String> excludedQueues = new ArrayList<>();

    @Option(names = "--backup", paramLabel = "FILE",
            description = "Before each change, append the job's state to FILE (JSON lines, synced to disk) so "
                    + "'rq-sweeper restore FILE' can undo it. A backup that cannot be written stops the sweep (exit 1).")
    java.nio.file.Path backup;

    @Option(names = "--max-jobs", paramLabel = "N",
            description = "Safety cap: when more than N abandoned jobs are found, act on none and warn with the count "
                    + "(a wrong rule or clock must not empty a queue). 0: no cap. Default: 1000.")
    String maxJobs;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: exactly one JSON object on stdout.")
    OutputFormat output;

    @Option(names = "--strict",
            description = "Exit 1 when Redis is unavailable, any job could not be handled, or --max-jobs stopped the sweep "
                    + "(default: warn, exit 0).")
    boolean strict;

    @Option(names = "--rq-version", paramLabel = "VERSION",
            description = "RQ version to assume where Redis cannot tell (e.g. 2.1 or 2.12); the output says when it was used.")
    String rqVersion;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        ConnectionOptions.Connection redis = connection.resolve(spec.commandLine(), config);
        SweepPolicy policy = rule.policy(spec.commandLine(), config, force);
        if (rqVersion != null && io.rqsweeper.rq.RqGeneration.ofVersion(rqVersion) == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--rq-version '" + rqVersion + "' is not an RQ version such as 1.16 or 2.12");
        }
        if ((!deleteKeys.isEmpty() || deleteDependents) && action != SweepOptions.Action.DELETE) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--delete-key and --delete-dependents only apply with --action delete");
        }
        for (String q : queues) {
            if (q.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--queue: a queue name cannot be empty");
            }
        }
        for (String q : excludedQueues) {
            if (q.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--exclude-queue: a queue name cannot be empty");
            }
        }
        if (backup != null && io.rqsweeper.backup.BackupFile.problemWith(backup) != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--backup: " + io.rqsweeper.backup.BackupFile.problemWith(backup));
        }
        for (String pattern : deleteKeys) {
            if (!pattern.contains("{id}")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--delete-key '" + pattern + "' has no {id}: it would delete the same key for every job");
            }
        }
        int cap;
        try {
            cap = maxJobs == null ? SweepOptions.DEFAULT_MAX_JOBS : Integer.parseInt(maxJobs.trim());
        } catch (NumberFormatException e) {
            cap = -1;
        }
        if (cap < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-jobs: '" + maxJobs + "' is not a number of jobs (0 for no cap)");
        }
        SweepOptions options = new SweepOptions(List.copyOf(queues), List.copyOf(excludedQueues), policy, action, dryRun,
                rqVersion, List.copyOf(deleteKeys), deleteDependents, backup, cap);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (force) {
            err.println("rq-sweeper: WARNING: --force: every started job is acted on, including jobs live workers are running");
        }
        SweepRenderer renderer = new SweepRenderer(out, err, output, options);
        ConnectionOptions.awaitRedis(connector, redis, err);
        SweepReport report = service.sweep(redis.target(), redis.timeout(), options, renderer);
        renderer.finish(report);
        if (report.stoppedBy() != null) {
            return ExitCodes.FAILURE;
        }
        boolean failed = !report.redisAvailable() || report.errors() > 0 || report.capped();
        return strict && failed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    /** Output formats of the commands. */
    public enum OutputFormat {
        TEXT, JSON;
    }
}
