package io.rqsweeper.cli;

import io.rqsweeper.diagnose.WorkersReport;
import io.rqsweeper.diagnose.WorkersService;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "workers", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Lists every worker Redis knows of, alive or not: each worker hash (found with SCAN, so also "
                + "those RQ no longer lists) and each name in rq:workers, with its pub/sub subscription, key TTL, birth, "
                + "last heartbeat and current job. Ghosts are flagged: a worker key without a TTL (left by a work horse "
                + "that outlived its worker), or a name in rq:workers without a key. Reads only: changes nothing."},
        footer = {"", "Examples:",
                "  rq-sweeper workers",
                "  kubectl exec deploy/rq-sweeper -- rq-sweeper workers",
                "  rq-sweeper workers --output json | jq '.workers[] | select(.ghost != [])'",
                "",
                "Exit codes:",
                "  0  done",
                "  2  usage error (bad option, value or URL)",
                "  3  Redis unavailable, or the worker keys could not be listed"})
public class WorkersCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    WorkersService service;

    @Inject
    SweeperConfig config;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default): an aligned table; json: exactly one JSON object.")
    SweepCommand.OutputFormat output;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        ConnectionOptions.Connection redis = connection.resolve(spec.commandLine(), config);
        WorkersReport report = service.workers(redis.target(), redis.timeout());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!report.redisAvailable() || report.redisProblem() != null) {
            err.println("rq-sweeper: error: " + report.redisProblem() + "; nothing was checked");
        } else {
            report.problems().forEach(p -> err.println("rq-sweeper: warning: " + p));
        }
        if (output == SweepCommand.OutputFormat.JSON) {
            out.println(WorkersRenderer.json(report));
        } else {
            WorkersRenderer.text(report, out);
        }
        out.flush();
        err.flush();
        return report.redisAvailable() && report.redisProblem() == null ? ExitCodes.OK : ExitCodes.UNANSWERED;
    }
}
