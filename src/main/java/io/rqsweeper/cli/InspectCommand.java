package io.rqsweeper.cli;

import io.rqsweeper.diagnose.InspectService;
import io.rqsweeper.diagnose.JobInspection;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "inspect", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Shows everything Redis holds about one job: its fields (text as text; pickled and compressed "
                + "values as type and size, never decoded), every queue, list and registry that lists it, its "
                + "executions (RQ 2.x), its worker and whether that worker is alive and claims it, its dependencies "
                + "and dependents, and the verdict 'sweep' would reach now, with the reasoning. Reads only: changes nothing."},
        footer = {"", "Examples:",
                "  rq-sweeper inspect 3f2a9c1e-5b7d-4e0a-9f61-0c2d8e4b7a15",
                "  kubectl exec deploy/rq-sweeper -- rq-sweeper inspect export-7",
                "  rq-sweeper inspect export-7 --output json | jq -r .summary",
                "",
                "Exit codes:",
                "  0  the job was found (whatever its state)",
                "  1  Redis knows nothing of this id, or rq:job:<id> is not a hash",
                "  2  usage error (bad option, value or URL)",
                "  3  Redis unavailable, or it refused a read the inspection needs"})
public class InspectCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    InspectService service;

    @Inject
    SweeperConfig config;

    @Parameters(paramLabel = "JOB_ID", description = "The job id (as in rq:job:<id>).")
    String jobId;

    @Mixin
    RuleOptions rule;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: exactly one JSON object.")
    SweepCommand.OutputFormat output;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        ConnectionOptions.Connection redis = connection.resolve(spec.commandLine(), config);
        if (jobId.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "JOB_ID is empty");
        }
        JobInspection in = service.inspect(redis.target(), redis.timeout(), jobId, rule.policy(spec.commandLine(), config, false));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int exit = ExitCodes.OK;
        if (!in.redisAvailable() || in.redisProblem() != null) {
            err.println("rq-sweeper: error: " + in.redisProblem() + "; nothing was inspected");
            exit = ExitCodes.UNANSWERED;
        } else if (!in.found()) {
            err.println("rq-sweeper: error: no job '" + Terminal.printable(jobId) + "' in Redis: " + in.key()
                    + " does not exist, and no queue, list or registry of the queues in rq:queues names it");
            exit = ExitCodes.FAILURE;
        } else {
            in.problems().forEach(p -> err.println("rq-sweeper: warning: " + p));
            if (!"hash".equals(in.keyType()) && !"none".equals(in.keyType())) {
                exit = ExitCodes.FAILURE;
            }
        }
        if (output == SweepCommand.OutputFormat.JSON) {
            out.println(InspectRenderer.json(in));
        } else if (in.found()) {
            InspectRenderer.text(in, out);
        }
        out.flush();
        err.flush();
        return exit;
    }
}
